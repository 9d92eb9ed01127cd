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
import { BlockList, connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ValidationError } from '../errors/errors';
import { parseHostAuthority, splitAddress } from '../model/host';

/**
 * The one HTTP proxy implementation of the core: an HTTP CONNECT tunnel, wrapped in an https.Agent
 * that every client takes (the hand-written HTTPS client, the Azure SDK pipelines through their
 * `agent` option, and `ws` for AMQP over WebSockets). One implementation means one set of error
 * codes for proxy failures, and the profile's extra CA honoured through the tunnel (the SDKs'
 * own proxy policy ignores `tlsOptions` when a proxy is set).
 */
export interface ProxySettings {
  /** http://[user:password@]host:port, or https:// for a proxy spoken to over TLS. Credentials are secrets. */
  readonly url: string;
  /**
   * Hosts that bypass the proxy, NO_PROXY style: `*` (everything), `name` (that host and its
   * subdomains), `.suffix` / `*.suffix`, IP literals (`127.0.0.1`, `::1`, `[::1]`), each optionally
   * with `:port`; CIDR blocks (`10.0.0.0/8`, `::1/128`) for IP-literal hosts. A scheme
   * (`https://example.com`) and a trailing dot (`example.com.`) are ignored. Loopback is not
   * excluded unless listed: an explicit proxy is used for every host.
   */
  readonly noProxy?: readonly string[];
  /** Where the setting came from, for messages: "HTTPS_PROXY", "http.proxy". */
  readonly source?: string;
  /** false: do not verify an https:// proxy's own certificate (VS Code http.proxyStrictSSL). Targets are always verified. */
  readonly strictSsl?: boolean;
}

/** Error codes of proxy failures (parseError reads them as network errors; the table explains them). */
export const PROXY_ERROR_CODES = ['ProxyAuthenticationRequired', 'ProxyConnectFailed', 'ProxyUnreachable'] as const;
export type ProxyErrorCode = (typeof PROXY_ERROR_CODES)[number];

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

/**
 * What is wrong with a proxy setting, before anything is sent: not a URL, a scheme other than
 * http(s), no host. The message names where the setting came from, never its credentials.
 */
export function proxySettingProblem(settings: ProxySettings): ValidationError | undefined {
  const field = settings.source ?? 'proxy';
  const fix = `Set ${field} to http://host:port (or http://user:password@host:port), or unset it to connect directly.`;
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    return new ValidationError(field, 'is not a URL.', fix);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new ValidationError(field, `uses the scheme ${url.protocol.replace(/:$/, '')}://, which is not an HTTP proxy (only http:// and https:// proxies are supported).`, fix);
  }
  if (!url.hostname) {
    return new ValidationError(field, 'names no proxy host.', fix);
  }
  // The one host parser reads the host part as typed (after any user:password@): it must be the
  // host every client's URL parser finds there, or the proxy checked is not the proxy used.
  const typed = splitAddress(settings.url.trim()).authority;
  const hostPart = typed.slice(typed.lastIndexOf('@') + 1);
  const host = parseHostAuthority(hostPart);
  if (!host.ok || host.host.hostname !== url.hostname) {
    return new ValidationError(field, `has a proxy host that ${host.ok ? `would be read as ${url.hostname}` : host.problem}`, fix);
  }
  return undefined;
}

/**
 * The proxy URL for messages: scheme, host and port, credentials replaced by `***`. Never throws.
 */
export function describeProxy(settings: ProxySettings): string {
  try {
    const url = new URL(settings.url);
    const credentials = url.username || url.password ? '***@' : '';
    const port = url.port ? `:${url.port}` : '';
    return `${url.protocol}//${credentials}${url.hostname}${port}`;
  } catch {
    return '(invalid proxy URL)';
  }
}

/** The secrets a proxy setting carries (password, user, the Basic header value): register them with the redactor. */
export function proxySecrets(settings: ProxySettings | undefined): string[] {
  if (!settings) {
    return [];
  }
  try {
    const url = new URL(settings.url);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const basic = user || password ? Buffer.from(`${user}:${password}`, 'utf8').toString('base64') : '';
    return [password, url.password, basic, password ? settings.url : ''].filter((s) => s.length >= 3);
  } catch {
    return [settings.url];
  }
}

/**
 * One NO_PROXY entry as written → its canonical text: lower case, without a scheme (and whatever
 * follows the authority when one was written: `https://example.com/` → `example.com`), without
 * user info, and without the trailing dot of a fully qualified name (`example.com.`).
 */
