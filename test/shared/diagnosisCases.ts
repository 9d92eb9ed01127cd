// The failures users hit most (issue #4, "Diagnosis per stage"), each made to happen through the
// sandbox and checked for the stage it names, its cause and its fix. One table drives both the CLI
// test (test/unit/cli/diagnosis.test.ts) and the in-host test (09-diagnosis.test.ts).
import type { StageId } from '../../src/core/flow/types';
import type { ProfileFaultKind } from '../../src/sandbox/stageFaults';
import type { FaultKind } from '../../src/sandbox/types';

export interface DiagnosisCase {
  readonly name: string;
  /** The stage that must fail, and be named as the one that failed. */
  readonly stage: StageId;
  /**
   * How the sandbox makes it happen: a peer fault aimed at the stage (`faultForStage`), or a mistake
   * in the sandbox's profile (`applyProfileFault`). The CLI spells both `--fault <stage>:<kind>`.
   */
  readonly inject: { readonly fault: FaultKind } | { readonly profileFault: ProfileFaultKind };
  /** For faults that hang instead of failing: a short stage timeout. */
  readonly stageTimeoutSeconds?: number;
  /** The table entry that must explain it (`explanationKeyFor(code)`); DNS may be either, depending on the resolver. */
  readonly entries: readonly string[];
  /** What the cause must say, and what the fix must say. Matched against the plain text (Markdown escapes removed). */
  readonly cause: RegExp;
  readonly fix: RegExp;
}

/** The CLI's names for the stages (`--fault kv-token:…`, `test kv-token`). */
export const CLI_STAGE: Readonly<Record<StageId, string>> = {
  keyVaultToken: 'kv-token',
  readClientId: 'client-id',
  readClientSecret: 'client-secret',
  eventHubsToken: 'eh-token',
  send: 'send',
  probe: 'probe',
};

const LOOPBACK = '(?:127\\.0\\.0\\.1|::1)';

