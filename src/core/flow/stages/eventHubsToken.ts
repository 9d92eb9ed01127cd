import { destinationsOf } from '../../azure/credentialGuard';
import { requestClientCredentialsToken } from '../../azure/entraToken';
import { need, type StageImplementation } from '../stage';
import { authorityHostOf, describeExpiry, eventHubsResourceOf } from './authority';
import { endpointFor, tryingEndpoint } from './network';
import { notingSecretShape } from './secretShape';

/**
 * Stage 4: the pipeline's service principal (client id and secret just read from Key Vault) asks
 * Entra for an Event Hubs token, exactly as the Web activity does: v1 `resource` (no `/.default`:
 * that would be AADSTS500011) or v2 `scope`.
 */
export const eventHubsTokenStage: StageImplementation<'eventHubsToken'> = {
  id: 'eventHubsToken',
  async run(ctx, inputs) {
    const { profile, services } = ctx;
    const clientId = need(inputs, 'readClientId').value.trim();
    const clientSecret = need(inputs, 'readClientSecret').value;
    const { tenantId, endpointVersion } = profile.eventHubsToken;
    const authorityHost = authorityHostOf(profile);
    const resource = eventHubsResourceOf(profile);
    const key = { authority: authorityHost, tenantId, clientId, audience: `${resource}|${endpointVersion}`, credential: clientSecret };
    const endpoint = endpointFor(ctx, authorityHost);
    const { token, cached } = await notingSecretShape(clientSecret, `The Key Vault secret ${profile.keyVault.clientSecretSecret.name}`, () => tryingEndpoint(endpoint, () =>
      services.tokenCache.getOrFetch(key, () =>
        requestClientCredentialsToken({
          authorityHost,
          tenantId,
          clientId,
          clientSecret,
          audience: resource,
          endpointVersion,
          destination: destinationsOf(profile).entra,
          signal: ctx.signal,
          trustedCaPem: profile.trustedCaPem,
          ...(services.proxy ? { proxy: services.proxy } : {}),
        }),
      ),
    ));
    ctx.redactor.add(token.token);
    const asked = endpointVersion === 'v1' ? `resource ${resource}` : `scope ${resource}/.default`;
    return {
      output: token,
      cached,
      summary: `token for ${asked} (${endpointVersion}), ${describeExpiry(token.expiresOnTimestamp, services.now())}${cached ? ' (cached)' : ` from ${endpoint}`}`,
    };
  },
};
