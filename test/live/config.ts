// What `npm run test:live` needs from the environment, and the profile it builds from it.
// Never part of `npm test` or CI: without these variables the suite says what it needs and skips.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CloudName } from '../../src/core/model/cloud';
import type { ConnectionProfile, KeyVaultAuth } from '../../src/core/model/profile';

export interface LiveVariable {
  readonly name: string;
  readonly meaning: string;
  readonly required: boolean;
}

/** Every variable the suite reads, in the order it prints them. */
export const LIVE_VARIABLES: readonly LiveVariable[] = [
  { name: 'ESF_LIVE_TENANT_ID', meaning: 'the tenant of the Key Vault reader (and, by default, of the pipeline service principal)', required: true },
  { name: 'ESF_LIVE_VAULT_URL', meaning: 'https://{vault}.vault.azure.net/ holding the two secrets', required: true },
  { name: 'ESF_LIVE_CLIENT_ID_SECRET', meaning: "name of the secret holding the pipeline service principal's client id", required: true },
  { name: 'ESF_LIVE_CLIENT_SECRET_SECRET', meaning: "name of the secret holding its client secret value", required: true },
  { name: 'ESF_LIVE_NAMESPACE', meaning: 'the Event Hubs namespace host, e.g. eventstream-1234abcd.servicebus.windows.net', required: true },
  { name: 'ESF_LIVE_EVENT_HUB', meaning: 'the event hub (es_… for a Fabric custom endpoint)', required: true },
  { name: 'ESF_LIVE_READER_CLIENT_ID', meaning: 'Key Vault reader: a service principal client id (with ESF_LIVE_READER_CLIENT_SECRET) …', required: false },
  { name: 'ESF_LIVE_READER_CLIENT_SECRET', meaning: '… and its secret value', required: false },
  { name: 'ESF_LIVE_AZURE_CLI', meaning: 'Key Vault reader: 1 to use the signed-in Azure CLI (az login) instead of a service principal', required: false },
  { name: 'ESF_LIVE_EVENT_HUBS_TENANT_ID', meaning: "the pipeline service principal's tenant, if not ESF_LIVE_TENANT_ID", required: false },
  { name: 'ESF_LIVE_CONSUMER_GROUP', meaning: 'a consumer group to read the sent event back from (needs Listen: Azure Event Hubs Data Receiver)', required: false },
  { name: 'ESF_LIVE_CLOUD', meaning: 'public (default), china or usgov', required: false },
  { name: 'ESF_LIVE_TIMEOUT', meaning: 'per-stage timeout in seconds (default 60)', required: false },
  { name: 'ESF_LIVE_AUTHORITY_HOST', meaning: 'a loopback Entra authority (the local sandbox, to try the suite itself); never set against Azure', required: false },
  { name: 'ESF_LIVE_CA_FILE', meaning: 'an extra CA (PEM) to trust, with ESF_LIVE_AUTHORITY_HOST (the sandbox CA)', required: false },
];

export interface LiveConfig {
  readonly profile: ConnectionProfile;
  /** The reader's secret, handed to the CLI as EVENTSTREAM_FLOW_CLIENT_SECRET, never printed. */
  readonly readerSecret?: string;
  readonly consumerGroup?: string;
  readonly timeoutSeconds: number;
}

export type LiveSetup = { readonly ok: true; readonly config: LiveConfig } | { readonly ok: false; readonly missing: readonly string[] };

/** The configuration, or the names of what is missing (never their values). */
export function readLiveConfig(env: NodeJS.ProcessEnv): LiveSetup {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const missing = LIVE_VARIABLES.filter((v) => v.required && !get(v.name)).map((v) => v.name);
  const azureCli = get('ESF_LIVE_AZURE_CLI') === '1';
  const readerId = get('ESF_LIVE_READER_CLIENT_ID');
  const readerSecret = get('ESF_LIVE_READER_CLIENT_SECRET');
  if (!azureCli && !(readerId && readerSecret)) {
    missing.push('ESF_LIVE_READER_CLIENT_ID + ESF_LIVE_READER_CLIENT_SECRET, or ESF_LIVE_AZURE_CLI=1');
  }
  if (missing.length > 0) {
    return { ok: false, missing };
  }
  const tenantId = get('ESF_LIVE_TENANT_ID') ?? '';
  const auth: KeyVaultAuth = azureCli ? { kind: 'azureCli', tenantId } : { kind: 'servicePrincipal', tenantId, clientId: readerId ?? '', clientSecret: '', tokenRequest: 'pipeline' };
  const caFile = get('ESF_LIVE_CA_FILE');
  const authorityHost = get('ESF_LIVE_AUTHORITY_HOST');
  const consumerGroup = get('ESF_LIVE_CONSUMER_GROUP');
  const timeout = Number(get('ESF_LIVE_TIMEOUT') ?? '60');
  const profile: ConnectionProfile = {
    id: randomUUID(),
    name: 'Live Azure',
    cloud: (get('ESF_LIVE_CLOUD') ?? 'public') as CloudName,
    ...(authorityHost ? { authorityHost } : {}),
    keyVault: {
      vaultUrl: get('ESF_LIVE_VAULT_URL') ?? '',
      auth,
      clientIdSecret: { name: get('ESF_LIVE_CLIENT_ID_SECRET') ?? '' },
      clientSecretSecret: { name: get('ESF_LIVE_CLIENT_SECRET_SECRET') ?? '' },
    },
    eventHubsToken: { tenantId: get('ESF_LIVE_EVENT_HUBS_TENANT_ID') ?? tenantId, endpointVersion: 'v1' },
    endpoint: { namespace: get('ESF_LIVE_NAMESPACE') ?? '', eventHubName: get('ESF_LIVE_EVENT_HUB') ?? '', auth: { kind: 'entra' }, protocol: 'rest' },
    ...(caFile ? { trustedCaPem: readFileSync(caFile, 'utf8') } : {}),
  };
  return {
    ok: true,
    config: {
      profile,
      ...(readerSecret && !azureCli ? { readerSecret } : {}),
      ...(consumerGroup ? { consumerGroup } : {}),
      timeoutSeconds: Number.isInteger(timeout) && timeout >= 1 && timeout <= 600 ? timeout : 60,
    },
  };
}
