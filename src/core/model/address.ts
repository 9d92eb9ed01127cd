// Addresses typed into host fields, read by the one host parser (host.ts): the shared address
// check, the cloud-suffix rule, and the Entra authority override. No vscode import.
import type { Cloud, CloudName } from './cloud';
import { CLOUDS } from './cloud';
import { isLoopbackHostname as isLoopbackHost, parseHostAuthority, splitAddress, type CanonicalHost } from './host';
import { fail, ok, type Validated } from './validated';

/**
 * The authority of an address typed into a host field, checked by the one host parser
 * (`parseHostAuthority`). A query, fragment, line break or anything the URL parser would rewrite
 * is refused; a path is returned for the caller to strip (with a note) or refuse.
 */
export function addressOf<T>(text: string, field: string, example: string): { ok: true; scheme?: string; host: CanonicalHost; path: string } | { ok: false; result: Validated<T> } {
  if (/[\r\n\u0085\u2028\u2029]/.test(text)) {
    return { ok: false, result: fail(field, 'contains a line break.', `Enter it on one line, e.g. ${example}.`) };
  }
  const parts = splitAddress(text);
  if (parts.query || parts.fragment) {
    return { ok: false, result: fail(field, 'has a query string or fragment (?… or #…).', `Remove everything after the host: ${example}.`) };
  }
  const parsed = parseHostAuthority(parts.authority);
  if (!parsed.ok) {
    return { ok: false, result: fail(field, parsed.problem, `Use ${example}.`) };
  }
  if (parts.path && !/^[A-Za-z0-9._~/-]*$/.test(parts.path)) {
    return { ok: false, result: fail(field, 'has a path with characters no Azure address has.', `Use ${example}.`) };
  }
  return { ok: true, ...(parts.scheme ? { scheme: parts.scheme } : {}), host: parsed.host, path: parts.path };
}

/** The host must end with the cloud's suffix; another cloud's suffix gets a "switch cloud" fix. */
export function checkSuffix(host: string, cloud: Cloud, key: 'keyVaultSuffix' | 'eventHubsSuffix', what: string): { problem: string; fix: string } | undefined {
  if (host.endsWith(cloud[key]) && host.length > cloud[key].length) {
    return undefined;
  }
  const other = Object.values(CLOUDS).find((o) => o.name !== cloud.name && host.endsWith(o[key]));
  if (other) {
    return {
      problem: `is ${withArticle(other.displayName)} ${what} (${other[key]}) but the profile targets ${cloud.displayName}.`,
      fix: `Set the profile's cloud to ${other.displayName}, or use a ${what} in ${cloud.displayName}.`,
    };
  }
  return { problem: `does not end with ${cloud[key]} (${cloud.displayName}).`, fix: `Use <name>${cloud[key]}; check for a typo in the suffix.` };
}


/** https only; the cloud's own host, or a loopback override (the sandbox). Returns `https://host[:port]`. */
export function validateAuthorityHost(input: string, cloud: CloudName = 'public', field = 'authorityHost'): Validated<string> {
  const c = CLOUDS[cloud];
  const text = input.trim();
  const example = `${c.authorityHost}, or https://localhost:<port> for the local sandbox`;
  if (!text) {
    return fail(field, 'is empty.', `Leave it unset to use ${c.authorityHost}.`);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return fail(field, 'is not a URL.', `Use ${example}.`);
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  if (address.scheme !== 'https') {
    return fail(field, 'must use https (the identity library refuses other schemes).', `Use https://${address.host.authority}.`);
  }
  if (address.path.replace(/\/+$/, '')) {
    return fail(field, `has a path (${address.path}); the tenant and /oauth2/… are added by the flow.`, `Use only https://${address.host.authority}.`);
  }
  const base = `https://${address.host.authority}`;
  if (isLoopbackHost(address.host.hostname) || base === c.authorityHost) {
    return ok(base);
  }
  const other = Object.values(CLOUDS).find((o) => o.authorityHost === base);
  if (other) {
    return fail(field, `is the ${other.displayName} authority but the profile targets ${c.displayName}.`, `Change the profile's cloud to ${other.displayName} instead of overriding the host.`);
  }
  return fail(field, 'overrides the Entra host with a non-loopback address.', `Only localhost overrides are allowed (the local sandbox); real clouds always use ${c.authorityHost}.`);
}

/** "an Azure China (21Vianet)", "a Fabric…": the article English wants before a name (issue #11). */
function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
