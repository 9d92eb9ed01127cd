/** Stage names on the command line (`test kv-token`, `--fault eh-token:…`): their aliases and the checks on them. */
import type { StageId } from '../core/flow/types';
import { ValidationError } from '../core/errors/errors';

const STAGE_ALIASES: Readonly<Record<string, StageId>> = {
  'kv-token': 'keyVaultToken',
  'key-vault-token': 'keyVaultToken',
  keyvaulttoken: 'keyVaultToken',
  'client-id': 'readClientId',
  'read-client-id': 'readClientId',
  readclientid: 'readClientId',
  'client-secret': 'readClientSecret',
  'read-client-secret': 'readClientSecret',
  readclientsecret: 'readClientSecret',
  'eh-token': 'eventHubsToken',
  'event-hubs-token': 'eventHubsToken',
  eventhubstoken: 'eventHubsToken',
  send: 'send',
  probe: 'probe',
};

export function parseStage(text: string): StageId {
  const stage = STAGE_ALIASES[text.toLowerCase()];
  if (!stage) {
    throw new ValidationError('stage', `'${text}' is not a stage.`, 'Use one of: kv-token, client-id, client-secret, eh-token, send, probe.');
  }
  return stage;
}

/** inspect-token takes only the two stages that obtain a token. */
export function checkTokenStage(text: string | undefined): void {
  const stage = text === undefined ? undefined : STAGE_ALIASES[text.toLowerCase()];
  if (stage !== 'keyVaultToken' && stage !== 'eventHubsToken') {
    const what = text === undefined ? 'inspect-token needs a token stage.' : `'${text}' is not a stage that obtains a token.`;
    throw new ValidationError('stage', what, 'Write `eventstream-flow inspect-token kv-token` (stage 1) or `inspect-token eh-token` (stage 4).');
  }
}
