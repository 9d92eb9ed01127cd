// The HTTP CONNECT tunnel every client's proxied connection goes through, and the https.Agent over it.
//
// Why our own CONNECT tunnel and not https-proxy-agent 7 (which @azure/core-rest-pipeline ships),
// judged against its source (dist/index.js, connect()):
// - A refused CONNECT (407, 502) is replayed by the library as if the *target* had answered, so a
//   proxy's 407 would read as the service's; here it is ProxyAuthenticationRequired or
//   ProxyConnectFailed, which the explanation table explains.
// - The library has no timeout and no AbortSignal for the CONNECT phase; a cancel here closes a
//   tunnel still waiting for the proxy, and a silent proxy fails as ProxyUnreachable after 30 s.
// - Its messages and `debug` output carry the proxy URL; ours name the proxy by describeProxy()
//   (credentials redacted) and keep the TLS code of an untrusted https:// proxy.
// - The profile's extra CA is applied to the target's TLS inside the tunnel for every client,
//   including `ws` for AMQP over WebSockets (the SDK's proxy policy drops tlsOptions with a proxy).
// What it would save is ~100 lines; what it cannot do is the reason this file exists.
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { bareHost, portOf, shouldProxy } from './proxyRouting';
import { describeProxy, type ProxyErrorCode, type ProxySettings } from './proxySettings';

// One import path for the proxy: the setting (proxySettings.ts) and the routing (proxyRouting.ts) are re-exported here.
export { describeProxy, normalizeNoProxyEntry, parseNoProxy, PROXY_ERROR_CODES, proxyFromEnvironment, proxySecrets, proxySettingProblem, type ProxyErrorCode, type ProxySettings } from './proxySettings';
export { describeEndpoint, portOf, shouldProxy } from './proxyRouting';

/**
 * The one HTTP proxy implementation of the core: an HTTP CONNECT tunnel, wrapped in an https.Agent
 * that every client takes (the hand-written HTTPS client, the Azure SDK pipelines through their
 * `agent` option, and `ws` for AMQP over WebSockets). One implementation means one set of error
 * codes for proxy failures, and the profile's extra CA honoured through the tunnel (the SDKs'
 * own proxy policy ignores `tlsOptions` when a proxy is set).
 */

/** Default wait for the proxy to connect and answer CONNECT. */
export const DEFAULT_TUNNEL_TIMEOUT_MS = 30_000;

interface ParsedProxy {
  readonly url: URL;
  readonly port: number;
  readonly authorization?: string;
}

function parseProxy(settings: ProxySettings): ParsedProxy {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    throw Object.assign(new Error(`The proxy setting${settings.source ? ` (${settings.source})` : ''} is not a URL: use http://host:port.`), {
      code: 'ProxyConnectFailed',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw Object.assign(new Error(`Unsupported proxy scheme '${url.protocol}' in ${describeProxy(settings)}: use http:// (or https://).`), {
      code: 'ProxyConnectFailed',
    });
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    url,
    port,
    ...(user || password ? { authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` } : {}),
  };
}

function proxyError(code: ProxyErrorCode, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/**
 * Opens a CONNECT tunnel to host:port through the proxy. Resolves with the raw socket once the
 * proxy answered 2xx; rejects with code ProxyAuthenticationRequired (407), ProxyConnectFailed
 * (any other answer, e.g. 502 for a host the proxy cannot reach) or ProxyUnreachable (the proxy
 * itself refused, timed out or reset).
 */
export function openTunnel(
  settings: ProxySettings,
  target: { readonly host: string; readonly port: number },
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<Socket> {
  let proxy: ParsedProxy;
  try {
    proxy = parseProxy(settings);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const described = describeProxy(settings);
  const authority = `${isIP(bareHost(target.host)) === 6 ? `[${bareHost(target.host)}]` : target.host}:${target.port}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TUNNEL_TIMEOUT_MS;

  return new Promise<Socket>((resolve, reject) => {
    const proxyHost = bareHost(proxy.url.hostname);
    const socket: Socket =
      proxy.url.protocol === 'https:'
        ? tlsConnect({ host: proxyHost, port: proxy.port, servername: isIP(proxyHost) ? undefined : proxyHost, rejectUnauthorized: settings.strictSsl !== false })
        : netConnect({ host: proxyHost, port: proxy.port });
    let settled = false;
    let received = Buffer.alloc(0);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      if (settled) {
        return;
      }
      settled = true;
      cleanup();
      socket.destroy();
      reject(error);
    };
    const unreachable = (why: string, cause?: unknown): Error =>
      proxyError('ProxyUnreachable', `Could not reach the proxy ${described} to open a tunnel to ${authority}: ${why}.`, {
        proxy: described,
        target: authority,
        ...(cause ? { cause } : {}),
      });
    const onError = (error: NodeJS.ErrnoException): void => {
      // An https:// proxy whose certificate is not trusted keeps its TLS code: the table explains those.
      if (error.code && /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS/.test(error.code)) {
        fail(
          Object.assign(new Error(`The proxy ${described} presented a certificate this machine does not trust (${error.code}).`, { cause: error }), {
            code: error.code,
            proxy: described,
            target: authority,
          }),
        );
        return;
      }
      fail(unreachable(error.code ?? error.message, error));
    };
    const onClose = (): void => fail(unreachable('the proxy closed the connection before answering CONNECT'));
    const onAbort = (): void => fail(Object.assign(new Error('Cancelled.'), { name: 'AbortError', code: 'ABORT_ERR' }));
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > 16 * 1024) {
          fail(proxyError('ProxyConnectFailed', `The proxy ${described} sent an oversized answer to CONNECT ${authority}.`, { proxy: described, target: authority }));
        }
        return;
      }
      const head = received.subarray(0, end).toString('latin1');
      const statusLine = head.split('\r\n')[0] ?? '';
      const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (status >= 200 && status < 300) {
        settled = true;
        cleanup();
        const rest = received.subarray(end + 4);
        if (rest.length > 0) {
          socket.unshift(rest);
        }
        resolve(socket);
        return;
      }
      const reason = statusLine.replace(/^HTTP\/\d(?:\.\d)?\s+/, '').trim() || 'no status line';
      if (status === 407) {
        fail(
          proxyError(
            'ProxyAuthenticationRequired',
            `The proxy ${described} answered CONNECT ${authority} with ${reason}: it wants credentials${proxy.authorization ? ' and refused the ones given' : ''}.`,
            { proxy: described, target: authority, proxyStatus: status },
          ),
        );
        return;
      }
      fail(proxyError('ProxyConnectFailed', `The proxy ${described} answered CONNECT ${authority} with ${reason}.`, { proxy: described, target: authority, proxyStatus: status }));
    };
    const timer = setTimeout(() => fail(unreachable(`no answer within ${timeoutMs} ms`)), timeoutMs);
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once(proxy.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, ...(proxy.authorization ? [`Proxy-Authorization: ${proxy.authorization}`] : []), '', ''];
      socket.write(lines.join('\r\n'));
    });
  });
}

