import type { StageImplementation } from '../stage';
import { readPipelineSecret, vaultToConnect } from './readSecret';

/** Stage 2: the pipeline service principal's client id, as stored in Key Vault. */
export const readClientIdStage: StageImplementation<'readClientId'> = {
  id: 'readClientId',
  run: (ctx, inputs) => readPipelineSecret(ctx, inputs, ctx.profile.keyVault.clientIdSecret, 'clientId'),
  connectsTo: (ctx) => vaultToConnect(ctx, ctx.profile.keyVault.clientIdSecret),
};
