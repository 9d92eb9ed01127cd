import type { ConnectionProfile } from '../model/profile';
import type { StageId } from './types';

/** The order stages are shown in, everywhere. */
export const STAGE_ORDER: readonly StageId[] = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send', 'probe'];

/** The five stages the pipeline runs, in order (the probe is an alternative last stage). */
export const PIPELINE_STAGES: readonly StageId[] = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'];

/**
 * What each stage needs first. Only Entra endpoint auth needs the Key Vault reads and the Event Hubs
 * token; with a SAS key or a connection string the endpoint stands alone.
 */
export function dependenciesOf(stage: StageId, profile: ConnectionProfile): readonly StageId[] {
  switch (stage) {
    case 'keyVaultToken':
      return [];
    case 'readClientId':
    case 'readClientSecret':
      return ['keyVaultToken'];
    case 'eventHubsToken':
      return ['readClientId', 'readClientSecret'];
    case 'send':
    case 'probe':
      return profile.endpoint.auth.kind === 'entra' ? ['eventHubsToken'] : [];
  }
}

/** The stages needed to reach `target`, in display order. */
export function planFor(target: StageId, profile: ConnectionProfile): StageId[] {
  const needed = new Set<StageId>();
  const visit = (stage: StageId): void => {
    if (!needed.has(stage)) {
      needed.add(stage);
      dependenciesOf(stage, profile).forEach(visit);
    }
  };
  visit(target);
  return STAGE_ORDER.filter((s) => needed.has(s));
}

/** Why a pipeline stage is left out of a plan (shown as a skipped stage, not a silent gap). */
export function skipReason(stage: StageId, profile: ConnectionProfile): string | undefined {
  if (profile.endpoint.auth.kind !== 'entra' && stage !== 'send' && stage !== 'probe') {
    const how = profile.endpoint.auth.kind === 'sas' ? 'a SAS key' : 'a connection string';
    return `Not needed: the endpoint authenticates with ${how}, not with the credentials read from Key Vault.`;
  }
  return undefined;
}

/** The profile's secrets a run to a target reads: only those of the stages its plan holds. */
export interface SecretsNeeded {
  /** The Key Vault reader's client secret (stage 1 with a service principal). */
  readonly keyVaultReader: boolean;
  /** The endpoint's SAS key or connection string (the send or the probe without Entra ID). */
  readonly endpoint: boolean;
}

/**
 * Which of the profile's secrets a run to `target` needs. A profile that sends with a SAS key or a
 * connection string skips stages 1–4, so its send needs no Key Vault reader secret; a run that stops
 * before the send (`test kv-token`) needs no endpoint key. Hosts ask only for these.
 */
export function secretsNeeded(target: StageId, profile: ConnectionProfile): SecretsNeeded {
  const plan = planFor(target, profile);
  return {
    keyVaultReader: plan.includes('keyVaultToken') && profile.keyVault.auth.kind === 'servicePrincipal',
    endpoint: (plan.includes('send') || plan.includes('probe')) && profile.endpoint.auth.kind !== 'entra',
  };
}