export const DIAGNOSIS_CASES: readonly DiagnosisCase[] = [
  {
    name: 'the client secret *id* stored in Key Vault instead of its value (AADSTS7000215)',
    stage: 'eventHubsToken',
    inject: { fault: 'secretIdStored' },
    entries: ['AADSTS7000215'],
    cause: /Secret ID \(a GUID\) was stored instead of the secret value/,
    fix: /Store the client secret \*value\* in the Key Vault secret/,
  },
  {
    name: 'an expired client secret (AADSTS7000222)',
    stage: 'eventHubsToken',
    inject: { fault: 'expiredClientSecret' },
    entries: ['AADSTS7000222'],
    cause: /expiry date has passed/,
    fix: /Create a new client secret .* Key Vault secret/,
  },
  {
    name: 'client id and tenant id swapped (AADSTS700016)',
    stage: 'keyVaultToken',
    inject: { profileFault: 'clientIdIsTenantId' },
    entries: ['AADSTS700016'],
    cause: /client id and tenant id swapped/,
    fix: /client id and tenant id .* same app registration/,
  },
  {
    name: '/.default sent as a v1 resource (AADSTS500011)',
    stage: 'eventHubsToken',
    inject: { fault: 'defaultScopeAsResource' },
    entries: ['AADSTS500011'],
    cause: /resource=https:\/\/eventhubs\.azure\.net\/\.default to the v1 endpoint/,
    fix: /Drop \/\.default for the v1 endpoint: resource=https:\/\/eventhubs\.azure\.net\. Or use the v2 endpoint .*scope=https:\/\/eventhubs\.azure\.net\/\.default/,
  },
  {
    name: 'a Key Vault token audience with a trailing slash (AKV10022)',
    stage: 'readClientId',
    inject: { fault: 'wrongAudience' },
    entries: ['AKV10022'],
    cause: /audience is https:\/\/vault\.azure\.net\/: the vault resource with a trailing slash/,
    fix: /resource=https:\/\/vault\.azure\.net \(v1, no trailing slash\)/,
  },
  {
    name: 'a token from another tenant than the vault (AKV10032)',
    stage: 'readClientId',
    inject: { fault: 'tokenFromOtherTenant' },
    entries: ['AKV10032'],
    cause: /issued by tenant [0-9a-f-]{36}, but Key Vault only accepts tokens issued by the tenant that owns the vault/,
    fix: /Set the Key Vault tenant in the profile to \S+ \(the vault's tenant\)/,
  },
  {
    name: 'the reader lacks the role Key Vault Secrets User (ForbiddenByRbac)',
    stage: 'readClientId',
    inject: { fault: 'missingRole' },
    entries: ['ForbiddenByRbac'],
    cause: /no role assignment allowing 'Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action' on \/subscriptions\//,
    fix: /"Key Vault Secrets User" to the reader on the scope \/subscriptions\/\S+\/providers\/microsoft\.keyvault\/vaults\/\S+ .*take minutes to apply/,
  },
  {
    name: "the vault's firewall, showing the client address it saw (ForbiddenByFirewall)",
    stage: 'readClientId',
    inject: { fault: 'blockedByFirewall' },
    entries: ['ForbiddenByFirewall'],
    cause: new RegExp(`the vault saw this client at ${LOOPBACK}`),
    fix: new RegExp(`Add ${LOOPBACK} to the vault's firewall`),
  },
  {
    name: "Fabric's requirements for Entra ID on a custom endpoint ('Send' claim missing)",
    stage: 'send',
    inject: { fault: 'missingRole' },
    entries: ['MissingSendClaim'],
    cause: /service principal has no Send permission/,
    fix: /"Service principals can call Fabric public APIs".*Contributor/,
  },
  {
    name: 'a SAS policy without Send rights',
    stage: 'send',
    inject: { profileFault: 'sasWithoutSend' },
    entries: ['MissingSendClaim'],
    cause: /policy does not include Send/,
    fix: /A send-only policy is enough: the namespace root key .* is not needed/,
  },
  {
    name: 'a namespace that does not resolve (DNS)',
    stage: 'send',
    inject: { profileFault: 'unresolvableHost' },
    entries: ['ENOTFOUND', 'EAI_AGAIN'],
    cause: /typo in the vault or namespace name/,
    fix: /Check the namespace/,
  },
  {
    name: 'a refused connection',
    stage: 'readClientId',
    inject: { fault: 'connectionRefused' },
    entries: ['ECONNREFUSED'],
    cause: /Nothing is listening at that host and port/,
    fix: /Check the host and port/,
  },
  {
    name: 'an untrusted TLS certificate (a TLS-inspecting proxy)',
    stage: 'keyVaultToken',
    inject: { fault: 'untrustedCertificate' },
    entries: ['TlsCertificateError'],
    cause: /does not lead to a trusted CA/,
    fix: /add its root CA .*Never disable certificate checks/,
  },
  {
    name: 'a host that never answers (timeout)',
    stage: 'send',
    inject: { fault: 'timeout' },
    stageTimeoutSeconds: 2,
    entries: ['StageTimeout'],
    cause: /No answer arrived within the stage timeout/,
    // The editor says "raise the stage timeout in settings"; the CLI "raise the per-stage timeout with --timeout".
    fix: /raise the (stage timeout|per-stage timeout with --timeout)/,
  },
  {
    name: 'a reset connection',
    stage: 'eventHubsToken',
    inject: { fault: 'connectionReset' },
    entries: ['ECONNRESET'],
    cause: /closed the connection abruptly/,
    fix: /check proxies and firewalls/,
  },
];

/** `--fault <stage>:<kind>` for a case. */
export function cliFault(c: DiagnosisCase): string {
  return `${CLI_STAGE[c.stage]}:${'fault' in c.inject ? c.inject.fault : c.inject.profileFault}`;
}

/** Markdown (tooltips) escapes punctuation with backslashes; the cases match the plain text. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}
