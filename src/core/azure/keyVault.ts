import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import type { SecretClient, SecretClientOptions, SecretProperties } from '@azure/keyvault-secrets';
import type { AccessToken, SecretValue } from '../flow/types';
import { cloudOf, type CloudName } from '../model/cloud';
import { toTokenCredential } from './credentials';
import { raceAbort, throwIfAborted } from './http';
import { readSecretRaw } from './keyVaultRaw';
import { sdkProxyOptions, type ProxySettings } from './proxy';
import { caListFor, isLoopbackUrl, sdkTlsOptions } from './trust';
import { credentialDestinationPolicy, type CredentialDestination } from './credentialGuard';

/**
 * Key Vault secrets, two ways:
 * - `sdk` (default): @azure/keyvault-secrets SecretClient, loaded lazily, cached per (vault, credential).
 * - `pipeline`: one raw `GET {vault}/secrets/{name}/{version}?api-version=7.0` with a bearer token,
 *   exactly what the pipeline's Web activity sends (keyVaultRaw.ts); what stages 2 and 3 use by default.
 *
 * Authentication of the SDK path (see `chooseKeyVaultAuthPath`):
 * - `knownScope`: the SDK's challenge policy is swapped for a plain bearer-token policy with the
 *   scope we already know. No unauthenticated probe, so one round trip less per client.
 * - `challenge`: the SDK's own handshake. The first request goes out without Authorization to
 *   provoke a 401 whose WWW-Authenticate names the vault's tenant and resource; that is the only
 *   reliable source when the tenant is unknown (signed-in user, Azure CLI default account) or the
 *   resource is uncertain (sovereign clouds, a vault outside the profile's cloud).
 */

/** Key Vault retries for a person waiting: the SDK default (3 retries, exponential) hides a 403 for seconds. */
const INTERACTIVE_KEY_VAULT_RETRY = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000 } as const;

export type KeyVaultAuthPath =
  | { readonly kind: 'knownScope'; readonly scope: string; readonly reason: string }
  | { readonly kind: 'challenge'; readonly reason: string };

/**
 * Which SDK auth path fits. Known scope when the token's tenant is fixed (a service principal, a
 * token the flow already fetched, a CLI/user login with an explicit tenant) and the vault belongs to
 * the public cloud (or is the loopback sandbox); the challenge otherwise.
 */
export function chooseKeyVaultAuthPath(input: { readonly cloud: CloudName; readonly vaultUrl: string; readonly tenantKnown: boolean }): KeyVaultAuthPath {
  const cloud = cloudOf(input.cloud);
  if (!input.tenantKnown) {
    return { kind: 'challenge', reason: 'the tenant is not known: the 401 challenge names the tenant that owns the vault' };
  }
  if (input.cloud !== 'public') {
    return {
      kind: 'challenge',
      reason: `${cloud.displayName}: the Key Vault resource is taken from the vault's own 401 challenge rather than assumed`,
    };
  }
  let host: string;
  try {
    host = new URL(input.vaultUrl).hostname.toLowerCase();
  } catch {
    return { kind: 'challenge', reason: 'the vault URL could not be parsed' };
  }
  if (!isLoopbackUrl(input.vaultUrl) && !host.endsWith(cloud.keyVaultSuffix)) {
    return { kind: 'challenge', reason: `the vault is not under ${cloud.keyVaultSuffix}: its challenge says which resource it wants` };
  }
  return {
    kind: 'knownScope',
    scope: `${cloud.keyVaultResource}/.default`,
    reason: 'tenant and audience are known: skipping the unauthenticated challenge round trip',
  };
}

/** One HTTP attempt the SDK client made (each retry and the challenge probe included). */
export interface KeyVaultRequestEvent {
  readonly method: string;
  /** Path only (no query, no host). */
  readonly path: string;
  readonly authorized: boolean;
  readonly status?: number;
}

/**
 * Who authenticates: an SDK credential (with a chosen auth path), or a token the flow already has
 * (stage 1's). A pre-fetched token always takes the known-scope path: its tenant and audience are
 * settled, so a challenge could only cost a round trip.
 */
