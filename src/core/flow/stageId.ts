// The stage names and titles: the one type errors need from the flow, kept below errors/ so that
// errors never import the flow (which imports errors).

/** The pipeline's four Web activities (two Key Vault reads), plus a send-free probe of the endpoint. */
export type StageId = 'keyVaultToken' | 'readClientId' | 'readClientSecret' | 'eventHubsToken' | 'send' | 'probe';

export const STAGE_TITLES: Readonly<Record<StageId, string>> = {
  keyVaultToken: 'Key Vault token',
  readClientId: 'Read client id',
  readClientSecret: 'Read client secret',
  eventHubsToken: 'Event Hubs token',
  send: 'Send event',
  probe: 'Probe endpoint',
};
