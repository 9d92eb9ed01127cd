import { HttpResponseError } from '../errors/errors';
import type { AccessToken } from '../flow/types';
import { httpsRequest } from './http';
import type { ProxySettings } from './proxy';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';

/**
 * The raw client-credentials token request, byte for byte what a Data Factory / Fabric pipeline's
 * Web activity sends (wire facts §1.1): no MSAL, no OIDC discovery, one POST.
 */
export interface ClientCredentialsTokenRequest {
  /** e.g. https://login.microsoftonline.com (a trailing slash is tolerated). */
  readonly authorityHost: string;
  /** A GUID or domain; never `common`/`consumers` (AADSTS9001023). */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * The resource (App ID URI), e.g. https://vault.azure.net or https://eventhubs.azure.net.
   * v1 sends it verbatim as `resource` (Key Vault rejects a trailing slash: AKV10022);
   * v2 sends `scope=<audience>/.default` (an audience that already ends in /.default is kept).
   */
  readonly audience: string;
  readonly endpointVersion: 'v1' | 'v2';
  /** Where the client secret may go: the hosts the profile validated for Entra. */
  readonly destination: CredentialDestination;
  readonly signal: AbortSignal;
  readonly trustedCaPem?: string;
  /** HTTP proxy (CONNECT tunnel), unless its noProxy list excludes the host. */
  readonly proxy?: ProxySettings;
  readonly timeoutMs?: number;
  /** Epoch ms; injectable for tests of `expires_in`. */
  readonly now?: () => number;
}

/** The token endpoint URL for a tenant: v1 `/oauth2/token`, v2 `/oauth2/v2.0/token`. */
export function tokenEndpoint(authorityHost: string, tenantId: string, endpointVersion: 'v1' | 'v2'): string {
  const host = authorityHost.replace(/\/+$/, '');
  const path = endpointVersion === 'v1' ? 'oauth2/token' : 'oauth2/v2.0/token';
  return `${host}/${encodeURIComponent(tenantId)}/${path}`;
}

/** v2 scope for a resource: `<resource>/.default`, never doubled. */
export function defaultScopeOf(audience: string): string {
  return audience.endsWith('/.default') ? audience : `${audience}/.default`;
}

/** The form body, in the order the Web activity writes it; every value URL-encoded (the secret too). */
export function clientCredentialsForm(request: Pick<ClientCredentialsTokenRequest, 'clientId' | 'clientSecret' | 'audience' | 'endpointVersion'>): string {
  const form = new URLSearchParams();
  form.set('grant_type', 'client_credentials');
  form.set('client_id', request.clientId);
  form.set('client_secret', request.clientSecret);
  if (request.endpointVersion === 'v1') {
    form.set('resource', request.audience);
  } else {
    form.set('scope', defaultScopeOf(request.audience));
  }
  return form.toString();
}

/** `3599`, `"3599"` → 3599; anything else → undefined. v1 answers numbers as JSON strings (§1.2). */
export function parseNumeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/**
 * Reads a token response: `expires_on` (epoch seconds, v1) wins over `expires_in` (seconds from now).
 * Throws without quoting the body, which holds the token.
 */
export function parseTokenResponse(bodyText: string, now: number): AccessToken {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw new Error('The token endpoint answered with a body that is not JSON.');
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const token = fields['access_token'];
  if (typeof token !== 'string' || token.length === 0) {
    throw new Error('The token endpoint answered without an access_token.');
  }
  const expiresOn = parseNumeric(fields['expires_on']);
  const expiresIn = parseNumeric(fields['expires_in']);
  let expiresOnTimestamp: number;
  if (expiresOn !== undefined) {
    expiresOnTimestamp = expiresOn * 1000;
  } else if (expiresIn !== undefined) {
    expiresOnTimestamp = now + expiresIn * 1000;
  } else {
    throw new Error('The token endpoint answered without expires_in or expires_on.');
  }
  return { token, expiresOnTimestamp };
}

/**
 * POSTs the client-credentials grant. Non-2xx → `HttpResponseError('entra', …)` with the OAuth
 * error body (`error`, `error_codes`: parseError reads AADSTS codes from it).
 */
export async function requestClientCredentialsToken(request: ClientCredentialsTokenRequest): Promise<AccessToken> {
  const now = request.now ?? Date.now;
  const url = tokenEndpoint(request.authorityHost, request.tenantId, request.endpointVersion);
  assertCredentialDestination(url, request.destination);
  const response = await httpsRequest({
    method: 'POST',
    url,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body: clientCredentialsForm(request),
    signal: request.signal,
    trustedCaPem: request.trustedCaPem,
    timeoutMs: request.timeoutMs,
    ...(request.proxy ? { proxy: request.proxy } : {}),
  });
  if (response.status < 200 || response.status > 299) {
    throw new HttpResponseError('entra', response.status, response.headers, response.bodyText);
  }
  return parseTokenResponse(response.bodyText, now());
}
