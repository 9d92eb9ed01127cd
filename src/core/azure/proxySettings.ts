/**
 * A proxy setting: what it holds (URL, NO_PROXY list, source), how it is read from the environment
 * and NO_PROXY text, checked before anything is sent, described for messages (credentials as `***`),
 * and the secrets it carries for the redactor. The tunnel that uses it is in proxy.ts.
 */
import { ValidationError } from '../errors/errors';
import { parseHostAuthority, splitAddress } from '../model/host';

/** An HTTP proxy every client goes through (proxy.ts), unless noProxy names the host. */
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
