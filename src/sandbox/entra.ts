/**
 * Entra ID peer: the client-credentials slice of login.microsoftonline.com, on tenant-specific
 * paths, answering every documented failure with Entra's own error shape (wire facts §1.1–1.5).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOUDS, type CloudName } from '../core/model/cloud';
import { KINDS_BY_PEER, normalizeResource } from './faults';
import { isKnownResource } from './entraResources';
import { clientNotFound, entraTimestamp, expiredSecret, invalidSecret, parseBasic, tenantNotFound } from './entraWire';
import { headerValue, readBody, sendJson } from './http';
import type { AccessTokenClaims } from './internal';
import type { TokenIssuer } from './jwt';
import { dropped, type PeerControls, type PeerDeps, peerControls, startPeerServer } from './peer';
import { cloudOfRequest } from './routes';

export interface EntraPeerDeps extends PeerDeps {
  readonly issuer: TokenIssuer;
  /** Lifetime of issued tokens, seconds (default 3599, as Entra's `expires_in`). */
  readonly tokenLifetimeSeconds?: number;
}

export interface EntraPeer extends PeerControls {
  /** https://localhost:P: what clients use as their authority host. */
  readonly authorityHost: string;
}

/** Per cloud, what the OIDC metadata names (Entra's own values for each instance). */
const CLOUD_INSTANCE: Readonly<Record<CloudName, { instance: string; graph: string; msgraph: string }>> = {
  public: { instance: 'microsoftonline.com', graph: 'graph.windows.net', msgraph: 'graph.microsoft.com' },
  china: { instance: 'partner.microsoftonline.cn', graph: 'graph.chinacloudapi.cn', msgraph: 'microsoftgraph.chinacloudapi.cn' },
  usgov: { instance: 'microsoftonline.us', graph: 'graph.windows.net', msgraph: 'graph.microsoft.us' },
};

const TENANT_INDEPENDENT = new Set(['common', 'organizations', 'consumers']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** OIDC scopes MSAL may add; they are not resources. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);
/** What the token endpoint answers: every Entra fault (take() leaves connectionRefused to the listener). */
const TOKEN_FAULTS = KINDS_BY_PEER.entra;

interface RequestContext {
  readonly correlationId: string;
  readonly traceId: string;
}

