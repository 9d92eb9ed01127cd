// The Add/Edit Profile wizard's answers: the draft the steps fill in, what an edit keeps unseen,
// and the conversions between a draft and a profile.
import type { ParsedConnectionString } from '../../core/azure/connectionString';
import type { CloudName } from '../../core/model/cloud';
import type { ConnectionProfile, EndpointAuth, KeyVaultAuth, SendProtocol, TokenRequestStyle } from '../../core/model/profile';
import type { WizardChoices } from '../discovery/wizardChoices';
import type { ProfileSummary } from '../services';
import { endpointAuthOf, keptEndpointSecrets } from './steps/endpointFields';
import { formatSecretRef, parseSecretRef } from './steps/secretRefs';
import type { StepAnswer, StepFrame, WizardPrompter } from './wizardPrompter';

/** Preferences read from settings (never identifiers): what a new profile starts with. */
export interface WizardDefaults {
  readonly cloud: CloudName;
  readonly protocol: SendProtocol;
  readonly amqpTransport: 'tcp' | 'websockets';
}

export interface ProfileWizardOptions {
  readonly prompter: WizardPrompter;
  readonly defaults: WizardDefaults;
  /** Every stored profile, so the name stays unique. */
  readonly others: readonly ProfileSummary[];
  /** Edit: the stored profile, whose values prefill every step (secrets are never shown). */
  readonly existing?: ConnectionProfile;
  /** A new profile's id (ignored on edit). */
  readonly newId: () => string;
  /** When an account can discover: vaults and hubs offered as picks before typing (typing still works). */
  readonly choices?: WizardChoices;
}

export type KeyVaultAuthKind = KeyVaultAuth['kind'];
export type EndpointAuthKind = EndpointAuth['kind'];
export type Transport = 'rest' | 'amqp-tcp' | 'amqp-websockets';

/** The answers so far, as typed (normalised where a validator normalises). Secrets '' = keep. */
export interface Draft {
  name: string;
  cloud: CloudName;
  vaultUrl: string;
  kvAuth: KeyVaultAuthKind;
  kvTenantId: string;
  kvClientId: string;
  kvClientSecret: string;
  tokenRequest: TokenRequestStyle;
  clientIdSecret: string;
  clientSecretSecret: string;
  endpointSource: 'paste' | 'manual';
  pastedText: string;
  pasted: ParsedConnectionString | undefined;
  namespace: string;
  eventHubName: string;
  endpointAuth: EndpointAuthKind;
  sasKeyName: string;
  sasKey: string;
  connectionString: string;
  ehTenantId: string;
  endpointVersion: 'v1' | 'v2';
  transport: Transport;
}

/** Stored secrets an edit may keep (only non-empty ones: an imported profile has none). */
export interface Kept {
  readonly clientSecret?: string;
  readonly sasKey?: string;
  readonly connectionString?: string;
}

export type StepId =
  | 'name'
  | 'cloud'
  | 'vaultUrl'
  | 'kvAuth'
  | 'kvTenantId'
  | 'kvClientId'
  | 'kvClientSecret'
  | 'tokenRequest'
  | 'clientIdSecret'
  | 'clientSecretSecret'
  | 'endpointSource'
  | 'pasteConnectionString'
  | 'namespace'
  | 'eventHubName'
  | 'endpointAuth'
  | 'sasKeyName'
  | 'sasKey'
  | 'connectionString'
  | 'ehTenantId'
  | 'endpointVersion'
  | 'transport';

export interface StepContext {
  readonly d: Draft;
  readonly kept: Kept;
  readonly frame: StepFrame;
  readonly initialError: string | undefined;
  readonly prompter: WizardPrompter;
  readonly options: ProfileWizardOptions;
}

export interface Step {
  readonly id: StepId;
  readonly when?: (d: Draft, kept: Kept) => boolean;
  readonly run: (ctx: StepContext) => Promise<StepAnswer<unknown>>;
}

