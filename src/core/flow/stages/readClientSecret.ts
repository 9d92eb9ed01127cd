import type { StageImplementation } from '../stage';
import { readPipelineSecret, vaultToConnect } from './readSecret';

/** Stage 3: the pipeline service principal's client secret value, as stored in Key Vault. */
export const readClientSecretStage: StageImplementation<'readClientSecret'> = {
  id: 'readClientSecret',
  run: (ctx, inputs) => readPipelineSecret(ctx, inputs, ctx.profile.keyVault.clientSecretSecret, 'clientSecret'),
  connectsTo: (ctx) => vaultToConnect(ctx, ctx.profile.keyVault.clientSecretSecret),
};