export async function startEntraPeer(deps: EntraPeerDeps): Promise<EntraPeer> {
  const now = deps.now ?? (() => Date.now());
  const lifetime = deps.tokenLifetimeSeconds ?? 3599;
  const { world, faults, issuer } = deps;
  /** The authority as the client addressed it: a cloud's own login host through the sandbox proxy, else localhost. */
  const base = (req?: IncomingMessage): string => {
    const azureHost = cloudOfRequest(req?.headers.host).azureHost;
    return azureHost ? `https://${azureHost}` : `https://localhost:${server.port}`;
  };

  function fail(res: ServerResponse, ctx: RequestContext, status: number, error: string, code: number, message: string, headers: Record<string, string> = {}): void {
    const timestamp = entraTimestamp(now());
    sendJson(
      res,
      status,
      {
        error,
        error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: ctx.traceId,
        correlation_id: ctx.correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      },
      { 'x-ms-request-id': ctx.traceId, 'client-request-id': ctx.correlationId, ...headers },
    );
  }

  /** Resolves the tenant path segment, or answers the error Entra gives for it. */
  function tenantOf(segment: string, res: ServerResponse, ctx: RequestContext): string | undefined {
    if (!GUID.test(segment) && !DOMAIN.test(segment)) {
      fail(res, ctx, 400, 'invalid_request', 900023, `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`);
      return undefined;
    }
    const tenantId = world.resolveTenant(segment);
    if (!tenantId) {
      fail(res, ctx, 400, 'invalid_tenant', 90002, tenantNotFound(segment));
      return undefined;
    }
    return tenantId;
  }

  function openIdConfiguration(req: IncomingMessage, tenantSegment: string, tenantId: string, version: 'v1' | 'v2'): Record<string, unknown> {
    const authority = base(req);
    const instance = CLOUD_INSTANCE[cloudOfRequest(req.headers.host).cloud];
    const root = `${authority}/${tenantSegment}`;
    const v2 = version === 'v2';
    return {
      token_endpoint: v2 ? `${root}/oauth2/v2.0/token` : `${root}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: v2 ? `${root}/discovery/v2.0/keys` : `${root}/discovery/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      // MSAL requires the issuer's scheme+host+port to equal the authority's: localhost, not sts.windows.net.
      issuer: v2 ? `${authority}/${tenantId}/v2.0` : `${authority}/${tenantId}/`,
      request_uri_parameter_supported: false,
      authorization_endpoint: v2 ? `${root}/oauth2/v2.0/authorize` : `${root}/oauth2/authorize`,
      device_authorization_endpoint: v2 ? `${root}/oauth2/v2.0/devicecode` : `${root}/oauth2/devicecode`,
      end_session_endpoint: v2 ? `${root}/oauth2/v2.0/logout` : `${root}/oauth2/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
      tenant_region_scope: 'EU',
      cloud_instance_name: instance.instance,
      cloud_graph_host_name: instance.graph,
      msgraph_host: instance.msgraph,
    };
  }

  async function token(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, tenantSegment: string, version: 'v1' | 'v2'): Promise<void> {
    const raw = await readBody(req);
    const tenantLower = tenantSegment.toLowerCase();
    if (TENANT_INDEPENDENT.has(tenantLower)) {
      fail(res, ctx, 400, 'invalid_request', 9001023, "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.");
      return;
    }
    const tenantId = tenantOf(tenantSegment, res, ctx);
    if (!tenantId) {
      return;
    }
    const cloud = CLOUDS[cloudOfRequest(req.headers.host).cloud];
    // Entra reads parameters from a form body only: JSON bodies and query strings count as missing.
    const contentType = headerValue(req, 'content-type') ?? '';
    const form = /application\/x-www-form-urlencoded/i.test(contentType) ? new URLSearchParams(raw.toString('utf8')) : new URLSearchParams();
    const missing = (name: string): void => fail(res, ctx, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

    const grantType = form.get('grant_type');
    if (!grantType) {
      missing('grant_type');
      return;
    }
    if (grantType !== 'client_credentials') {
      fail(res, ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
      return;
    }
    const basic = parseBasic(headerValue(req, 'authorization'));
    const clientId = form.get('client_id') ?? basic?.clientId;
    const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
    if (!clientId) {
      missing('client_id');
      return;
    }

    let requested: string; // the resource as sent (v1) or the scope minus /.default (v2)
    if (version === 'v1') {
      const resource = form.get('resource');
      if (!resource) {
        missing('resource');
        return;
      }
      requested = resource;
    } else {
      if (form.has('resource')) {
        fail(res, ctx, 400, 'invalid_request', 901002, "The 'resource' request parameter is not supported.");
        return;
      }
      const scope = form.get('scope');
      if (!scope) {
        missing('scope');
        return;
      }
      const scopes = scope.split(/\s+/).filter((s) => s.length > 0 && !OIDC_SCOPES.has(s.toLowerCase()));
      const withoutDefault = scopes.find((s) => !/\/\.default$/i.test(s));
      if (withoutDefault !== undefined) {
        fail(
          res,
          ctx,
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${withoutDefault} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
        return;
      }
      const resources = new Set(scopes.map((s) => normalizeResource(s)));
      const first = scopes[0];
      if (first === undefined || resources.size !== 1) {
        fail(res, ctx, 400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
        return;
      }
      requested = first.replace(/\/\.default$/i, '');
    }

    const fault = faults.take('entra', { clientId, resource: requested }, TOKEN_FAULTS);
    if (dropped(req, fault?.kind)) {
      return;
    }
    switch (fault?.kind) {
      case 'throttled':
        // Sandbox's choice of code: AADSTS90055 is Entra's tenant throttling error.
        fail(res, ctx, 429, 'temporarily_unavailable', 90055, 'There are too many incoming requests. Please try again later.', {
          'retry-after': String(fault.spec.retryAfterSeconds ?? 2),
        });
        return;
      case 'serviceUnavailable':
        fail(res, ctx, 503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', { 'retry-after': '1' });
        return;
      case 'unknownTenant':
        fail(res, ctx, 400, 'invalid_tenant', 90002, tenantNotFound(tenantSegment));
        return;
      case 'unknownClient':
        fail(res, ctx, 400, 'unauthorized_client', 700016, clientNotFound(clientId, world.tenantDisplayName));
        return;
      case 'invalidClientSecret':
        fail(res, ctx, 401, 'invalid_client', 7000215, invalidSecret(clientId));
        return;
      case 'expiredClientSecret':
        fail(res, ctx, 401, 'invalid_client', 7000222, expiredSecret(clientId));
        return;
      default:
        break;
    }

    const app = world.apps.get(clientId.toLowerCase());
    if (!app) {
      fail(res, ctx, 400, 'unauthorized_client', 700016, clientNotFound(clientId, world.tenantDisplayName));
      return;
    }
    if (!clientSecret) {
      fail(res, ctx, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
      return;
    }
    if (clientSecret !== app.secret) {
      fail(res, ctx, 401, 'invalid_client', 7000215, invalidSecret(clientId));
      return;
    }
    if (app.secretExpired) {
      fail(res, ctx, 401, 'invalid_client', 7000222, expiredSecret(clientId));
      return;
    }
    const normalized = normalizeResource(requested);
    // defaultScopeAsResource: the client's mistake of sending a v2 scope as the v1 resource, answered as Entra does.
    const asSent = fault?.kind === 'defaultScopeAsResource' && !/\/\.default$/i.test(requested) ? `${requested.replace(/\/+$/, '')}/.default` : requested;
    if (asSent.trim() !== asSent || !isKnownResource(asSent, cloud.name)) {
      fail(
        res,
        ctx,
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${asSent} was not found in the tenant named ${world.tenantDisplayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
      return;
    }

    // A wrongAudience fault mints a token the resource server will reject, as a misconfigured resource does.
    const audience =
      fault?.kind === 'wrongAudience' ? (normalized === cloud.keyVaultResource ? `${cloud.keyVaultResource}/` : 'https://management.core.windows.net/') : requested;
    const iat = Math.floor(now() / 1000);
    const claims: AccessTokenClaims & Record<string, unknown> = {
      aud: audience,
      iss: `${cloud.tokenIssuerV1}${tenantId}/`,
      iat,
      // Entra back-dates nbf by five minutes for clock skew.
      nbf: iat - 300,
      exp: iat + lifetime,
      aio: randomUUID().replace(/-/g, ''),
      appid: clientId.toLowerCase(),
      appidacr: '1',
      idp: `${cloud.tokenIssuerV1}${tenantId}/`,
      idtyp: 'app',
      oid: app.objectId,
      sub: app.objectId,
      tid: tenantId,
      // No `roles`: Azure RBAC assignments (Key Vault Secrets User, Event Hubs Data Sender) are never
      // in the token; Key Vault and Event Hubs look them up. Entra adds `roles` only for app roles
      // granted on the resource's own app registration, which this flow does not use.
      // Azure resources' tokens are v1 whichever endpoint issued them (accessTokenAcceptedVersion).
      ver: '1.0',
    };
    const accessToken = issuer.sign(claims);
    const headers = { 'x-ms-request-id': ctx.traceId, 'client-request-id': ctx.correlationId };
    if (version === 'v1') {
      // v1 answers its numbers as JSON strings (wire facts §1.2).
      sendJson(
        res,
        200,
        {
          token_type: 'Bearer',
          expires_in: String(lifetime),
          ext_expires_in: String(lifetime),
          expires_on: String(claims.exp),
          not_before: String(claims.nbf),
          resource: requested,
          access_token: accessToken,
        },
        headers,
      );
    } else {
      sendJson(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken }, headers);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Not new URL(path, base): a path starting '//' (the docs' `//secrets`) would parse as a host.
    const url = new URL(`https://localhost${req.url ?? '/'}`);
    const ctx: RequestContext = {
      correlationId: url.searchParams.get('client-request-id') ?? headerValue(req, 'client-request-id') ?? randomUUID(),
      traceId: randomUUID(),
    };
    let segments: string[];
    try {
      segments = url.pathname
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => decodeURIComponent(s));
    } catch {
      segments = [];
    }
    const [tenantSegment = '', ...rest] = segments;
    const route = rest.join('/').toLowerCase();
    const method = req.method ?? 'GET';

    if (route === 'oauth2/token' || route === 'oauth2/v2.0/token') {
      if (method !== 'POST') {
        fail(res, ctx, 400, 'invalid_request', 900561, `The endpoint only accepts POST requests. Received a ${method} request.`);
        return;
      }
      await token(req, res, ctx, tenantSegment, route === 'oauth2/token' ? 'v1' : 'v2');
      return;
    }
    if (method === 'GET' && (route === 'v2.0/.well-known/openid-configuration' || route === '.well-known/openid-configuration')) {
      const v2 = route.startsWith('v2.0');
      if (TENANT_INDEPENDENT.has(tenantSegment.toLowerCase())) {
        // Multi-tenant metadata carries a placeholder issuer, as Entra's does.
        sendJson(res, 200, openIdConfiguration(req, tenantSegment, '{tenantid}', v2 ? 'v2' : 'v1'));
        return;
      }
      const tenantId = tenantOf(tenantSegment, res, ctx);
      if (tenantId) {
        sendJson(res, 200, openIdConfiguration(req, tenantSegment, tenantId, v2 ? 'v2' : 'v1'));
      }
      return;
    }
    if (method === 'GET' && (route === 'discovery/v2.0/keys' || route === 'discovery/keys')) {
      sendJson(res, 200, issuer.jwks());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found: the sandbox Entra peer serves /{tenant}/oauth2/token, /{tenant}/oauth2/v2.0/token and OIDC metadata.');
  }

  const server = await startPeerServer(deps, 'Entra ID', handle);
  return {
    ...peerControls(server),
    get authorityHost() {
      return base();
    },
  };
}