export function draftOf(p: ConnectionProfile | undefined, defaults: WizardDefaults): Draft {
  const kvAuth = p?.keyVault.auth;
  const ep = p?.endpoint;
  const transport: Transport = (ep?.protocol ?? defaults.protocol) === 'rest' ? 'rest' : (ep?.amqpTransport ?? defaults.amqpTransport) === 'websockets' ? 'amqp-websockets' : 'amqp-tcp';
  return {
    name: p?.name ?? '',
    cloud: p?.cloud ?? defaults.cloud,
    vaultUrl: p?.keyVault.vaultUrl ?? '',
    kvAuth: kvAuth?.kind ?? 'servicePrincipal',
    kvTenantId: kvAuth?.tenantId ?? '',
    kvClientId: kvAuth?.kind === 'servicePrincipal' ? kvAuth.clientId : '',
    kvClientSecret: '',
    tokenRequest: (kvAuth?.kind === 'servicePrincipal' ? kvAuth.tokenRequest : undefined) ?? 'pipeline',
    clientIdSecret: p ? formatSecretRef(p.keyVault.clientIdSecret) : '',
    clientSecretSecret: p ? formatSecretRef(p.keyVault.clientSecretSecret) : '',
    // A new profile starts from the Fabric connection string; an edit shows the stored addresses.
    endpointSource: p ? 'manual' : 'paste',
    pastedText: '',
    pasted: undefined,
    namespace: ep?.namespace ?? '',
    eventHubName: ep?.eventHubName ?? '',
    endpointAuth: ep?.auth.kind ?? 'entra',
    sasKeyName: ep?.auth.kind === 'sas' ? ep.auth.keyName : '',
    sasKey: '',
    connectionString: '',
    ehTenantId: p?.eventHubsToken.tenantId ?? '',
    endpointVersion: p?.eventHubsToken.endpointVersion ?? 'v1',
    transport,
  };
}

export function keptOf(p: ConnectionProfile | undefined): Kept {
  const kv = p?.keyVault.auth;
  return {
    ...(kv?.kind === 'servicePrincipal' && kv.clientSecret ? { clientSecret: kv.clientSecret } : {}),
    ...keptEndpointSecrets(p?.endpoint.auth),
  };
}

export function buildProfile(d: Draft, kept: Kept, options: ProfileWizardOptions): ConnectionProfile {
  const existing = options.existing;
  const tenant = d.kvTenantId.trim();
  const keyVaultAuth: KeyVaultAuth =
    d.kvAuth === 'servicePrincipal'
      ? { kind: 'servicePrincipal', tenantId: tenant, clientId: d.kvClientId, clientSecret: d.kvClientSecret || kept.clientSecret || '', tokenRequest: d.tokenRequest }
      : { kind: d.kvAuth, ...(tenant ? { tenantId: tenant } : {}) };
  const pasted = d.endpointSource === 'paste';
  const endpointAuth = endpointAuthOf(d.endpointAuth, d.sasKeyName, {
    key: [d.sasKey, pasted ? d.pasted?.key : undefined, kept.sasKey],
    connectionString: [d.connectionString, pasted ? d.pastedText : undefined, kept.connectionString],
  });
  const protocol: SendProtocol = d.transport === 'rest' ? 'rest' : 'amqp';
  // An edit that leaves the transport as it was keeps the stored value exactly: no pinned transport
  // (TCP with a WebSockets fallback) must not become a pinned `tcp`, nor `websockets` be lost.
  const unchangedTransport = existing !== undefined && draftOf(existing, options.defaults).transport === d.transport;
  const amqpTransport = unchangedTransport ? existing.endpoint.amqpTransport : protocol === 'amqp' ? (d.transport === 'amqp-websockets' ? ('websockets' as const) : ('tcp' as const)) : undefined;
  return {
    // Fields this wizard does not ask for (added by other commands or later versions) are kept.
    ...existing,
    id: existing?.id ?? options.newId(),
    name: d.name,
    cloud: d.cloud,
    // The wizard does not ask for these (sandbox-only); an edit keeps them.
    ...(existing?.authorityHost !== undefined ? { authorityHost: existing.authorityHost } : {}),
    keyVault: {
      ...existing?.keyVault,
      vaultUrl: d.vaultUrl,
      auth: keyVaultAuth,
      clientIdSecret: parseSecretRef(d.clientIdSecret),
      clientSecretSecret: parseSecretRef(d.clientSecretSecret),
    },
    eventHubsToken: {
      // Not asked without Entra endpoint auth: keep what there was, or the Key Vault tenant.
      tenantId: d.endpointAuth === 'entra' ? d.ehTenantId : d.ehTenantId || tenant,
      endpointVersion: d.endpointVersion,
    },
    endpoint: {
      namespace: d.namespace,
      eventHubName: d.eventHubName,
      auth: endpointAuth,
      protocol,
      ...(amqpTransport !== undefined ? { amqpTransport } : {}),
    },
    ...(existing?.trustedCaPem !== undefined ? { trustedCaPem: existing.trustedCaPem } : {}),
    // Asked by Configure Read Back…, not here: an edit keeps it.
    ...(existing?.readBack !== undefined ? { readBack: existing.readBack } : {}),
  };
}
