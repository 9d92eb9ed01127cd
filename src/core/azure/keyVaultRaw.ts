import { HttpResponseError } from '../errors/errors';
import type { SecretValue } from '../flow/types';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';
import { httpsRequest } from './http';
import type { ProxySettings } from './proxy';

/**
 * The pipeline's own secret request, `GET {vault}/secrets/{name}[/{version}]?api-version=7.0` with a
 * bearer token, byte for byte what its Web activity sends: how stages 2 and 3 read by default
 * (keyVault.ts keeps the SDK for listing and the challenge handshake).
 */

/** The api-version the ADF docs tell pipelines to use ("You must add ?api-version=7.0"). */
export const PIPELINE_KEY_VAULT_API_VERSION = '7.0';

export interface ReadSecretRawOptions {
  readonly vaultUrl: string;
  readonly name: string;
  readonly version?: string;
  /** A Key Vault access token (aud https://vault.azure.net). */
  readonly token: string;
  /** Where the token may go: the vault host the profile validated. */
  readonly destination: CredentialDestination;
  readonly signal: AbortSignal;
  readonly trustedCaPem?: string;
  readonly proxy?: ProxySettings;
  /** Default 7.0, as the pipeline docs prescribe. */
  readonly apiVersion?: string;
  readonly timeoutMs?: number;
}

/** The secret URL the pipeline's Web activity calls. */
export function secretUrl(vaultUrl: string, name: string, version: string | undefined, apiVersion: string): string {
  const base = vaultUrl.replace(/\/+$/, '');
  const path = `/secrets/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;
  return `${base}${path}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Parses a SecretBundle (§2.2) into a SecretValue. Name and version come from `id`. */
export function parseSecretBundle(bodyText: string, fallbackName: string): SecretValue {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw new Error('Key Vault answered with a body that is not JSON.');
  }
  const bundle = (typeof body === 'object' && body !== null ? body : {}) as {
    value?: unknown;
    id?: unknown;
    contentType?: unknown;
    attributes?: { enabled?: unknown; exp?: unknown };
  };
  if (typeof bundle.value !== 'string') {
    throw new Error('Key Vault answered without a secret value.');
  }
  let name = fallbackName;
  let version = '';
  if (typeof bundle.id === 'string') {
    try {
      const segments = new URL(bundle.id).pathname.split('/').filter(Boolean);
      if (segments[0] === 'secrets') {
        name = segments[1] ?? name;
        version = segments[2] ?? '';
      }
    } catch {
      // keep the requested name
    }
  }
  const exp = bundle.attributes?.exp;
  return {
    name,
    version,
    value: bundle.value,
    enabled: bundle.attributes?.enabled !== false,
    ...(typeof exp === 'number' ? { expiresOn: new Date(exp * 1000) } : {}),
    ...(typeof bundle.contentType === 'string' && bundle.contentType ? { contentType: bundle.contentType } : {}),
  };
}

/** `GET {vault}/secrets/{name}[/{version}]?api-version=7.0` with `Authorization: Bearer`: the Web activity's request. */
export async function readSecretRaw(options: ReadSecretRawOptions): Promise<SecretValue> {
  const url = secretUrl(options.vaultUrl, options.name, options.version, options.apiVersion ?? PIPELINE_KEY_VAULT_API_VERSION);
  assertCredentialDestination(url, options.destination);
  const response = await httpsRequest({
    method: 'GET',
    url,
    headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' },
    signal: options.signal,
    ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  if (response.status !== 200) {
    throw new HttpResponseError('keyVault', response.status, response.headers, response.bodyText);
  }
  return parseSecretBundle(response.bodyText, options.name);
}