export type KeyVaultAuthInput =
  | {
      readonly credential: TokenCredential;
      /**
       * Absent means `challenge` (always correct, one extra round trip). Pass
       * `chooseKeyVaultAuthPath(...)`, or `{ kind: 'knownScope', scope }`.
       */
      readonly authPath?: KeyVaultAuthPath;
      readonly token?: undefined;
    }
  | {
      readonly token: AccessToken;
      /** The resource the token was issued for; default https://vault.azure.net. */
      readonly audience?: string;
      readonly credential?: undefined;
    };

export type KeyVaultClientOptions = KeyVaultAuthInput & {
  /** https://{vault}.vault.azure.net[/]; a loopback https URL for the sandbox. */
  readonly vaultUrl: string;
  /** Where the Key Vault token may go: the vault host the profile validated. */
  readonly destination: CredentialDestination;
  readonly signal: AbortSignal;
  readonly trustedCaPem?: string;
  /** HTTP proxy for the vault's requests, unless noProxy excludes the vault. */
  readonly proxy?: ProxySettings;
  readonly serviceVersion?: SecretClientOptions['serviceVersion'];
  /** Sees every HTTP attempt (tests, diagnostics). Part of the client cache key: pass a long-lived function. */
  readonly onRequest?: (event: KeyVaultRequestEvent) => void;
};

/** The credential and auth path behind the options (pre-fetched tokens wrapped once per token object). */
function resolveAuth(options: KeyVaultAuthInput): { credential: TokenCredential; authPath: KeyVaultAuthPath } {
  if (options.token === undefined) {
    return { credential: options.credential, authPath: options.authPath ?? { kind: 'challenge', reason: 'no auth path given' } };
  }
  const token = options.token;
  let credential = tokenCredentials.get(token);
  if (!credential) {
    credential = toTokenCredential(() => Promise.resolve(token));
    tokenCredentials.set(token, credential);
  }
  const resource = (options.audience ?? DEFAULT_KEY_VAULT_RESOURCE).replace(/\/\.default$/, '');
  return { credential, authPath: { kind: 'knownScope', scope: `${resource}/.default`, reason: 'pre-fetched token: tenant and audience are settled' } };
}

const DEFAULT_KEY_VAULT_RESOURCE = 'https://vault.azure.net';
const tokenCredentials = new WeakMap<AccessToken, TokenCredential>();

export type ReadSecretOptions = KeyVaultClientOptions & {
  readonly name: string;
  /** 32 hex characters; absent = latest. */
  readonly version?: string;
  /**
   * `sdk` (default): SecretClient.getSecret with the auth path above.
   * `pipeline`: `readSecretRaw` with a token for `authPath.scope` (which must then be a known scope),
   * byte for byte the Web activity's request.
   */
  readonly via?: 'sdk' | 'pipeline';
  /** With `via: 'pipeline'`: the api-version to send (the Data Factory docs use 7.0). */
  readonly apiVersion?: string;
};

