/**
 * The Fabric REST peer (`https://api.fabric.microsoft.com/v1/...`): authentication against the
 * sandbox's Entra, Fabric's ErrorResponse shape, 429 with Retry-After, continuation paging, and a
 * route table that route files fill (see index.ts: FABRIC_ROUTE_MODULES).
 *
 * Contract: microsoft/fabric-rest-api-specs (common/definitions.json ErrorResponse; every operation's
 * 429 response "returns a Retry-After header indicating, in seconds, how long the client must wait";
 * pagination: learn.microsoft.com/rest/api/fabric/articles/pagination — `continuationToken` and
 * `continuationUri`, absent on the last page).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOUDS } from '../../core/model/cloud';
import { dropped, peerControls, startPeerServer, type PeerDeps } from '../peer';
import type { TokenVerifier } from '../internal';
import { decodeCursor, encodeCursor, readBearer, requestBasics, RouteTable, type RestRequest, type RestRoute } from '../restPeer';
import type { FaultKind } from '../types';
import type { World } from '../world';
import { WORKSPACE_ROLE_RANK, type FabricWorld, type FabricWorkspace, type WorkspaceRole } from './fabricWorld';

/**
 * Audiences Fabric accepts: its own App ID URI, and Power BI's, which Fabric shares (tokens for
 * `https://analysis.windows.net/powerbi/api` are accepted by api.fabric.microsoft.com — the Fabric
 * docs' "Fabric API quickstart" uses that scope). Compared without a trailing slash.
 */
export const FABRIC_AUDIENCES = ['https://api.fabric.microsoft.com', 'https://analysis.windows.net/powerbi/api'] as const;
/** The real host the peer answers for through the sandbox proxy. */
export const FABRIC_HOST = 'api.fabric.microsoft.com';

const TRANSPORT_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable'];

/** A Fabric request: the common context plus Fabric's answers and the world. */
export interface FabricRequest extends RestRequest {
  readonly fabric: FabricWorld;
  readonly world: World;
  /** The Event Hubs namespace as this caller should address it: `localhost:P`, or a real `*.servicebus.windows.net` name through the proxy. */
  readonly eventHubsNamespace: string;
  /** An ErrorResponse: `{ requestId, errorCode, message, relatedResource?, moreDetails? }`. */
  error(status: number, errorCode: string, message: string, extra?: { relatedResource?: { resourceId: string; resourceType: string }; isRetriable?: boolean }): void;
  /** A page of `items` with `continuationToken` / `continuationUri` when more follow. */
  page(items: readonly unknown[]): void;
  /**
   * The workspace if the caller has at least `minimal` there; otherwise answers (404 WorkspaceNotFound
   * for no role at all, which is how Fabric hides workspaces one cannot see; 403 InsufficientPrivileges
   * for too small a role) and returns undefined.
   */
  workspaceWithRole(workspaceId: string, minimal: WorkspaceRole, what: string): FabricWorkspace | undefined;
  /** The caller's identity in the world: the token's appid (service principals) and oid. */
  readonly principal: { readonly appid: string; readonly oid: string; readonly isServicePrincipal: boolean };
}

export type FabricRoute = RestRoute<FabricRequest>;
/** A route file's contribution: given the peer's state, the routes it serves. */
export type FabricRouteModule = (fabric: FabricWorld) => readonly FabricRoute[];

/** What every HTTPS peer is given (PeerDeps), and what this one needs beside it. */
export interface FabricPeerDeps extends PeerDeps {
  readonly fabric: FabricWorld;
  readonly tokens: TokenVerifier;
  /** The Event Hubs peer's TLS port: custom endpoints point at it. */
  readonly eventHubsPort: () => number;
  readonly modules: readonly FabricRouteModule[];
}

export interface FabricPeer {
  readonly port: number;
  /** https://localhost:P — a client's Fabric base is this + `/v1`. */
  readonly baseUrl: string;
  stop(): Promise<void>;
  setRefusing(refuse: boolean): Promise<void>;
}

