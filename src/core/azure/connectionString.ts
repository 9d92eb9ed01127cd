import { ValidationError } from '../errors/errors';
import { REDACTED } from '../logging/redact';
import { parseHostAuthority, splitAddress } from '../model/host';

/** An Event Hubs / Eventstream custom-endpoint connection string, read into its parts. */
export interface ParsedConnectionString {
  /** host[:port], e.g. eventstream-1234abcd.servicebus.windows.net */
  readonly namespace: string;
  /** Normalised `sb://host[:port]/`. */
  readonly endpoint: string;
  readonly keyName?: string;
  readonly key?: string;
  /** A complete `SharedAccessSignature sr=…` token, when the string carries one instead of a key. */
  readonly sharedAccessSignature?: string;
  /** EntityPath: the event hub (Fabric: `es_…`). */
  readonly eventHubName?: string;
  /** `UseDevelopmentEmulator=true`: plain AMQP on 5672 instead of TLS on 5671. */
  readonly useDevelopmentEmulator: boolean;
}

const FIELD = 'connectionString';
const EXAMPLE = 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<rule>;SharedAccessKey=<key>;EntityPath=<event hub>';

/**
 * Parses like @azure/core-amqp does, but tolerant of what users paste: surrounding quotes, spaces,
 * any key case, empty segments and a trailing `;`. Values keep their `=` (base64 padding).
 */
export function parseConnectionString(text: string): ParsedConnectionString {
  let input = text.trim();
  if (/^(["']).*\1$/s.test(input)) {
    input = input.slice(1, -1).trim();
  }
  if (!input) {
    throw new ValidationError(FIELD, 'is empty.', `Paste the connection string from the custom endpoint's Keys page: ${EXAMPLE}`);
  }
  const parts = new Map<string, string>();
  for (const segment of input.split(';')) {
    const trimmed = segment.trim();
    if (!trimmed) {
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      // Never echo the segment: it may be (part of) the key.
      throw new ValidationError(FIELD, 'has a part that is not of the form Name=value.', `Check the pasted text is complete and separated by ';': ${EXAMPLE}`);
    }
    parts.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim());
  }

  const endpointText = parts.get('endpoint');
  if (!endpointText) {
    throw new ValidationError(FIELD, 'has no Endpoint=… part.', `Copy the whole connection string, which starts with Endpoint=sb://…: ${EXAMPLE}`);
  }
  const { namespace, endpoint } = parseEndpoint(endpointText);

  const keyName = nonEmpty(parts.get('sharedaccesskeyname'));
  const key = nonEmpty(parts.get('sharedaccesskey'));
  const sharedAccessSignature = nonEmpty(parts.get('sharedaccesssignature'));
  if (key && sharedAccessSignature) {
    throw new ValidationError(FIELD, 'has both SharedAccessKey and SharedAccessSignature.', 'Keep one: the key (with SharedAccessKeyName) or a ready-made signature token.');
  }
  if (key && !keyName) {
    throw new ValidationError(FIELD, 'has a SharedAccessKey but no SharedAccessKeyName.', 'Add SharedAccessKeyName=<policy name> (Fabric shows it as key_…).');
  }
  if (keyName && !key && !sharedAccessSignature) {
    throw new ValidationError(FIELD, `names the policy ${keyName} but has no SharedAccessKey.`, 'Add SharedAccessKey=<primary or secondary key>.');
  }
  if (!key && !sharedAccessSignature) {
    throw new ValidationError(FIELD, 'has no credentials (SharedAccessKey or SharedAccessSignature).', `Copy the connection string from the Keys page, not only the endpoint: ${EXAMPLE}`);
  }
  if (sharedAccessSignature && !/^SharedAccessSignature\s/i.test(sharedAccessSignature)) {
    throw new ValidationError(FIELD, 'has a SharedAccessSignature value without its "SharedAccessSignature" prefix.', 'Paste the full token, prefix included.');
  }
  const eventHubName = nonEmpty(parts.get('entitypath'));
  return {
    namespace,
    endpoint,
    ...(keyName ? { keyName } : {}),
    ...(key ? { key } : {}),
    ...(sharedAccessSignature ? { sharedAccessSignature } : {}),
    ...(eventHubName ? { eventHubName } : {}),
    useDevelopmentEmulator: parts.get('usedevelopmentemulator')?.toLowerCase() === 'true',
  };
}

function parseEndpoint(text: string): { namespace: string; endpoint: string } {
  const example = 'Use Endpoint=sb://<namespace>.servicebus.windows.net/';
  // A bare host is accepted too: the SDK adds sb:// itself in some code paths.
  const parts = splitAddress(text);
  if (parts.scheme !== undefined && !['sb', 'amqps', 'amqp', 'https'].includes(parts.scheme)) {
    throw new ValidationError(FIELD, `has an Endpoint with the scheme ${parts.scheme}: .`, example);
  }
  if (parts.query || parts.fragment || (parts.path && parts.path !== '/')) {
    throw new ValidationError(FIELD, 'has an Endpoint with a path, query or fragment after the host.', example);
  }
  // The one host parser: @azure/core-amqp reads the host after the *last* "://", WHATWG URL after
  // the first, so only a host both read alike is accepted, and the SDK is given a rebuilt string.
  const host = parseHostAuthority(parts.authority);
  if (!host.ok) {
    throw new ValidationError(FIELD, `has an Endpoint host that ${host.problem}`, example);
  }
  const namespace = host.host.authority;
  return { namespace, endpoint: `sb://${namespace}/` };
}

/**
 * The connection string rebuilt from its parsed, canonical parts: what the Event Hubs SDK is given,
 * so that it connects to the host this module validated and never reads the pasted text itself.
 */
export function canonicalConnectionString(parsed: ParsedConnectionString, eventHubName?: string): string {
  return joinParts(parsed, (secret) => secret, eventHubName ?? parsed.eventHubName);
}

function joinParts(parsed: ParsedConnectionString, secret: (value: string) => string, eventHubName: string | undefined): string {
  const parts = [`Endpoint=${parsed.endpoint}`];
  if (parsed.keyName) {
    parts.push(`SharedAccessKeyName=${parsed.keyName}`);
  }
  if (parsed.key) {
    parts.push(`SharedAccessKey=${secret(parsed.key)}`);
  }
  if (parsed.sharedAccessSignature) {
    parts.push(`SharedAccessSignature=${secret(parsed.sharedAccessSignature)}`);
  }
  if (eventHubName) {
    parts.push(`EntityPath=${eventHubName}`);
  }
  if (parsed.useDevelopmentEmulator) {
    parts.push('UseDevelopmentEmulator=true');
  }
  return parts.join(';');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}

/** The connection string rebuilt for display: the key and any signature are replaced by [REDACTED]. */
export function describeConnectionString(input: string | ParsedConnectionString): string {
  const parsed = typeof input === 'string' ? parseConnectionString(input) : input;
  return joinParts(parsed, () => REDACTED, parsed.eventHubName);
}
