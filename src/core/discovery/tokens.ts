/**
 * A service principal's tokens for discovery, requested the way the flow's pipeline requests them:
 * the raw v2 client-credentials POST (entraToken.ts) over the core HTTPS client, so a profile's CA
 * (the sandbox's) and the proxy apply, and the secret only goes to the validated authority. One
 * token per scope, reused until five minutes before it expires. Also the local sandbox's reader
 * principal as a discovery identity, for the CLI and the extension alike.
 */
import type { CredentialDestination } from '../azure/credentialGuard';
import { requestClientCredentialsToken } from '../azure/entraToken';
import type { ProxySettings } from '../azure/proxy';
import type { AccessToken, TokenProvider } from '../flow/credentials';
import type { SecretSink } from '../logging/redact';
import type { DiscoveryContext } from './rest';

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

/**
 * What `sandboxReaderContext` reads of a running local sandbox (a `Sandbox`, or the peers another
 * process reported). Written here as a shape, so the core needs nothing from src/sandbox.
 */
export interface SandboxReaderSource {
  readonly urls: { readonly authorityHost: string };
  readonly caPem: string;
  readonly world: { readonly tenantId: string; readonly reader: { readonly clientId: string; readonly clientSecret: string } };
}

/**
 * Discovery as the local sandbox's vault reader, which stands in for the user: its tokens (its secret
 * sent only to the sandbox's Entra peer), tenant and CA; the caller adds the signal. The reader's
 * secret goes to `secrets` (the redactor) before any token is asked for.
 */
export function sandboxReaderContext(sandbox: SandboxReaderSource, secrets: SecretSink): Omit<DiscoveryContext, 'signal'> {
  const { world, urls } = sandbox;
  secrets.add(world.reader.clientSecret);
  const tokens = servicePrincipalTokens({
    authorityHost: urls.authorityHost,
    tenantId: world.tenantId,
    clientId: world.reader.clientId,
    clientSecret: world.reader.clientSecret,
    trustedCaPem: sandbox.caPem,
    destination: { credential: 'the sandbox client secret', field: 'sandbox', hosts: [new URL(urls.authorityHost).host] },
  });
  return { tokens, tenantId: world.tenantId, trustedCaPem: sandbox.caPem };
}
