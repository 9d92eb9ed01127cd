import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { isLoopbackHostname as isLoopbackHost } from '../model/host';

/**
 * Which certificate authorities a client trusts, and which URLs it may call.
 *
 * Node reads NODE_EXTRA_CA_CERTS only at process start; the VS Code extension host cannot set it,
 * so a profile carries the sandbox CA (`trustedCaPem`) and every client passes it explicitly.
 * An explicit `ca` *replaces* Node's defaults, so it is Node's roots plus the extra CA (for a loopback
 * peer, the HTTPS client uses the extra CA alone: see http.ts).
 */

/** True for localhost, 127.0.0.1 and [::1]: the only hosts that may be called over plain http (the one rule, in host.ts). */
export { isLoopbackHostname as isLoopbackHost } from '../model/host';

/** True when the URL's host is loopback (the local sandbox or a private test peer). */
export function isLoopbackUrl(url: string | URL): boolean {
  try {
    return isLoopbackHost((typeof url === 'string' ? new URL(url) : url).hostname);
  } catch {
    return false;
  }
}

/** True when a namespace (host or host:port, no scheme) is loopback. */
export function isLoopbackNamespace(namespace: string): boolean {
  return isLoopbackUrl(`https://${namespace}`);
}

/** The `ca` list for a TLS client: undefined (Node's defaults, NODE_EXTRA_CA_CERTS included) or roots + the extra CA. */
export function caListFor(trustedCaPem?: string): string[] | undefined {
  if (!trustedCaPem?.trim()) {
    return undefined;
  }
  return [...rootCertificates, trustedCaPem];
}

const extraCaFiles = new Map<string, string>();

/** The PEM's base64 body, whitespace removed: how two copies of one certificate are compared. */
function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/**
 * Whether this process already trusts `pem` for every TLS socket: Node's roots, or the file named by
 * NODE_EXTRA_CA_CERTS (read at process start, so it is the only way AMQP over TLS on 5671 can
 * trust a CA: the Event Hubs SDK opens those sockets without a `ca` option).
 */
export function processTrustsCa(pem: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const body = pemBody(pem);
  if (rootCertificates.some((root) => pemBody(root) === body)) {
    return true;
  }
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) {
    return false;
  }
  let text = extraCaFiles.get(file);
  if (text === undefined) {
    try {
      text = pemBody(readFileSync(file, 'utf8'));
    } catch {
      text = '';
    }
    extraCaFiles.set(file, text);
  }
  return text.includes(body);
}

/** Core pipeline options (identity, Key Vault) that make an Azure SDK client trust the profile's CA. */
export function sdkTlsOptions(trustedCaPem?: string): { tlsOptions?: { ca: string[] } } {
  const ca = caListFor(trustedCaPem);
  return ca ? { tlsOptions: { ca } } : {};
}

/**
 * Throws unless the URL is https, or http to a loopback host. Secrets and tokens never travel
 * in clear text to a remote host.
 */
export function assertSecureUrl(url: URL): void {
  if (url.protocol === 'https:') {
    return;
  }
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    return;
  }
  if (url.protocol === 'http:') {
    throw new Error(
      `Refusing to call ${url.origin} over plain http: tokens and secrets would travel unencrypted. Use https:// (http is allowed only for localhost, 127.0.0.1 and [::1]).`,
    );
  }
  throw new Error(`Unsupported URL scheme '${url.protocol}' in ${url.origin}: use https://.`);
}
