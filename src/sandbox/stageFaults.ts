import type { StageId } from '../core/flow/types';
import type { DemoWorld, FaultKind, FaultSpec } from './types';

/** Every fault kind, for validating user input (the CLI's --fault). */
export const FAULT_KINDS: readonly FaultKind[] = [
  'invalidClientSecret',
  'expiredClientSecret',
  'unknownClient',
  'unknownTenant',
  'wrongAudience',
  'missingRole',
  'secretNotFound',
  'secretDisabled',
  'throttled',
  'serviceUnavailable',
  'oversizedEvent',
  'connectionRefused',
  'connectionReset',
  'timeout',
];

/**
 * Which peer, and which requests on it, a stage's fault must hit: stage 1 and 4 both talk to
 * Entra and are told apart by resource; stages 2 and 3 both read Key Vault, told apart by name.
 */
export function faultForStage(stage: StageId, kind: FaultKind, world: DemoWorld, times?: number): FaultSpec {
  const base = times === undefined ? {} : { times };
  switch (stage) {
    case 'keyVaultToken':
      return { ...base, peer: 'entra', kind, match: { resource: 'https://vault.azure.net' } };
    case 'readClientId':
      return { ...base, peer: 'keyVault', kind, match: { secretName: world.secrets.clientIdName } };
    case 'readClientSecret':
      return { ...base, peer: 'keyVault', kind, match: { secretName: world.secrets.clientSecretName } };
    case 'eventHubsToken':
      return { ...base, peer: 'entra', kind, match: { resource: 'https://eventhubs.azure.net' } };
    case 'send':
    case 'probe':
      return { ...base, peer: 'eventHubs', kind };
  }
}

/** The faults that make sense for each stage: what the CLI's --fault and the extension offer. */
export const FAULTS_BY_STAGE: Readonly<Record<StageId, readonly FaultKind[]>> = {
  keyVaultToken: ['invalidClientSecret', 'expiredClientSecret', 'unknownClient', 'unknownTenant', 'throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
  readClientId: ['secretNotFound', 'secretDisabled', 'missingRole', 'wrongAudience', 'throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
  readClientSecret: ['secretNotFound', 'secretDisabled', 'missingRole', 'wrongAudience', 'throttled', 'serviceUnavailable', 'connectionReset', 'timeout'],
  eventHubsToken: ['invalidClientSecret', 'expiredClientSecret', 'unknownClient', 'unknownTenant', 'throttled', 'serviceUnavailable', 'connectionReset', 'timeout'],
  send: ['wrongAudience', 'missingRole', 'oversizedEvent', 'throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
  probe: ['wrongAudience', 'missingRole', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
};
