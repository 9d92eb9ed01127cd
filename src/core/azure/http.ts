import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createHash } from 'node:crypto';
import { PreconnectAgent } from './preconnectAgent';
import { ProxyTunnelAgent, shouldProxy, portOf, type ProxySettings } from './proxy';
import { bareHost } from './proxyRouting';
import { assertSecureUrl, caListFor, isLoopbackUrl } from './trust';

/**
 * The one hand-written HTTP client of the core (raw Entra token POST, raw Key Vault GET, Event Hubs
 * REST send). It is `node:https`, not fetch, because fetch cannot take a per-request `ca`, and the
 * extension host can only trust the sandbox CA that way.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly signal: AbortSignal;
  /** Extra CA to trust on top of Node's roots (the local sandbox's CA). */
  readonly trustedCaPem?: string;
  /**
   * Deadline over the whole exchange (proxy tunnel, connect, TLS, send, headers and body), not an
   * idle timeout: a server trickling bytes cannot stretch it. Default 60 s.
   */
  readonly timeoutMs?: number;
  /** The most response body bytes read; more fails with code ResponseTooLarge. Default 4 MiB. */
  readonly maxResponseBytes?: number;
  /** HTTP proxy for https requests (CONNECT tunnel), unless its noProxy list excludes the host. */
  readonly proxy?: ProxySettings;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;
/** Token, secret and send answers are a few KiB; 4 MiB leaves room for any error page. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** setTimeout fires at once for delays past 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

import { abortError, throwIfAborted } from '../util/abort';

// Re-exported: the Azure clients take their abort helpers from here.
export { abortError, raceAbort, throwIfAborted } from '../util/abort';

/**
 * A 3xx answer. Never followed: these requests carry a bearer token, a SAS or a client secret,
 * which must not be replayed to whatever host a redirect names. `location` is an origin only
 * (its path and query may carry anything).
 */
export class HttpRedirectError extends Error {
  readonly code = 'UnexpectedRedirect';
  constructor(
    readonly status: number,
    readonly origin: string,
    readonly location: string | undefined,
  ) {
    super(
      location
        ? `${origin} answered HTTP ${status} with a redirect to ${location}; redirects are not followed, so nothing was sent there.`
        : `${origin} answered HTTP ${status} (a redirect without a usable Location); redirects are not followed.`,
    );
    this.name = 'HttpRedirectError';
  }
}

