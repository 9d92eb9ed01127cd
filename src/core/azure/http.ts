import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { ProxyTunnelAgent, shouldProxy, portOf, type ProxySettings } from './proxy';
import { assertSecureUrl, caListFor } from './trust';

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
  /** Whole-request timeout; default 60 s. */
  readonly timeoutMs?: number;
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

import { abortError, throwIfAborted } from '../util/abort';

// Re-exported: the Azure clients take their abort helpers from here.
export { abortError, raceAbort, throwIfAborted } from '../util/abort';

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * One HTTP exchange. https only, except http to loopback. Resolves for every status (callers
 * decide what success is); rejects on network errors, timeout (code ETIMEDOUT) and abort (CancelledError).
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
  const ca = url.protocol === 'https:' ? caListFor(req.trustedCaPem) : undefined;
  const timeoutMs = req.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  // Plain http is loopback-only (assertSecureUrl), so only https goes through a proxy.
  const proxied = url.protocol === 'https:' && shouldProxy(req.proxy, url.hostname, portOf(url));
  const options: RequestOptions & { ca?: string[] } = {
    method: req.method,
    headers,
    signal: req.signal,
    ...(ca ? { ca } : {}),
    ...(proxied && req.proxy ? { agent: new ProxyTunnelAgent(req.proxy, ca, timeoutMs, req.signal) } : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequestRaw : httpRequest;

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    };
    const request = send(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => fail(req.signal.aborted ? abortError(req.signal) : error));
      response.on('end', () => {
        if (settled) {
          return;
        }
        settled = true;
        resolve({
          status: response.statusCode ?? 0,
          headers: flattenHeaders(response.headers),
          bodyText: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.setTimeout(timeoutMs, () => {
      const error = Object.assign(new Error(`No answer from ${url.origin} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      fail(error);
      request.destroy(error);
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