export function normalizeNoProxyEntry(entry: string): string {
  let text = entry.trim().toLowerCase();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//.exec(text);
  if (scheme) {
    text = text.slice(scheme[0].length);
    // After a scheme, a "/" starts the path, never a CIDR prefix.
    text = text.split(/[/?#]/, 1)[0] ?? '';
    text = text.slice(text.lastIndexOf('@') + 1);
  }
  // "example.com." and "example.com.:443" name the same host as "example.com".
  return text.replace(/\.(?=(?::\d+)?$)/, '');
}

/** NO_PROXY / http.noProxy text → entries (comma or whitespace separated), each normalized. */
export function parseNoProxy(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map(normalizeNoProxyEntry)
    .filter((entry) => entry.length > 0);
}

function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

type NoProxyRule =
  | { readonly kind: 'all' }
  | { readonly kind: 'ip'; readonly addresses: BlockList; readonly port?: number }
  | { readonly kind: 'name'; readonly suffix: string; readonly port?: number };

function ipFamily(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/**
 * One NO_PROXY entry → the rule it states, as curl reads it: `*`; an IP literal (`127.0.0.1`,
 * `::1`, `[::1]`), optionally with `:port` (IPv6 with a port needs brackets); a CIDR block
 * (`10.0.0.0/8`, `::1/128`); or a name (`example.com`, `.example.com`, `*.example.com`: the host
 * and its subdomains), optionally with `:port`. Undefined for an entry that is none of these.
 */
function noProxyRule(raw: string): NoProxyRule | undefined {
  const entry = normalizeNoProxyEntry(raw);
  if (entry === '*') {
    return { kind: 'all' };
  }
  const cidr = /^\[?([^\]/]+)\]?\/(\d{1,3})$/.exec(entry);
  if (cidr?.[1] && cidr[2] !== undefined) {
    const family = ipFamily(cidr[1]);
    const prefix = Number(cidr[2]);
    if (!family || prefix > (family === 'ipv4' ? 32 : 128)) {
      return undefined;
    }
    const addresses = new BlockList();
    addresses.addSubnet(cidr[1], prefix, family);
    return { kind: 'ip', addresses };
  }
  // An unbracketed IPv6 literal ("::1", "fe80::1") has no port: its colons are the address's own.
  const withPort = ipFamily(entry) === 'ipv6' ? [entry, entry, undefined] : /^(\[[^\]]+\]|[^:[\]/]+)(?::(\d+))?$/.exec(entry);
  if (!withPort?.[1]) {
    return undefined;
  }
  const port = withPort[2] !== undefined ? Number(withPort[2]) : undefined;
  const host = bareHost(withPort[1]);
  const family = ipFamily(host);
  if (family) {
    const addresses = new BlockList();
    addresses.addAddress(host, family);
    return { kind: 'ip', addresses, ...(port !== undefined ? { port } : {}) };
  }
  const name = host.replace(/^\*/, '').replace(/^\.+/, '');
  if (!name) {
    return undefined;
  }
  return { kind: 'name', suffix: name, ...(port !== undefined ? { port } : {}) };
}

/** Whether a request to host:port goes through the proxy (false when a noProxy entry matches). */
export function shouldProxy(settings: ProxySettings | undefined, hostname: string, port: number): settings is ProxySettings {
  if (!settings) {
    return false;
  }
  const host = bareHost(hostname).replace(/\.$/, '');
  const hostFamily = ipFamily(host);
  for (const raw of settings.noProxy ?? []) {
    const rule = noProxyRule(raw);
    if (!rule) {
      continue;
    }
    if (rule.kind === 'all') {
      return false;
    }
    if (rule.port !== undefined && rule.port !== port) {
      continue;
    }
    if (rule.kind === 'ip') {
      // IP rules match IP-literal hosts only: no name is resolved to decide.
      if (hostFamily && rule.addresses.check(host, hostFamily)) {
        return false;
      }
      continue;
    }
    if (!hostFamily && (host === rule.suffix || host.endsWith(`.${rule.suffix}`))) {
      return false;
    }
  }
  return true;
}

/** Port of a URL, its scheme's default when absent. */
export function portOf(url: URL): number {
  if (url.port) {
    return Number(url.port);
  }
  return url.protocol === 'http:' || url.protocol === 'ws:' ? 80 : 443;
}

/** "https://host:port" + " via proxy http://p:3128" when proxied: what a stage reports it tried. */
export function describeEndpoint(url: string | URL, proxy: ProxySettings | undefined, scheme?: string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '(invalid URL)';
  }
  const port = portOf(parsed);
  const via = shouldProxy(proxy, parsed.hostname, port) ? ` via proxy ${describeProxy(proxy)}` : '';
  return `${scheme ?? parsed.protocol.replace(/:$/, '')}://${parsed.hostname}:${port}${via}`;
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
 * Proxy settings from the environment, as curl and the Azure SDKs read them: HTTPS_PROXY (or
 * https_proxy), then ALL_PROXY; NO_PROXY (or no_proxy). Undefined when none is set.
 */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const pick = (name: string): [string, string] | undefined => {
    for (const key of [name, name.toLowerCase()]) {
      const value = env[key]?.trim();
      if (value) {
        return [key, value];
      }
    }
    return undefined;
  };
  const found = pick('HTTPS_PROXY') ?? pick('ALL_PROXY');
  if (!found) {
    return undefined;
  }
  const [source, raw] = found;
  // curl accepts "host:port" without a scheme; so do we.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  const noProxy = parseNoProxy(pick('NO_PROXY')?.[1]);
  return { url, source, ...(noProxy.length > 0 ? { noProxy } : {}) };
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
