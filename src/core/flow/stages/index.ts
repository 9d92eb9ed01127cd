import type { StageImplementation } from '../stage';
import type { StageId } from '../types';
import { eventHubsTokenStage } from './eventHubsToken';
import { keyVaultTokenStage } from './keyVaultToken';
import { probeStage } from './probe';
import { readClientIdStage } from './readClientId';
import { readClientSecretStage } from './readClientSecret';
import { sendStage } from './send';

// The registry of stage implementations, one a stage id.
export const STAGES: { readonly [S in StageId]: StageImplementation<S> } = {
  keyVaultToken: keyVaultTokenStage,
  readClientId: readClientIdStage,
  readClientSecret: readClientSecretStage,
  eventHubsToken: eventHubsTokenStage,
  send: sendStage,
  probe: probeStage,
};
