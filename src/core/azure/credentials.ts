import type { AccessToken as SdkAccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { AzureCliCredential, ClientSecretCredential } from '@azure/identity';
import type { AccessToken, TokenProvider } from '../flow/types';
import { credentialDestinationPolicy, type CredentialDestination } from './credentialGuard';
import { raceAbort } from './http';
import { sdkProxyOptions, type ProxySettings } from './proxy';
import { caListFor, isLoopbackUrl, sdkTlsOptions } from './trust';

/**
 * Token providers built on @azure/identity (loaded on first use, so that activation and CLI
 * start-up stay fast), and adapters between the core's `TokenProvider` and the SDKs' `TokenCredential`.
 */

/**
 * Identity's defaults retry a token POST 3 times with exponential back-off; a person waiting in
 * the editor wants the real answer (usually a 4xx that no retry fixes) within seconds.
 */
export const INTERACTIVE_IDENTITY_RETRY = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000 } as const;

export interface ClientSecretProviderOptions {
  /** e.g. https://login.microsoftonline.com, or the sandbox's https://localhost:P. */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly trustedCaPem?: string;
  /** HTTP proxy for the token requests (and MSAL's discovery), unless noProxy excludes the authority. */
  readonly proxy?: ProxySettings;
  /** Tenants besides `tenantId` that a Key Vault challenge may ask for (default none). */
  readonly additionallyAllowedTenants?: readonly string[];
  /** Where MSAL may send the client secret (and its discovery requests): the validated authority and its aliases. */
  readonly destination: CredentialDestination;
}

/** A TokenProvider whose SDK credential is built on the first `getToken` and then reused (MSAL caches per instance). */
function lazyProvider(build: () => Promise<TokenCredential>): TokenProvider {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= build();
      // A failed build (say, an empty secret) is not cached: the next call tries again.
      credential.catch(() => {
        credential = undefined;
      });
      const built = await raceAbort(credential, options.signal);
      const token = await raceAbort(
        built.getToken([...scopes], { abortSignal: options.signal, ...(options.tenantId ? { tenantId: options.tenantId } : {}) }),
        options.signal,
      );
      return toCoreToken(token);
    },
  };
}

function toCoreToken(token: SdkAccessToken | null): AccessToken {
  if (!token) {
    throw new Error('The credential returned no token.');
  }
  return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
}

/**
 * @azure/identity ClientSecretCredential (MSAL, v2 endpoint). For a loopback authority (the
 * sandbox) instance discovery is disabled: MSAL would otherwise ask login.microsoftonline.com
 * whether the authority is trusted, and fail after ~6 s.
 */
export function createClientSecretTokenProvider(options: ClientSecretProviderOptions): TokenProvider {
  return lazyProvider(async () => {
    const identity = await import('@azure/identity');
    const credential: ClientSecretCredential = new identity.ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, {
      authorityHost: options.authorityHost,
      ...(isLoopbackUrl(options.authorityHost) ? { disableInstanceDiscovery: true } : {}),
      ...sdkTlsOptions(options.trustedCaPem),
      ...sdkProxyOptions(options.proxy, options.authorityHost, caListFor(options.trustedCaPem)),
      retryOptions: { ...INTERACTIVE_IDENTITY_RETRY },
      additionalPolicies: [credentialDestinationPolicy(options.destination)],
      ...(options.additionallyAllowedTenants ? { additionallyAllowedTenants: [...options.additionallyAllowedTenants] } : {}),
    });
    return credential;
  });
}

/** @azure/identity AzureCliCredential: `az account get-access-token`; without a tenant, the CLI's default one. */
export function createAzureCliTokenProvider(options: { tenantId?: string; processTimeoutInMs?: number } = {}): TokenProvider {
  return lazyProvider(async () => {
    const identity = await import('@azure/identity');
    const credential: AzureCliCredential = new identity.AzureCliCredential({
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
      processTimeoutInMs: options.processTimeoutInMs ?? 30_000,
    });
    return credential;
  });
}

/** An AbortSignal for an SDK's AbortSignalLike (absent: one that never aborts). */
function toAbortSignal(signal: GetTokenOptions['abortSignal']): AbortSignal {
  if (!signal) {
    return new AbortController().signal;
  }
  if (signal instanceof AbortSignal) {
    return signal;
  }
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort();
  } else {
    signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return controller.signal;
}

const credentialsOfProviders = new WeakMap<TokenProvider, TokenCredential>();

/**
 * A TokenProvider as an SDK TokenCredential (the Key Vault SDK takes only those). Memoized per
 * provider, so clients cached per credential are reused across calls.
 */
export function asTokenCredential(provider: TokenProvider): TokenCredential {
  let credential = credentialsOfProviders.get(provider);
  if (!credential) {
    credential = {
      getToken: async (scopes: string | string[], options?: GetTokenOptions) =>
        provider.getToken(typeof scopes === 'string' ? [scopes] : scopes, {
          signal: toAbortSignal(options?.abortSignal),
          ...(options?.tenantId ? { tenantId: options.tenantId } : {}),
        }),
    };
    credentialsOfProviders.set(provider, credential);
  }
  return credential;
}

/**
 * The other way round: hands an SDK a token the flow already obtained (stage 4's Event Hubs token
 * for the AMQP producer, stage 1's Key Vault token for the SecretClient). The requested scopes are
 * ignored: the caller vouches that the token fits the audience. `getToken` is called whenever the
 * SDK needs a token (the AMQP client renews 2 min before expiry), so it may refresh.
 */
export function toTokenCredential(getToken: () => Promise<AccessToken>): TokenCredential {
  return {
    getToken: async (_scopes: string | string[], options?: GetTokenOptions) => {
      const token = await raceAbort(getToken(), toAbortSignal(options?.abortSignal));
      return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
    },
  };
}
