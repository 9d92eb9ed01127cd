/**
 * The runner's HTTPS client: it reaches only the sandbox's own peers (a URL's host must be one the
 * sandbox serves; anything else is refused before a socket opens), trusts only the sandbox CA, sends
 * no client certificate, follows no redirect, and caps the response at the Web activity's 4 MB
 * ("The maximum supported output response payload size is 4 MB", Web activity docs).
 */
import { request } from 'node:https';

export const WEB_ACTIVITY_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Where a URL goes on loopback, or undefined: not a host this sandbox stands in for. */
export type PeerRoute = (url: URL) => { readonly host: string; readonly port: number } | undefined;

export interface WebResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** A call that got no HTTP answer: the service's 2308 case ("No response from the endpoint"). */
export class NoResponseError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'NoResponseError';
  }
}

export interface WebRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export function sendWebRequest(route: PeerRoute, caPem: string, call: WebRequest): Promise<WebResponse> {
  return new Promise((resolve, reject) => {
    if (call.url.protocol !== 'https:') {
      reject(new NoResponseError(`the sandbox's pipeline runner calls HTTPS URLs only, not ${call.url.protocol}`, 'ERR_HTTPS_ONLY'));
      return;
    }
    const target = route(call.url);
    if (!target) {
      // A real factory would try the public host; the sandbox has nowhere to send it and says so.
      reject(new NoResponseError(`the sandbox does not serve ${call.url.host} (it answers only for its own Entra ID, Key Vault and Event Hubs peers)`, 'ENOTFOUND'));
      return;
    }
    if (call.signal.aborted) {
      reject(new NoResponseError('cancelled', 'ABORT_ERR'));
      return;
    }
    const hostname = call.url.hostname.replace(/^\[|\]$/g, '');
    const isIp = /^[\d.]+$/.test(hostname) || hostname.includes(':');
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: call.method,
        path: `${call.url.pathname}${call.url.search}`,
        headers: { ...call.headers, host: call.url.host, ...(call.body !== undefined ? { 'content-length': String(Buffer.byteLength(call.body)) } : {}) },
        ca: caPem,
        ...(isIp ? {} : { servername: hostname }),
        agent: false,
        signal: call.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > WEB_ACTIVITY_MAX_RESPONSE_BYTES) {
            req.destroy(new NoResponseError('the response is larger than the Web activity limit of 4 MB', 'ERR_RESPONSE_TOO_LARGE'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => reject(asNoResponse(error)));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) {
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
          }
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.setTimeout(call.timeoutMs, () => req.destroy(new NoResponseError(`no answer within ${call.timeoutMs} ms`, 'ETIMEDOUT')));
    req.on('error', (error) => reject(asNoResponse(error)));
    req.end(call.body);
  });
}

function asNoResponse(error: unknown): NoResponseError {
  if (error instanceof NoResponseError) {
    return error;
  }
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name ?? 'ERROR';
  return new NoResponseError((error as Error).message ?? String(error), code);
}