/** The answer exceeded `maxResponseBytes`: the rest was not read and the connection was closed. */
export class ResponseTooLargeError extends Error {
  readonly code = 'ResponseTooLarge';
  constructor(
    readonly origin: string,
    readonly limitBytes: number,
  ) {
    super(`${origin} answered more than ${limitBytes} bytes (the limit for this request); the rest was not read.`);
    this.name = 'ResponseTooLargeError';
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The origin a Location header points to (relative ones resolve against the request), or undefined. */
function locationOrigin(location: string | undefined, base: URL): string | undefined {
  if (!location) {
    return undefined;
  }
  try {
    const origin = new URL(location, base).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * One keep-alive agent per extra CA, its TLS context built once. Passing `ca` per request instead
 * costs a new secure context per connection and, worse, Node's agent turns the ~140 root PEMs into
 * its pool key on every request (https getName): ~7 ms per warm send, measured (issue #8). A
 * context is not part of that key, so each CA gets its own agent, and a socket verified under one
 * CA is never reused for a request that trusts another. Idle sockets do not keep a process alive
 * (Node unrefs them).
 */
const agentsByCa = new Map<string, PreconnectAgent>();
const MAX_CA_AGENTS = 8;
/**
 * Connections opened early to hosts verified against Node's roots alone (Node's global agent's
 * settings). A request takes this agent only while it holds a connection to the request's host;
 * otherwise it goes with no agent, as before, which VS Code's proxy support can route through a
 * system or PAC proxy (and preconnect is not asked for there: FlowServices.directConnections).
 */
const rootsAgent = new PreconnectAgent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });

function agentTrusting(trustedCaPem: string, loopback: boolean): PreconnectAgent {
  const key = `${loopback ? 'loopback' : 'any'}:${createHash('sha256').update(trustedCaPem).digest('hex')}`;
  let agent = agentsByCa.get(key);
  if (!agent) {
    if (agentsByCa.size >= MAX_CA_AGENTS) {
      const [oldest] = agentsByCa;
      oldest?.[1].destroy();
      agentsByCa.delete(oldest?.[0] ?? '');
    }
    // A loopback peer is verified against the extra CA alone: a profile may carry one only when every
    // host it reaches is loopback (validateTrustedCa), and a context holding Node's ~140 roots too
    // takes ~35 ms to build, in the first request of every new process (measured, issue #8).
    const secureContext: SecureContext = createSecureContext({ ca: loopback ? [trustedCaPem] : caListFor(trustedCaPem) });
    agent = new PreconnectAgent({ keepAlive: true, secureContext });
    agentsByCa.set(key, agent);
  }
  return agent;
}

/** Our agent for direct (unproxied) https to `url`: the one of its extra CA, else the roots agent. */
function ownAgentFor(url: URL, trustedCaPem: string | undefined): PreconnectAgent {
  return trustedCaPem?.trim() ? agentTrusting(trustedCaPem, isLoopbackUrl(url)) : rootsAgent;
}

/** The agent a direct (unproxied) https request to `url` goes through; undefined: Node's (or VS Code's) default. */
function agentFor(url: URL, trustedCaPem: string | undefined): PreconnectAgent | undefined {
  const agent = ownAgentFor(url, trustedCaPem);
  return agent !== rootsAgent || rootsAgent.holds(bareHost(url.hostname), portOf(url)) ? agent : undefined;
}

function agentOption(agent: PreconnectAgent | undefined): { agent?: PreconnectAgent } {
  return agent ? { agent } : {};
}

export interface PreconnectOptions {
  /** How many connections the requests about to come will want at once (two parallel reads: 2). */
  readonly count?: number;
  readonly trustedCaPem?: string;
  readonly proxy?: ProxySettings;
}

/**
 * Opens the connections (TCP and TLS, nothing sent) that requests to `origin` will take, while the
 * flow still waits for something else (issue #8): on a real network each costs two round trips
 * that would otherwise follow the wait. Only direct https: a proxied request opens its own tunnel.
 * Never throws; a connection that fails is dropped and the request reports its own error.
 */
export function preconnect(origin: string, options: PreconnectOptions = {}): void {
  let url: URL;
  try {
    url = new URL(origin);
    assertSecureUrl(url);
  } catch {
    return;
  }
  if (url.protocol !== 'https:' || shouldProxy(options.proxy, url.hostname, portOf(url))) {
    return;
  }
  ownAgentFor(url, options.trustedCaPem).preconnect(bareHost(url.hostname), portOf(url), options.count ?? 1);
}

/**
 * One HTTP exchange. https only, except http to loopback. Resolves for every non-3xx status
 * (callers decide what success is); rejects on a 3xx (HttpRedirectError, code UnexpectedRedirect),
 * a body over `maxResponseBytes` (ResponseTooLargeError, code ResponseTooLarge), network errors,
 * the deadline (code ETIMEDOUT) and abort (CancelledError, or the signal's own reason).
 */
export function httpsRequest(req: HttpRequest): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.reject(new Error(`Not a valid URL: ${describeUrl(req.url)}`));
  }
  try {
    assertSecureUrl(url);
    throwIfAborted(req.signal);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  const headers: Record<string, string> = { ...req.headers };
  if (body !== undefined) {
    headers['Content-Length'] = String(body.length);
  }
  const timeoutMs = req.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const maxBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // The caller's cancel and the deadline both end the exchange through this one signal, which
  // also closes a proxy tunnel still being opened.
  const exchange = new AbortController();
  // Plain http is loopback-only (assertSecureUrl), so only https goes through a proxy.
  const secure = url.protocol === 'https:';
  const proxied = secure && shouldProxy(req.proxy, url.hostname, portOf(url));
  // The CA list (Node's roots plus the extra CA) is built only for a tunnel; a direct request's agent holds its own.
  const ca = proxied ? caListFor(req.trustedCaPem) : undefined;
  const options: RequestOptions & { ca?: string[] } = {
    method: req.method,
    headers,
    signal: exchange.signal,
    ...(proxied && req.proxy ? { ca, agent: new ProxyTunnelAgent(req.proxy, ca, timeoutMs, exchange.signal) } : secure ? agentOption(agentFor(url, req.trustedCaPem)) : {}),
  };
  const send = secure ? httpsRequestRaw : httpRequest;

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: { error: Error } | { response: HttpResponse }): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(deadline);
      req.signal.removeEventListener('abort', onCallerAbort);
      if ('error' in outcome) {
        reject(outcome.error);
        // Tears down the request, its socket and any tunnel: nothing more is read or sent.
        exchange.abort(outcome.error);
      } else {
        resolve(outcome.response);
      }
    };
    const fail = (error: Error): void => settle({ error });
    const deadline = setTimeout(
      () => fail(Object.assign(new Error(`No complete answer from ${url.origin} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS),
    );
    const onCallerAbort = (): void => fail(abortError(req.signal));
    req.signal.addEventListener('abort', onCallerAbort, { once: true });

    const request = send(url, options, (response) => {
      response.on('error', (error) => fail(req.signal.aborted ? abortError(req.signal) : error));
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.destroy();
        fail(new HttpRedirectError(status, url.origin, locationOrigin(response.headers.location, url)));
        return;
      }
      // A declared length over the cap fails before a byte of the body is read.
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.destroy();
        fail(new ResponseTooLargeError(url.origin, maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) {
          response.destroy();
          fail(new ResponseTooLargeError(url.origin, maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        settle({
          response: {
            status,
            headers: flattenHeaders(response.headers),
            bodyText: Buffer.concat(chunks).toString('utf8'),
          },
        }),
      );
    });
    request.on('error', (error) => fail(req.signal.aborted ? abortError(req.signal) : error));
    request.end(body);
  });
}

/** The URL without its query (which may carry a SAS or a secret), for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