/** Secret metadata for pickers and trees. Never a value. */
export interface SecretInfo {
  readonly name: string;
  readonly version?: string;
  readonly enabled: boolean;
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
  readonly expiresOn?: Date;
  /** Activation date (`nbf`), if set. */
  readonly notBefore?: Date;
  readonly contentType?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

interface CachedClient {
  readonly client: SecretClient;
  readonly authPath: KeyVaultAuthPath;
}

/** Per credential (weakly held), then per vault/options: later calls reuse the pipeline and its token/challenge state. */
const clients = new WeakMap<TokenCredential, Map<string, Promise<CachedClient>>>();
const observerIds = new WeakMap<object, number>();
let nextObserverId = 1;

function observerId(observer: object | undefined): number {
  if (!observer) {
    return 0;
  }
  let id = observerIds.get(observer);
  if (id === undefined) {
    id = nextObserverId++;
    observerIds.set(observer, id);
  }
  return id;
}

function normalizeVaultUrl(vaultUrl: string): string {
  const url = new URL(vaultUrl);
  if (url.protocol !== 'https:') {
    throw new Error(`The vault URL must use https:// (got ${url.protocol}//${url.host}).`);
  }
  return `${url.origin}/`;
}

function cacheKey(options: KeyVaultClientOptions, path: KeyVaultAuthPath, vaultUrl: string): string {
  return JSON.stringify([
    vaultUrl,
    path.kind === 'knownScope' ? path.scope : 'challenge',
    options.serviceVersion ?? '',
    options.trustedCaPem ?? '',
    // In-memory key only (never printed), so the proxy URL may carry its credentials here.
    options.proxy ? `${options.proxy.url}|${(options.proxy.noProxy ?? []).join(',')}` : '',
    observerId(options.onRequest),
    options.destination.hosts.join(','),
  ]);
}

/** Minimal view of the pipeline SecretClient keeps in its (TypeScript-private) `client` field. */
interface PipelineLike {
  removePolicy(options: { name?: string }): unknown[];
  addPolicy(policy: PipelinePolicy, options?: { phase?: 'Serialize' | 'Deserialize' | 'Retry' | 'Sign' }): void;
}

function observerPolicy(onRequest: (event: KeyVaultRequestEvent) => void): PipelinePolicy {
  return {
    name: 'esfKeyVaultObserver',
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const path = new URL(request.url).pathname;
      const authorized = request.headers.has('authorization');
      try {
        const response = await next(request);
        onRequest({ method: request.method, path, authorized, status: response.status });
        return response;
      } catch (error) {
        onRequest({ method: request.method, path, authorized });
        throw error;
      }
    },
  };
}

async function buildClient(
  options: KeyVaultClientOptions,
  credential: TokenCredential,
  requested: KeyVaultAuthPath,
  vaultUrl: string,
): Promise<CachedClient> {
  const [{ SecretClient }, corePipeline] = await Promise.all([import('@azure/keyvault-secrets'), import('@azure/core-rest-pipeline')]);
  const client = new SecretClient(vaultUrl, credential, {
    ...sdkTlsOptions(options.trustedCaPem),
    ...sdkProxyOptions(options.proxy, vaultUrl, caListFor(options.trustedCaPem)),
    retryOptions: { ...INTERACTIVE_KEY_VAULT_RETRY },
    ...(options.serviceVersion ? { serviceVersion: options.serviceVersion } : {}),
    // The sandbox vault at https://localhost:P/ answers resource="https://vault.azure.net", which the
    // SDK's check (vault host must end with the resource host) rejects. Only ever relaxed for loopback.
    ...(isLoopbackUrl(vaultUrl) ? { disableChallengeResourceVerification: true } : {}),
    // perRetry runs after signing: the observer sees each real attempt, the challenge probe included,
    // and the destination check sees every request (redirects too) with its Authorization header set.
    additionalPolicies: [
      credentialDestinationPolicy(options.destination),
      ...(options.onRequest ? [{ policy: observerPolicy(options.onRequest), position: 'perRetry' as const }] : []),
    ],
  });
  if (requested.kind === 'challenge') {
    return { client, authPath: requested };
  }
  // Swap the challenge policy for a bearer policy with the known scope. `client.client.pipeline` is
  // SDK-internal; if a future SDK moves it, keep the (slower, still correct) challenge path.
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function') {
    return { client, authPath: { kind: 'challenge', reason: 'this SDK version hides its pipeline; using the challenge' } };
  }
  const removed = pipeline.removePolicy({ name: 'keyVaultAuthenticationPolicy' });
  if (removed.length === 0) {
    return { client, authPath: { kind: 'challenge', reason: 'this SDK version has no challenge policy to replace; using it as built' } };
  }
  pipeline.addPolicy(corePipeline.bearerTokenAuthenticationPolicy({ credential, scopes: requested.scope }), { phase: 'Sign' });
  return { client, authPath: requested };
}

