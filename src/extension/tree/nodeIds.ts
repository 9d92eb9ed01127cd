import type { StageId } from '../../core/flow/types';

/**
 * Stable, hierarchical tree ids (`profile/<id>/vault/secret/<name>`) and composed context values
 * (`secret;enabled;clientId`) that package.json menus match with `viewItem =~ /\bflag\b/`.
 * Pure (no vscode) so the in-host and UI tests can rely on them and they are unit-tested.
 */

/** Segments are URI-encoded so a `/` in a name can never make two nodes share an id. */
const seg = (value: string): string => encodeURIComponent(value);

export const nodeIds = {
  profile: (profileId: string): string => `profile/${seg(profileId)}`,
  stage: (profileId: string, stage: StageId): string =>
    // The probe stage *is* the endpoint node: one place shows its result and holds its partitions.
    stage === 'probe' ? nodeIds.endpoint(profileId) : `${nodeIds.profile(profileId)}/stage/${stage}`,
  vault: (profileId: string): string => `${nodeIds.profile(profileId)}/vault`,
  /** Key Vault names are case-insensitive: one node per secret whatever the casing in the profile. */
  secret: (profileId: string, secretName: string): string => `${nodeIds.vault(profileId)}/secret/${seg(secretName.toLowerCase())}`,
  /** Version ids are hex; lower-cased like the name so the id never depends on how it was typed. */
  secretVersion: (profileId: string, secretName: string, version: string): string => `${nodeIds.secret(profileId, secretName)}/version/${seg(version.toLowerCase())}`,
  endpoint: (profileId: string): string => `${nodeIds.profile(profileId)}/endpoint`,
  partition: (profileId: string, partitionId: string): string => `${nodeIds.endpoint(profileId)}/partition/${seg(partitionId)}`,
  /** Error, sign-in and hint nodes under a parent (or at the root when parentId is undefined). */
  message: (parentId: string | undefined, kind: MessageKind): string => (parentId ? `${parentId}/${kind}` : kind),
} as const;

export type MessageKind = 'error' | 'signIn' | 'hint' | 'listError';

/** Joins flags into a context value, dropping false/undefined ones: `composeContextValue('secret', enabled && 'enabled')`. */
export function composeContextValue(...flags: readonly (string | false | undefined | null)[]): string {
  return flags.filter((f): f is string => typeof f === 'string' && f.length > 0).join(';');
}

/** Whether a composed context value carries a flag, with the same word-boundary rule the menus use. */
export function hasContextFlag(contextValue: string, flag: string): boolean {
  return contextValue.split(';').includes(flag);
}

export const CONTEXT = {
  profile: 'profile',
  sandbox: 'sandbox',
  sandboxStopped: 'stopped',
  /** A stage (or the endpoint) of the sandbox's profile: "Make This Stage Fail…" applies. */
  onSandbox: 'onSandbox',
  vault: 'vault',
  secret: 'secret',
  enabled: 'enabled',
  disabled: 'disabled',
  expired: 'expired',
  expiringSoon: 'expiringSoon',
  notYetValid: 'notYetValid',
  /** A secret (or, on the vault, any of its secrets) is disabled, expired, not yet valid, expiring soon or missing. */
  attention: 'attention',
  secretVersion: 'secretVersion',
  pinned: 'pinned',
  latest: 'latest',
  clientIdSecret: 'clientIdSecret',
  clientSecretSecret: 'clientSecretSecret',
  endpoint: 'endpoint',
  partition: 'partition',
  error: 'error',
  signIn: 'signIn',
  hint: 'hint',
  stage: (stage: StageId): string => `stage:${stage}`,
  status: (status: string): string => `status:${status}`,
} as const;
