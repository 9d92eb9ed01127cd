/**
 * The Azure Resource Manager peer (`https://management.azure.com`, and the sovereign clouds' ARM
 * hosts through the sandbox proxy): authentication against the sandbox's Entra, ARM's error shape
 * `{ error: { code, message } }`, api-version checks, `nextLink` paging, and a route table that
 * route files fill (see index.ts: ARM_ROUTE_MODULES).
 *
 * Error codes and texts: learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors
 * and /rest/api/azure ("Common error responses"); Azure/azure-rest-api-specs
 * specification/common-types/resource-management/v5/types.json ErrorResponse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOUDS, type Cloud } from '../../core/model/cloud';
import { dropped, peerControls, startPeerServer, type PeerDeps } from '../peer';
import type { TokenVerifier } from '../internal';
import { decodeCursor, encodeCursor, readBearer, requestBasics, RouteTable, type RestRequest, type RestRoute } from '../restPeer';
import { cloudOfRequest } from '../routes';
import type { FaultKind } from '../types';
import type { World } from '../world';
import type { ArmRole, ArmSubscription, ArmWorld } from './armWorld';

const TRANSPORT_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable'];

/**
 * The audiences ARM accepts, per cloud: the `https://management.core…` and `https://management…`
 * App ID URIs, with and without the trailing slash (ARM's InvalidAuthenticationTokenAudience text lists these four).
 */
export function armAudiences(cloud: Cloud): readonly string[] {
  const hosts = [new URL(cloud.armEndpoint).hostname, cloud.armLegacyAudienceHost];
  return hosts.flatMap((host) => [`https://${host}/`, `https://${host}`]);
}

export interface ArmRequest extends RestRequest {
  readonly arm: ArmWorld;
  readonly world: World;
  readonly cloud: Cloud;
  readonly apiVersion: string;
  readonly principal: { readonly appid: string; readonly oid: string };
  /** True when the request came through the sandbox proxy to a real ARM host: resources then carry their real host names. */
  readonly viaProxy: boolean;
  /** The Key Vault peer's loopback URL (`https://localhost:P/`). */
  readonly keyVaultUrl: string;
  /** The Event Hubs peer's loopback namespace (`localhost:P`). */
  readonly eventHubsNamespace: string;
  /** `{ error: { code, message } }` with ARM's headers. */
  error(status: number, code: string, message: string): void;
  /** `{ value, nextLink? }`; nextLink carries the same api-version and a `$skiptoken`. */
  page(items: readonly unknown[]): void;
  /**
   * The subscription when the caller holds a role that allows `action` there; otherwise answers
   * (404 SubscriptionNotFound for an unknown one, 403 AuthorizationFailed otherwise) and returns undefined.
   */
  subscriptionFor(subscriptionId: string, action: string, scope?: string): ArmSubscription | undefined;
}

export type ArmRoute = RestRoute<ArmRequest> & {
  /** api-versions this route accepts (from the spec folders); an unknown one is refused as ARM does. */
  readonly apiVersions: readonly string[];
  /** The resource type named in the refusal, e.g. `vaults` or `subscriptions`. */
  readonly resourceType: string;
};
export type ArmRouteModule = (arm: ArmWorld) => readonly ArmRoute[];

/** What every HTTPS peer is given (PeerDeps), and what this one needs beside it. */
export interface ArmPeerDeps extends PeerDeps {
  readonly arm: ArmWorld;
  readonly tokens: TokenVerifier;
  readonly eventHubsPort: () => number;
  readonly keyVaultUrl: () => string;
  readonly modules: readonly ArmRouteModule[];
}

export interface ArmPeer {
  readonly port: number;
  /** https://localhost:P — a client's ARM endpoint. */
  readonly baseUrl: string;
  stop(): Promise<void>;
  setRefusing(refuse: boolean): Promise<void>;
}

