import type { StageId } from '../core/flow/types';
import type { ConnectionProfile } from '../core/model/profile';
import type { DemoWorld, FaultKind, FaultSpec } from './types';

/** Every fault kind, for validating user input (the CLI's --fault). */
export const FAULT_KINDS: readonly FaultKind[] = [
  'invalidClientSecret',
  'expiredClientSecret',
  'unknownClient',
  'unknownTenant',
  'defaultScopeAsResource',
  'wrongAudience',
  'missingRole',
  'secretNotFound',
  'secretDisabled',
  'tokenFromOtherTenant',
  'blockedByFirewall',
  'secretIdStored',
  'untrustedCertificate',
  'throttled',
  'serviceUnavailable',
  'oversizedEvent',
  'connectionRefused',
  'connectionReset',
  'timeout',
  'amqpPortBlocked',
];

/**
 * Which peer, and which requests on it, a stage's fault must hit: stage 1 and 4 both talk to
 * Entra and are told apart by resource; stages 2 and 3 both read Key Vault, told apart by name.
 */
export function faultForStage(stage: StageId, kind: FaultKind, world: DemoWorld, times?: number): FaultSpec {
  const base = times === undefined ? {} : { times };
  if (kind === 'secretIdStored') {
    // Stored wrongly in the vault, noticed only when stage 4 sends it to Entra ID.
    return { ...base, peer: 'keyVault', kind, match: { secretName: world.secrets.clientSecretName } };
  }
  if (kind === 'untrustedCertificate') {
    // A listener-level fault: the peer serving the stage presents another CA's certificate.
    return { ...base, peer: stage === 'readClientId' || stage === 'readClientSecret' ? 'keyVault' : 'entra', kind };
  }
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

/**
 * The faults that make sense for each stage: what the CLI's --fault and the extension offer. A data
 * table (a stage is not a peer: both token stages go to Entra ID, yet fail differently).
 */
export const FAULTS_BY_STAGE: Readonly<Record<StageId, readonly FaultKind[]>> = {
  keyVaultToken: [
    'invalidClientSecret',
    'expiredClientSecret',
    'unknownClient',
    'unknownTenant',
    'defaultScopeAsResource',
    'untrustedCertificate',
    'throttled',
    'serviceUnavailable',
    'connectionRefused',
    'connectionReset',
    'timeout',
  ],
  readClientId: [
    'secretNotFound',
    'secretDisabled',
    'missingRole',
    'wrongAudience',
    'tokenFromOtherTenant',
    'blockedByFirewall',
    'untrustedCertificate',
    'throttled',
    'serviceUnavailable',
    'connectionRefused',
    'connectionReset',
    'timeout',
  ],
  readClientSecret: ['secretNotFound', 'secretDisabled', 'missingRole', 'wrongAudience', 'tokenFromOtherTenant', 'blockedByFirewall', 'throttled', 'serviceUnavailable', 'connectionReset', 'timeout'],
  eventHubsToken: [
    'invalidClientSecret',
    'secretIdStored',
    'expiredClientSecret',
    'unknownClient',
    'unknownTenant',
    'defaultScopeAsResource',
    'throttled',
    'serviceUnavailable',
    'connectionReset',
    'timeout',
  ],
  send: ['wrongAudience', 'missingRole', 'oversizedEvent', 'throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout', 'amqpPortBlocked'],
  probe: ['wrongAudience', 'missingRole', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout', 'amqpPortBlocked'],
};

/**
 * Mistakes in the profile rather than on a peer: the sandbox's own profile, changed the way a user
 * gets it wrong. What the peers answer is then their ordinary answer to such a request.
 */
export type ProfileFaultKind = 'clientIdIsTenantId' | 'sasWithoutSend' | 'unresolvableHost';

/**
 * A host that never resolves (RFC 6761 reserves .invalid), so the DNS failure needs no network.
 * The namespace form keeps the real one's shape; the `.invalid` suffix makes resolvers answer at once.
 */
export const UNRESOLVABLE_NAMESPACE = 'eventstream-esfdiag0.servicebus.invalid';

export const PROFILE_FAULTS: Readonly<Record<ProfileFaultKind, { readonly stage: StageId; readonly description: string }>> = {
  clientIdIsTenantId: { stage: 'keyVaultToken', description: "the Key Vault reader's client id holds the tenant id (the two swapped)" },
  sasWithoutSend: { stage: 'send', description: 'the endpoint uses a SAS policy that has Listen but not Send' },
  unresolvableHost: { stage: 'send', description: 'the namespace host does not resolve (DNS)' },
};

export const PROFILE_FAULT_KINDS = Object.keys(PROFILE_FAULTS) as readonly ProfileFaultKind[];

export function isProfileFaultKind(kind: string): kind is ProfileFaultKind {
  return (PROFILE_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The sandbox profile with the mistake made. */
export function applyProfileFault(kind: ProfileFaultKind, profile: ConnectionProfile, world: DemoWorld): ConnectionProfile {
  switch (kind) {
    case 'clientIdIsTenantId': {
      const auth = profile.keyVault.auth;
      if (auth.kind !== 'servicePrincipal') {
        return profile;
      }
      return { ...profile, keyVault: { ...profile.keyVault, auth: { ...auth, clientId: auth.tenantId } } };
    }
    case 'sasWithoutSend':
      return { ...profile, endpoint: { ...profile.endpoint, auth: { kind: 'sas', keyName: world.listenOnlySas.keyName, key: world.listenOnlySas.key } } };
    case 'unresolvableHost': {
      // SAS, so only the send stage runs; no extra CA, which is only for loopback hosts (and nothing TLS is reached).
      const { trustedCaPem: _ca, ...rest } = profile;
      return { ...rest, endpoint: { ...profile.endpoint, namespace: UNRESOLVABLE_NAMESPACE, auth: { kind: 'sas', keyName: world.sas.keyName, key: world.sas.key } } };
    }
  }
}
