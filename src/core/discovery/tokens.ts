/**
 * A service principal's tokens for discovery, requested the way the flow's pipeline requests them:
 * the raw v2 client-credentials POST (entraToken.ts) over the core HTTPS client, so a profile's CA
 * (the sandbox's) and the proxy apply, and the secret only goes to the validated authority. One
 * token per scope, reused until five minutes before it expires.
 */
import type { CredentialDestination } from '../azure/credentialGuard';
import { requestClientCredentialsToken } from '../azure/entraToken';
import type { ProxySettings } from '../azure/proxy';
import type { AccessToken, TokenProvider } from '../flow/credentials';

const REFRESH_BEFORE_MS = 5 * 60_000;

export function servicePrincipalTokens(options: {
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly destination: CredentialDestination;
  readonly trustedCaPem?: string;
  readonly proxy?: ProxySettings;
}): TokenProvider {
  const cache = new Map<string, AccessToken>();
  return {
    async getToken(scopes, { signal }) {
      const scope = scopes[0] ?? '';
      const cached = cache.get(scope);
      if (cached && cached.expiresOnTimestamp - REFRESH_BEFORE_MS > Date.now()) {
        return cached;
      }
      const token = await requestClientCredentialsToken({
        authorityHost: options.authorityHost,
        tenantId: options.tenantId,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        audience: scope,
        endpointVersion: 'v2',
        destination: options.destination,
        signal,
        ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
        ...(options.proxy ? { proxy: options.proxy } : {}),
      });
      cache.set(scope, token);
      return token;
    },
  };
}
