/**
 * Which requests go through the proxy: NO_PROXY entries read as curl reads them (names, IP literals,
 * CIDR blocks, ports) and matched against a request's host and port, and how an endpoint is named
 * with the proxy it goes through.
 */
import { BlockList, isIP } from 'node:net';
import { describeProxy, normalizeNoProxyEntry, type ProxySettings } from './proxySettings';

/** A host name without IPv6 brackets, in lower case. */
export function bareHost(hostname: string): string {
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