export async function startFabricPeer(deps: FabricPeerDeps): Promise<FabricPeer> {
  const { world, fabric, faults, tokens } = deps;
  const table = new RouteTable<FabricRequest>();
  for (const module of deps.modules) {
    table.add(...module(fabric));
  }
  const loopbackBase = (): string => `https://localhost:${server.port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const viaProxy = hostHeader === FABRIC_HOST;
    const base = viaProxy ? `https://${FABRIC_HOST}` : loopbackBase();
    let requestId = '';
    const headers = (): Record<string, string> => ({ requestid: requestId, 'x-ms-public-api-error-code': '', 'strict-transport-security': 'max-age=31536000; includeSubDomains' });
    const basics = await requestBasics(req, res, base, () => {
      const h = headers();
      return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
    });
    requestId = basics.requestId;
    const error = (status: number, errorCode: string, message: string, extra: Record<string, unknown> = {}, moreHeaders: Record<string, string> = {}): void =>
      // Fabric sets x-ms-public-api-error-code to the errorCode on failures (observed on the real service; not in the spec).
      basics.reply(status, { requestId, errorCode, message, ...extra }, { 'x-ms-public-api-error-code': errorCode, ...moreHeaders });

    const transport = faults.take('fabric', {}, TRANSPORT_FAULTS);
    if (dropped(req, transport?.kind)) {
      return;
    }
    switch (transport?.kind) {
      case 'throttled': {
        const seconds = transport.spec.retryAfterSeconds ?? 2;
        // Fabric's throttling text ("Request is blocked by the upstream service until: …") is not in the spec; the code and header are.
        error(429, 'RequestBlocked', `Request is blocked by the upstream service until: ${new Date(Date.now() + seconds * 1000).toISOString()} (UTC)`, { isRetriable: true }, { 'retry-after': String(seconds) });
        return;
      }
      case 'serviceUnavailable':
        // Undocumented body: the sandbox answers the common ErrorResponse with isRetriable.
        error(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request later.', { isRetriable: true }, { 'retry-after': '1' });
        return;
      default:
        break;
    }

    // Authentication. Fabric's texts for these are undocumented: the codes are the ones Fabric and
    // Power BI answer (TokenExpired is in the swagger's common codes; the others are the sandbox's choice).
    const check = readBearer(req, tokens);
    if (!check.ok) {
      if (check.reason === 'expired') {
        error(401, 'TokenExpired', 'Access token has expired, resubmit with a new access token');
      } else if (check.reason === 'missing') {
        error(401, 'Unauthorized', 'The request has no bearer token. Send Authorization: Bearer <token> for https://api.fabric.microsoft.com.');
      } else {
        error(401, 'InvalidToken', 'The access token is invalid.');
      }
      return;
    }
    const claims = check.claims;
    const audience = claims.aud.replace(/\/+$/, '');
    if (!(FABRIC_AUDIENCES as readonly string[]).includes(audience)) {
      error(401, 'InvalidToken', `The access token has an invalid audience: ${claims.aud}. Request a token for https://api.fabric.microsoft.com/.default.`);
      return;
    }
    // Fabric is a public-cloud service: tokens from the world's tenant through the public STS only.
    if (claims.iss !== `${CLOUDS.public.tokenIssuerV1}${world.tenantId}/`) {
      error(401, 'InvalidToken', `The access token was issued by ${claims.iss}, not by the tenant of this Fabric instance.`);
      return;
    }
    const isServicePrincipal = world.apps.has(claims.appid.toLowerCase()) && (claims as unknown as Record<string, unknown>)['idtyp'] === 'app';
    if (isServicePrincipal && !fabric.servicePrincipalsAllowed) {
      // Tenant setting "Service principals can use Fabric APIs" off: Fabric answers 401 (reported by users; text undocumented).
      error(401, 'Unauthorized', 'The tenant does not allow service principals to use Fabric APIs (admin portal: Developer settings, "Service principals can use Fabric APIs").');
      return;
    }

    const matched = table.match(basics.method, basics.url.pathname);
    if (!matched) {
      // Sandbox's choice: Fabric answers unknown routes 404 with an ErrorResponse.
      error(404, 'EntityNotFound', `The sandbox Fabric API does not serve ${basics.method} ${basics.url.pathname}.`);
      return;
    }
    if ('methodMismatch' in matched) {
      error(405, 'MethodNotAllowed', `The sandbox Fabric API does not serve ${basics.method} on ${basics.url.pathname}.`);
      return;
    }
    const principal = { appid: claims.appid.toLowerCase(), oid: claims.oid.toLowerCase(), isServicePrincipal };
    const request: FabricRequest = {
      ...basics,
      params: matched.params,
      claims,
      fabric,
      world,
      principal,
      get eventHubsNamespace(): string {
        // Through the proxy a caller sees a real namespace name, which the proxy routes back to the peer.
        return viaProxy ? `esehsandbox${world.subscriptionId.slice(0, 8)}.servicebus.windows.net` : `localhost:${deps.eventHubsPort()}`;
      },
      error: (status, errorCode, message, extra) => error(status, errorCode, message, extra),
      page(items) {
        const token = basics.url.searchParams.get('continuationToken');
        const offset = token === null ? 0 : decodeCursor(token);
        if (offset === undefined) {
          error(400, 'InvalidContinuationToken', 'The continuation token is not valid.');
          return;
        }
        const next = offset + fabric.pageSize;
        const more = next < items.length;
        const continuationToken = more ? encodeCursor(next) : undefined;
        const query = new URLSearchParams(basics.url.searchParams);
        if (continuationToken) {
          query.set('continuationToken', continuationToken);
        }
        basics.reply(200, {
          value: items.slice(offset, next),
          ...(continuationToken ? { continuationToken, continuationUri: `${base}${basics.url.pathname}?${query.toString()}` } : {}),
        });
      },
      workspaceWithRole(workspaceId, minimal, what) {
        const ws = fabric.workspace(workspaceId);
        const role = ws ? fabric.roleOf(ws, principal) : undefined;
        if (!ws || !role) {
          // Fabric does not reveal workspaces the caller has no role in (text undocumented).
          error(404, 'WorkspaceNotFound', 'The requested workspace was not found.');
          return undefined;
        }
        if (WORKSPACE_ROLE_RANK[role] < WORKSPACE_ROLE_RANK[minimal]) {
          error(403, 'InsufficientPrivileges', `The caller does not have sufficient permissions to ${what}: it needs the ${minimal} workspace role or higher, and has ${role}.`);
          return undefined;
        }
        return ws;
      },
    };
    await matched.route.handle(request);
  }

  const server = await startPeerServer(deps, 'Fabric', handle);
  return {
    ...peerControls(server),
    get baseUrl() {
      return loopbackBase();
    },
  };
}
