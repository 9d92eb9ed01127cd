import { createHmac } from 'node:crypto';
import { ValidationError } from '../errors/errors';
import type { SecretSink } from '../logging/redact';

// Shared access signatures for Event Hubs: signing one, and reading a given one's parts (never its signature) for diagnosis.
export interface SharedAccessSignatureOptions {
  /** The `sr` scope, e.g. `sb://ns.servicebus.windows.net/es_x`. Tokens are valid for every URI it prefixes. */
  readonly resourceUri: string;
  /** The SAS policy (rule) name, sent as `skn`. */
  readonly keyName: string;
  /** The SharedAccessKey exactly as shown in the portal: used as UTF-8 bytes, never base64-decoded. */
  readonly key: string;
  readonly expiresInSeconds?: number;
  /** Epoch milliseconds; injectable for known-answer tests. */
  readonly now?: number;
  /** The run's redactor: the token and its signature are registered before the token is returned. */
  readonly secrets?: SecretSink;
}

/**
 * Builds `SharedAccessSignature sr=…&sig=…&se=…&skn=…` exactly as @azure/core-amqp does (wire facts §5.1):
 * string-to-sign = urlencode(resourceUri) + LF + expiry. The docs' prose says CRLF; the SDKs use LF.
 */
export function createSharedAccessSignature(options: SharedAccessSignatureOptions): string {
  const { resourceUri, keyName, key, expiresInSeconds = 3600, now = Date.now(), secrets } = options;
  if (!resourceUri) {
    throw new ValidationError('resourceUri', 'is empty.', 'Pass the event hub URI, e.g. sb://<namespace>/<event hub>.');
  }
  if (!keyName) {
    throw new ValidationError('keyName', 'is empty.', 'Enter the SAS policy name (SharedAccessKeyName), e.g. key_… for a Fabric custom endpoint.');
  }
  if (!key) {
    throw new ValidationError('key', 'is empty.', 'Enter the primary or secondary key of the SAS policy.');
  }
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
    throw new ValidationError('expiresInSeconds', `must be a positive whole number of seconds (got ${expiresInSeconds}).`, 'Use e.g. 3600 for one hour.');
  }
  const expiry = Math.floor(now / 1000) + expiresInSeconds;
  const audience = encodeURIComponent(resourceUri);
  const signature = createHmac('sha256', key).update(`${audience}\n${expiry}`, 'utf8').digest('base64');
  const token = `SharedAccessSignature sr=${audience}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=${encodeURIComponent(keyName)}`;
  registerSharedAccessSignature(token, secrets);
  return token;
}

/**
 * Tells `secrets` (the run's redactor) about a SAS token: the token and its `sig`, as written and
 * decoded. A signature is a bearer credential until `se`, whether this tool signed it or it was pasted.
 */
export function registerSharedAccessSignature(token: string, secrets: SecretSink | undefined): void {
  if (!secrets) {
    return;
  }
  // Split by hand: URLSearchParams would turn a `+` left raw in a pasted token's sig into a space.
  const field = (name: string): string | undefined => new RegExp(`(?:^|[\\s&])${name}=([^&\\s]+)`).exec(token)?.[1];
  const se = field('se');
  // Worthless once expired: the redactor may then let it go (a session signs many).
  const expiresAt = se !== undefined && /^\d+$/.test(se) ? Number(se) * 1000 : undefined;
  const sig = field('sig');
  let signature = sig;
  try {
    signature = sig && decodeURIComponent(sig);
  } catch {
    // Not valid percent-encoding: the signature as written.
  }
  secrets.add(token.trim(), expiresAt);
  // Decoded: the redactor also matches it percent-encoded, as the token carries it.
  secrets.add(signature, expiresAt);
}

/**
 * The `sr` for an event hub. The SDK signs `sb://…`; the REST docs use other schemes and the scheme
 * appears not to matter (wire facts §5.1 [I]), so AMQP and REST share this form.
 */
export function eventHubResourceUri(namespace: string, eventHubName: string): string {
  return `sb://${namespace}/${eventHubName}`;
}

export interface SharedAccessSignatureParts {
  readonly resourceUri?: string;
  readonly keyName?: string;
  /** Epoch seconds. */
  readonly expiresOn?: number;
  readonly hasSignature: boolean;
}

/** Reads the non-secret parts of a SAS token (for display and expiry checks); `sig` is never returned. */
export function parseSharedAccessSignature(token: string): SharedAccessSignatureParts {
  const body = token.trim().replace(/^SharedAccessSignature\s+/i, '');
  const params = new URLSearchParams(body);
  const se = params.get('se');
  const expiresOn = se !== null && /^\d+$/.test(se) ? Number(se) : undefined;
  const resourceUri = params.get('sr') ?? undefined;
  const keyName = params.get('skn') ?? undefined;
  return {
    ...(resourceUri !== undefined ? { resourceUri } : {}),
    ...(keyName !== undefined ? { keyName } : {}),
    ...(expiresOn !== undefined ? { expiresOn } : {}),
    hasSignature: Boolean(params.get('sig')),
  };
}
