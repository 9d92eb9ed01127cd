import { destinationsOf } from '../../azure/credentialGuard';
import { requestClientCredentialsToken } from '../../azure/entraToken';
import { createAzureCliTokenProvider, createClientSecretTokenProvider } from '../../azure/credentials';
import type { StageImplementation } from '../stage';
import type { AccessToken, StageContext } from '../types';
import { authorityHostOf, describeExpiry, keyVaultResourceOf } from './authority';
import { endpointFor, tryingEndpoint } from './network';
import { notingSecretShape } from './secretShape';

/**
 * Stage 1: a token for Key Vault. With a service principal and `tokenRequest: 'pipeline'` (the
 * default) this is the raw v1 POST the pipeline's Web activity sends; `sdk` uses MSAL through
 * @azure/identity (v2 endpoint). The Azure CLI and the editor's signed-in account are alternatives.
 */
export const keyVaultTokenStage: StageImplementation<'keyVaultToken'> = {
  id: 'keyVaultToken',
  async run(ctx) {
    const { profile, services } = ctx;
    const auth = profile.keyVault.auth;
    const resource = keyVaultResourceOf(profile);
    const authorityHost = authorityHostOf(profile);
    let fetched: { token: AccessToken; cached: boolean };
    let how: string;
    let endpoint: string | undefined;

    switch (auth.kind) {
      case 'servicePrincipal': {
        const style = auth.tokenRequest ?? 'pipeline';
        how = style === 'pipeline' ? 'v1 endpoint, as the pipeline' : '@azure/identity';
        const key = { authority: authorityHost, tenantId: auth.tenantId, clientId: auth.clientId, audience: resource, credential: auth.clientSecret };
        const at = endpointFor(ctx, authorityHost);
        endpoint = at;
        fetched = await notingSecretShape(auth.clientSecret, "The Key Vault reader's client secret in this profile", () => tryingEndpoint(at, () =>
          services.tokenCache.getOrFetch(key, () =>
            style === 'pipeline'
              ? requestClientCredentialsToken({
                  authorityHost,
                  tenantId: auth.tenantId,
                  clientId: auth.clientId,
                  clientSecret: auth.clientSecret,
                  audience: resource,
                  endpointVersion: 'v1',
                  destination: destinationsOf(profile).entra,
                  signal: ctx.signal,
                  trustedCaPem: profile.trustedCaPem,
                  ...(services.proxy ? { proxy: services.proxy } : {}),
                })
              : fromProvider(
                  ctx,
                  createClientSecretTokenProvider({
                    authorityHost,
                    tenantId: auth.tenantId,
                    clientId: auth.clientId,
                    clientSecret: auth.clientSecret,
                    destination: destinationsOf(profile).entra,
                    trustedCaPem: profile.trustedCaPem,
                    ...(services.proxy ? { proxy: services.proxy } : {}),
                  }),
                  resource,
                  auth.tenantId,
                ),
          ),
        ));
        break;
      }
      case 'azureCli': {
        how = 'Azure CLI';
        const key = { authority: authorityHost, tenantId: auth.tenantId ?? 'cli', clientId: 'azure-cli', audience: resource };
        fetched = await services.tokenCache.getOrFetch(key, () =>
          fromProvider(ctx, createAzureCliTokenProvider({ tenantId: auth.tenantId }), resource, auth.tenantId),
        );
        break;
      }
      case 'signedInUser': {
        how = 'signed-in account';
        const provider = services.signedInUser;
        if (!provider) {
          throw Object.assign(new Error('No signed-in Microsoft account is available here. Sign in from the Accounts menu, or use a service principal.'), {
            code: 'NotSignedIn',
          });
        }
        // The account's session is cached by the editor; asking again is cheap.
        fetched = { token: await fromProvider(ctx, provider, resource, auth.tenantId), cached: false };
        break;
      }
    }
    ctx.redactor.add(fetched.token.token);
    return {
      output: fetched.token,
      cached: fetched.cached,
      summary: `token for ${resource} via ${how}, ${describeExpiry(fetched.token.expiresOnTimestamp, services.now())}${fetched.cached ? ' (cached)' : endpoint ? ` from ${endpoint}` : ''}`,
    };
  },
};

function fromProvider(
  ctx: StageContext,
  provider: { getToken(scopes: readonly string[], options: { tenantId?: string; signal: AbortSignal }): Promise<AccessToken> },
  resource: string,
  tenantId: string | undefined,
): Promise<AccessToken> {
  return provider.getToken([`${resource}/.default`], { ...(tenantId ? { tenantId } : {}), signal: ctx.signal });
}