/**
 * An https.Agent whose connections go through the proxy: CONNECT, then TLS to the target inside
 * the tunnel, verified against Node's roots plus `ca` (or the request's own `ca`). No keep-alive:
 * one tunnel per request keeps failures attributable.
 */
export class ProxyTunnelAgent extends HttpsAgent {
  constructor(
    readonly settings: ProxySettings,
    private readonly ca?: readonly string[],
    private readonly tunnelTimeoutMs = DEFAULT_TUNNEL_TIMEOUT_MS,
    /** The request's signal, for an agent made per request: a cancel closes a tunnel still waiting for the proxy. */
    private readonly signal?: AbortSignal,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = bareHost(String(options.hostname ?? options.host ?? 'localhost'));
    const port = Number(options.port ?? 443);
    const tunnel = openTunnel(this.settings, { host, port }, { timeoutMs: this.tunnelTimeoutMs, ...(this.signal ? { signal: this.signal } : {}) });
    tunnel.then(
      (socket) => {
        const servername = typeof options.servername === 'string' && options.servername ? options.servername : isIP(host) ? undefined : host;
        const ca = (options as ConnectionOptions).ca ?? (this.ca ? [...this.ca] : undefined);
        const secure = tlsConnect({
          socket,
          host,
          ...(servername ? { servername } : {}),
          ...(ca ? { ca } : {}),
          ...(Array.isArray((options as ConnectionOptions).ALPNProtocols) ? { ALPNProtocols: (options as ConnectionOptions).ALPNProtocols } : {}),
        });
        callback?.(null, secure);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** The agent for a request to `url`, or undefined when it goes direct (no proxy, or excluded by noProxy). */
export function proxyAgentFor(proxy: ProxySettings | undefined, url: string | URL, ca?: readonly string[]): ProxyTunnelAgent | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return undefined;
  }
  return shouldProxy(proxy, parsed.hostname, portOf(parsed)) ? new ProxyTunnelAgent(proxy, ca) : undefined;
}

/**
 * Azure SDK client options (identity, Key Vault) that send the client's requests through the
 * proxy: an `agent` the pipeline uses instead of its own (its proxy policy then stands aside, and
 * would ignore `tlsOptions` anyway), carrying the same CA list. Empty when `url` goes direct.
 */
export function sdkProxyOptions(proxy: ProxySettings | undefined, url: string, ca: readonly string[] | undefined): { agent?: ProxyTunnelAgent } {
  const agent = proxyAgentFor(proxy, url, ca);
  return agent ? { agent } : {};
}
