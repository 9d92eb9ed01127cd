// Event Hubs endpoint fields: the namespace host, the event hub name, the SAS key name and key. No vscode import.
import { addressOf, checkSuffix } from './address';
import type { CloudName } from './cloud';
import { CLOUDS } from './cloud';
import { isLoopbackHostname as isLoopbackHost } from './host';
import { clip, fail, ok, type Validated } from './validated';

/**
 * Namespace host from `host`, `host:port` (loopback), `sb://host/` or `https://host/`: the canonical
 * `host[:port]` that the REST sender, the AMQP clients and the exports use, and nothing else.
 */
export function validateNamespace(input: string, cloud: CloudName = 'public', field = 'namespace'): Validated<string> {
  const c = CLOUDS[cloud];
  const example = `<namespace>${c.eventHubsSuffix} (Fabric: eventstream-xxxxxxxx.servicebus.windows.net)`;
  const text = input.trim();
  if (!text) {
    return fail(field, 'is empty.', `Enter the namespace host, e.g. ${example}.`);
  }
  if (/^endpoint=/i.test(text) || /SharedAccessKey/i.test(text)) {
    return fail(field, 'is a connection string, not a namespace.', "Choose the connection-string authentication and paste it there, or enter only the host from its Endpoint=sb://…/ part.");
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  if (address.scheme !== undefined && !['sb', 'https', 'amqps', 'amqp'].includes(address.scheme)) {
    return fail(field, `has the scheme ${address.scheme}: which Event Hubs does not use.`, `Use only the host: ${example}.`);
  }
  const { host } = address;
  const loopback = isLoopbackHost(host.hostname);
  let note: string | undefined;
  const path = address.path.replace(/^\/+|\/+$/g, '');
  if (path) {
    note = `Removed /${clip(path)} from the namespace; the event hub name goes in its own field.`;
  } else if (address.scheme !== undefined) {
    note = `Removed ${address.scheme}:// from the namespace; only the host is used.`;
  }
  if (loopback) {
    return ok(host.authority, note);
  }
  if (host.port !== undefined) {
    return fail(field, `has a port (${host.port}); only the local sandbox (localhost) uses one.`, `Use ${host.hostname}.`);
  }
  // RFC 6761 §6.4: .invalid names never resolve, and no public CA certifies one, so no credential
  // can reach them; the sandbox's unresolvableHost fault uses one to show a DNS failure offline.
  if (host.hostname.endsWith('.invalid')) {
    return ok(host.hostname, note);
  }
  if (!host.hostname.includes('.')) {
    return fail(field, `is only a name (${host.hostname}).`, `Use the full host: ${host.hostname}${c.eventHubsSuffix}`);
  }
  const suffixProblem = checkSuffix(host.hostname, c, 'eventHubsSuffix', 'namespace');
  if (suffixProblem) {
    return fail(field, suffixProblem.problem, suffixProblem.fix);
  }
  const name = host.hostname.slice(0, -c.eventHubsSuffix.length);
  if (!/^[a-z][a-z0-9-]{4,48}[a-z0-9]$/.test(name)) {
    return fail(field, `has a namespace name (${name}) that Event Hubs does not allow.`, 'Namespace names are 6–50 letters, digits and hyphens, start with a letter and end with a letter or digit.');
  }
  return ok(host.hostname, note);
}

export function validateEventHubName(input: string, field = 'eventHubName'): Validated<string> {
  const value = input.trim();
  const fix = 'Copy the event hub name from the endpoint details (Fabric custom endpoints: es_…).';
  if (!value) {
    return fail(field, 'is empty.', fix);
  }
  if (value.length > 256) {
    return fail(field, `is ${value.length} characters; the maximum is 256.`, fix);
  }
  if (value.includes('/')) {
    return fail(field, 'contains "/"; it must be the event hub name only, not a path or URL.', fix);
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)) {
    return fail(field, 'may contain only letters, digits, periods, hyphens and underscores, and must start and end with a letter or digit.', fix);
  }
  return ok(value);
}

export function validateSasKeyName(input: string, field = 'sasKeyName'): Validated<string> {
  const value = input.trim();
  const fix = "Copy the SAS key name from the endpoint's Keys page (Fabric: key_…), or the name of a send-only policy on the event hub.";
  if (!value) {
    return fail(field, 'is empty.', fix);
  }
  if (/^SharedAccessKeyName=/i.test(value)) {
    return fail(field, 'includes the "SharedAccessKeyName=" prefix.', 'Enter only the name after the = sign.');
  }
  if (value.length > 256 || !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)) {
    return fail(field, 'is not a valid SAS policy name (letters, digits, . _ -, at most 256 characters).', fix);
  }
  return ok(value);
}

/** The key is never echoed in messages. */
export function validateSasKey(input: string, field = 'sasKey'): Validated<string> {
  const value = input.trim();
  if (!value) {
    return fail(field, 'is empty.', "Copy the primary key from the endpoint's Keys page.");
  }
  if (/^endpoint=/i.test(value) || /;SharedAccessKey/i.test(value)) {
    return fail(field, 'is a whole connection string, not a key.', 'Choose the connection-string authentication, or paste only the value after SharedAccessKey=.');
  }
  if (/^SharedAccessKey=/i.test(value)) {
    return fail(field, 'includes the "SharedAccessKey=" prefix.', 'Paste only the value after the = sign.');
  }
  if (/^SharedAccessSignature\s/i.test(value)) {
    return fail(field, 'is a ready-made SAS token, not a key.', 'Paste the key itself, or put the token in a connection string as SharedAccessSignature=….');
  }
  if (/\s/.test(value)) {
    return fail(field, 'contains whitespace.', 'Copy the key again; keys are a single base64 string.');
  }
  return ok(value);
}