export async function startArmPeer(deps: ArmPeerDeps): Promise<ArmPeer> {
  const { world, arm, faults, tokens } = deps;
  const table = new RouteTable<ArmRequest>();
  const routes: ArmRoute[] = [];
  for (const module of deps.modules) {
    const added = module(arm);
    routes.push(...added);
    table.add(...added);
  }
  const loopbackBase = (): string => `https://localhost:${server.port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const addressed = cloudOfRequest(req.headers.host);
    const cloud = CLOUDS[addressed.cloud];
    const base = addressed.azureHost ? `https://${addressed.azureHost}` : loopbackBase();
    let requestId = '';
    const basics = await requestBasics(req, res, base, () => ({
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': requestId,
      'x-ms-routing-request-id': `WESTEUROPE:${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z:${requestId}`,
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
    }));
    requestId = basics.requestId;
    const error = (status: number, code: string, message: string, extra: Record<string, string> = {}): void =>
      basics.reply(status, { error: { code, message } }, { 'x-ms-failure-cause': status === 403 ? 'gateway' : 'service', ...extra });

    const transport = faults.take('arm', {}, TRANSPORT_FAULTS);
    if (dropped(req, transport?.kind)) {
      return;
    }
    switch (transport?.kind) {
      case 'throttled':
        // ARM's throttling answer: 429 with Retry-After (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
        error(429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read. For more information, see - https://aka.ms/armthrottling', {
          'retry-after': String(transport.spec.retryAfterSeconds ?? 2),
        });
        return;
      case 'serviceUnavailable':
        error(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request later.', { 'retry-after': '1' });
        return;
      default:
        break;
    }

    // ARM authenticates before it looks at the route or the api-version.
    const check = readBearer(req, tokens);
    if (!check.ok) {
      switch (check.reason) {
        case 'missing':
          error(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
          return;
        case 'expired':
          error(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time is earlier than current UTC time '${new Date().toISOString()}'.`);
          return;
        default:
          error(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
          return;
      }
    }
    const claims = check.claims;
    const audiences = armAudiences(cloud);
    if (!audiences.includes(claims.aud)) {
      error(
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences ${audiences.map((a) => `'${a}'`).join(',')}.`,
      );
      return;
    }
    if (claims.iss !== `${cloud.tokenIssuerV1}${world.tenantId}/`) {
      error(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${claims.iss}'. It must match the tenant '${cloud.tokenIssuerV1}${world.tenantId}/' associated with this subscription. Please use the authority (URL) '${cloud.authorityHost}/${world.tenantId}' to get the token.`);
      return;
    }

    const matched = table.match(basics.method, basics.url.pathname);
    if (!matched || 'methodMismatch' in matched) {
      // ARM's answer for a path no provider serves (sandbox's choice of text for unmodelled routes).
      error(404, 'InvalidResourceType', `The resource type could not be found in the namespace for ${basics.method} ${basics.url.pathname} (the sandbox serves discovery and Data Factory routes only).`);
      return;
    }
    const route = routes.find((r) => r === matched.route) as ArmRoute;
    const apiVersion = basics.url.searchParams.get('api-version');
    if (!apiVersion) {
      error(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      return;
    }
    if (!route.apiVersions.includes(apiVersion)) {
      error(
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for location '${world.region}' and API version '${apiVersion}' for type '${route.resourceType}'. The supported api-versions are '${route.apiVersions.join(', ')}'.`,
      );
      return;
    }
    const principal = { appid: claims.appid.toLowerCase(), oid: claims.oid.toLowerCase() };
    const request: ArmRequest = {
      ...basics,
      params: matched.params,
      claims,
      arm,
      world,
      cloud,
      apiVersion,
      principal,
      viaProxy: addressed.azureHost !== undefined,
      keyVaultUrl: deps.keyVaultUrl(),
      eventHubsNamespace: `localhost:${deps.eventHubsPort()}`,
      error: (status, code, message) => error(status, code, message),
      page(items) {
        const token = basics.url.searchParams.get('$skiptoken');
        const offset = token === null ? 0 : decodeCursor(token);
        if (offset === undefined) {
          error(400, 'InvalidSkipToken', 'The $skiptoken is not valid.');
          return;
        }
        const next = offset + arm.pageSize;
        const query = new URLSearchParams({ 'api-version': apiVersion, $skiptoken: encodeCursor(next) });
        basics.reply(200, { value: items.slice(offset, next), ...(next < items.length ? { nextLink: `${base}${basics.url.pathname}?${query.toString()}` } : {}) });
      },
      subscriptionFor(subscriptionId, action, scope) {
        const sub = arm.subscription(subscriptionId);
        if (!sub) {
          error(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
          return undefined;
        }
        const role: ArmRole | undefined = arm.roleOf(sub, principal);
        if (!role) {
          error(
            403,
            'AuthorizationFailed',
            `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action '${action}' over scope '${scope ?? `/subscriptions/${sub.subscriptionId}`}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
          );
          return undefined;
        }
        return sub;
      },
    };
    await matched.route.handle(request);
  }

  const server = await startPeerServer(deps, 'Resource Manager', handle);
  return {
    ...peerControls(server),
    get baseUrl() {
      return loopbackBase();
    },
  };
}
