/**
 * The one parser for every host the product talks to (Entra authority, vault, namespace, read-back
 * namespace, proxy). It accepts only what every client we use would read the same way, and returns
 * the canonical `host[:port]` that is the only value used afterwards.
 *
 * Why so strict: the clients disagree on edge cases. WHATWG URL ends the host at `\` under `https:`
 * but not under `sb:`; it maps full-width letters and `。` to ASCII, decodes `%41`, and reads
 * `2130706433` or `0x7f.1` as 127.0.0.1; @azure/core-amqp takes the host after the *last* `://`.
 * So a string with user info, a backslash, a percent sign, non-ASCII text or anything a parser would
 * rewrite is refused rather than interpreted.
 */

/** A validated host: lower-case ASCII, IPv6 in brackets, the port only when it was given. */
export interface CanonicalHost {
  /** `name` or `[v6]`, as WHATWG URL's `hostname`. */
  readonly hostname: string;
  readonly port?: number;
  /** `hostname[:port]`: what goes into `https://…/`, `sb://…/` and the SDKs. */
  readonly authority: string;
}

export type HostParse = { readonly ok: true; readonly host: CanonicalHost } | { readonly ok: false; readonly problem: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;
/** Exactly these: a wider set (all of 127.0.0.0/8) would let any local process collect tokens. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The first character that has no place in a host, described for the message (never the input itself). */
function forbiddenCharacter(text: string): string | undefined {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || ch === '\u2028' || ch === '\u2029' || ch === '\u0085') {
      return 'a line break or control character';
    }
    if (code > 0x7e) {
      return `the non-ASCII character U+${code.toString(16).toUpperCase().padStart(4, '0')} (a look-alike or full-width character?)`;
    }
    if (ch === '\\') {
      return 'a backslash (\\)';
    }
    if (ch === '@') {
      return 'user info (@)';
    }
    if (ch === '%') {
      return 'a percent-encoded character (%)';
    }
    if (/[\s/?#;,"'<>`{}|^]/.test(ch)) {
      return `the character "${ch}"`;
    }
  }
  return undefined;
}

/**
 * Parses `hostname[:port]` (no scheme, no path). Accepts DNS names (including `xn--` labels),
 * IPv4 dotted quads and bracketed IPv6 literals, each only in the form WHATWG URL would give back
 * unchanged.
 */
export function parseHostAuthority(input: string): HostParse {
  const text = input;
  if (!text) {
    return { ok: false, problem: 'has no host.' };
  }
  const bad = forbiddenCharacter(text);
  if (bad) {
    return { ok: false, problem: `contains ${bad}, which has no place in a host name.` };
  }
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text);
  if (!match) {
    return { ok: false, problem: 'is not of the form host or host:port.' };
  }
  const hostname = (match[1] ?? '').toLowerCase();
  const portText = match[2];
  if (!hostname) {
    return { ok: false, problem: 'has no host name.' };
  }
  if (hostname.endsWith('.')) {
    return { ok: false, problem: 'ends with a dot.' };
  }
  if (hostname.startsWith('[')) {
    if (!IPV6_LITERAL.test(hostname)) {
      return { ok: false, problem: 'has a malformed IPv6 address.' };
    }
  } else {
    const labels = hostname.split('.');
    if (hostname.length > 253 || !labels.every((label) => LABEL.test(label))) {
      return { ok: false, problem: 'is not a valid host name (labels of 1–63 letters, digits and hyphens, separated by dots).' };
    }
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535 || String(port) !== portText)) {
    return { ok: false, problem: `has an invalid port (${portText}).` };
  }
  // The host must be exactly what the URL parser makes of it: `0x7f.1`, `2130706433`, `127.1` or a
  // non-shortest IPv6 form would otherwise be checked as one host and connected to as another.
  let parsed: URL;
  try {
    parsed = new URL(`https://${hostname}/`);
  } catch {
    return { ok: false, problem: 'is not a valid host.' };
  }
  if (parsed.hostname !== hostname) {
    return { ok: false, problem: `would be read as ${parsed.hostname} by the URL parser; write that host instead.` };
  }
  const authority = port === undefined ? hostname : `${hostname}:${port}`;
  return { ok: true, host: { hostname, ...(port !== undefined ? { port } : {}), authority } };
}

/** localhost, 127.0.0.1 and [::1]: the sandbox and local test peers, the only hosts that may have a port. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname.toLowerCase());
}

/** The authority a URL will connect to, as Node's http(s).request and fetch read it. */
export function connectAuthorityOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return parsed.host.toLowerCase();
}

/**
 * Splits `scheme://authority/path?query#fragment` textually, before any URL parser sees it, so the
 * authority can be checked with `parseHostAuthority`. `scheme` is undefined when there is none.
 */
export function splitAddress(input: string): { scheme?: string; authority: string; path: string; query: string; fragment: string } {
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  const rest = schemeMatch ? input.slice(schemeMatch[0].length) : input;
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  const hashAt = tail.indexOf('#');
  const beforeHash = hashAt < 0 ? tail : tail.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  return {
    ...(schemeMatch ? { scheme: (schemeMatch[1] as string).toLowerCase() } : {}),
    authority,
    path: queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt),
    query: queryAt < 0 ? '' : beforeHash.slice(queryAt),
    fragment: hashAt < 0 ? '' : tail.slice(hashAt),
  };
}