/** The cached SecretClient for these options (built on first use), and the auth path it really uses. */
export async function getSecretClient(options: KeyVaultClientOptions): Promise<CachedClient> {
  const vaultUrl = normalizeVaultUrl(options.vaultUrl);
  const { credential, authPath } = resolveAuth(options);
  let perCredential = clients.get(credential);
  if (!perCredential) {
    perCredential = new Map();
    clients.set(credential, perCredential);
  }
  const key = cacheKey(options, authPath, vaultUrl);
  let pending = perCredential.get(key);
  if (!pending) {
    pending = buildClient(options, credential, authPath, vaultUrl);
    perCredential.set(key, pending);
    pending.catch(() => perCredential.delete(key));
  }
  return raceAbort(pending, options.signal);
}

function fromProperties(properties: SecretProperties): SecretInfo {
  return {
    name: properties.name,
    ...(properties.version ? { version: properties.version } : {}),
    enabled: properties.enabled !== false,
    ...(properties.createdOn ? { createdOn: properties.createdOn } : {}),
    ...(properties.updatedOn ? { updatedOn: properties.updatedOn } : {}),
    ...(properties.expiresOn ? { expiresOn: properties.expiresOn } : {}),
    ...(properties.notBefore ? { notBefore: properties.notBefore } : {}),
    ...(properties.contentType ? { contentType: properties.contentType } : {}),
    ...(properties.tags ? { tags: { ...properties.tags } } : {}),
  };
}

/**
 * Reads one secret (stages 2 and 3). SDK errors are thrown as the SDK threw them (`RestError` with
 * `statusCode` and `code`, e.g. 404 SecretNotFound); the raw path throws `HttpResponseError('keyVault', …)`.
 */
export async function readSecret(options: ReadSecretOptions): Promise<SecretValue> {
  throwIfAborted(options.signal);
  if (options.via === 'pipeline') {
    const { credential, authPath: path } = resolveAuth(options);
    if (path.kind !== 'knownScope') {
      throw new Error('Reading a secret the pipeline way needs a known Key Vault scope (the pipeline never answers a challenge).');
    }
    const token = await raceAbort(credential.getToken(path.scope, { abortSignal: options.signal }), options.signal);
    if (!token) {
      throw new Error('The credential returned no Key Vault token.');
    }
    return readSecretRaw({
      vaultUrl: options.vaultUrl,
      name: options.name,
      ...(options.version ? { version: options.version } : {}),
      token: token.token,
      destination: options.destination,
      signal: options.signal,
      ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
      ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
      ...(options.proxy ? { proxy: options.proxy } : {}),
    });
  }
  const { client } = await getSecretClient(options);
  const secret = await client.getSecret(options.name, { abortSignal: options.signal, ...(options.version ? { version: options.version } : {}) });
  return {
    name: secret.name,
    version: secret.properties.version ?? '',
    value: secret.value ?? '',
    enabled: secret.properties.enabled !== false,
    ...(secret.properties.expiresOn ? { expiresOn: secret.properties.expiresOn } : {}),
    ...(secret.properties.contentType ? { contentType: secret.properties.contentType } : {}),
  };
}

async function collect(iterator: AsyncIterable<SecretProperties>, signal: AbortSignal, limit: number): Promise<SecretInfo[]> {
  const out: SecretInfo[] = [];
  for await (const properties of iterator) {
    throwIfAborted(signal);
    out.push(fromProperties(properties));
    if (out.length >= limit) {
      break;
    }
  }
  return out;
}

/** Secret names and metadata (needs `secrets/list`); values are never listed by Key Vault. */
export async function listSecrets(options: KeyVaultClientOptions & { readonly limit?: number }): Promise<SecretInfo[]> {
  const { client } = await getSecretClient(options);
  return collect(client.listPropertiesOfSecrets({ abortSignal: options.signal }), options.signal, options.limit ?? 500);
}

/** The versions of one secret, with metadata; no values. */
export async function listSecretVersions(options: KeyVaultClientOptions & { readonly name: string; readonly limit?: number }): Promise<SecretInfo[]> {
  const { client } = await getSecretClient(options);
  return collect(client.listPropertiesOfSecretVersions(options.name, { abortSignal: options.signal }), options.signal, options.limit ?? 500);
}
