/**
 * What the Fabric REST peer and the Azure Resource Manager peer share: a route table with path
 * templates (`/v1/workspaces/{workspaceId}`), literal segments matched case-insensitively (ARM
 * documents its paths as case-insensitive; Fabric's own docs spell the same route `dataPipelines`
 * and `datapipelines`), the bearer token read and verified once per request, and the request's
 * context handed to each route. Each peer answers errors in its own shape (see fabric/ and arm/).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, newRequestId, readBody, sendJson } from './http';
import type { AccessTokenClaims, TokenCheck, TokenVerifier } from './internal';

/** One request as a route sees it. `params` are the template's `{names}`, URL-decoded. */
export interface RestRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly requestId: string;
  /** The verified token's claims (routes only run once the peer has authenticated the caller). */
  readonly claims: AccessTokenClaims;
  /** The base URL this request was addressed to (`https://localhost:P` or `https://api.fabric.microsoft.com` through the proxy). */
  readonly base: string;
  reply(status: number, body: unknown, headers?: Record<string, string>): void;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json(): unknown;
}

export interface RestRoute<C extends RestRequest = RestRequest> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path template: literal segments and `{name}` segments, e.g. `/v1/workspaces/{workspaceId}/eventstreams`. */
  readonly path: string;
  handle(request: C): void | Promise<void>;
}

interface Compiled<C extends RestRequest> {
  readonly route: RestRoute<C>;
  readonly segments: readonly ({ literal: string } | { param: string })[];
}

/** Routes of one peer. Registration order does not matter: a literal segment beats a `{param}` one. */
export class RouteTable<C extends RestRequest = RestRequest> {
  private readonly compiled: Compiled<C>[] = [];

  add(...routes: readonly RestRoute<C>[]): this {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => (/^\{[A-Za-z][A-Za-z0-9]*\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
      this.compiled.push({ route, segments });
    }
    return this;
  }

  /** The matching route and its params; `methodMismatch` when the path exists with other methods only. */
  match(method: string, pathname: string): { route: RestRoute<C>; params: Record<string, string> } | { methodMismatch: true } | undefined {
    let parts: string[];
    try {
      parts = pathname
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
    let best: { route: RestRoute<C>; params: Record<string, string>; literals: number } | undefined;
    let pathExists = false;
    for (const { route, segments } of this.compiled) {
      if (segments.length !== parts.length) {
        continue;
      }
      const params: Record<string, string> = {};
      let literals = 0;
      const fits = segments.every((segment, i) => {
        const part = parts[i] ?? '';
        if ('literal' in segment) {
          literals++;
          return part.toLowerCase() === segment.literal;
        }
        params[segment.param] = part;
        return part.length > 0;
      });
      if (!fits) {
        continue;
      }
      pathExists = true;
      if (route.method === method && (!best || literals > best.literals)) {
        best = { route, params, literals };
      }
    }
    if (best) {
      return { route: best.route, params: best.params };
    }
    return pathExists ? { methodMismatch: true } : undefined;
  }
}

/** The bearer token of a request, verified; `missing` when there is no `Authorization: Bearer …`. */
export function readBearer(req: IncomingMessage, tokens: TokenVerifier): TokenCheck | { readonly ok: false; readonly reason: 'missing' } {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
  return bearer ? tokens.verify(bearer) : { ok: false, reason: 'missing' };
}

/** Reads the request once and builds the context its route gets (claims are filled in by the peer after authentication). */
export async function requestBasics(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  headers: () => Record<string, string>,
): Promise<Omit<RestRequest, 'params' | 'claims'>> {
  // Not new URL(path, base): a path starting '//' would parse as a host.
  const url = new URL(`https://localhost${req.url ?? '/'}`);
  const body = await readBody(req);
  const requestId = newRequestId();
  return {
    req,
    res,
    method: req.method ?? 'GET',
    url,
    body,
    requestId,
    base,
    reply: (status, payload, extra = {}) => {
      if (status === 204 || payload === undefined) {
        res.writeHead(status, { ...headers(), ...extra, 'content-length': '0' });
        res.end();
        return;
      }
      sendJson(res, status, payload, { ...headers(), ...extra });
    },
    json: () => {
      if (body.length === 0) {
        return undefined;
      }
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

/** Opaque paging cursor: the offset into a listing, base64url JSON (callers must treat it as opaque). */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { o?: unknown }).o : undefined;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}
