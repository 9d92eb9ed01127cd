/**
 * The one place secrets are removed from text. Every log line, error message and CLI/JSON output
 * passes through `redact`, which removes:
 * - the secret values known to the run (client secret, client id read from Key Vault, SAS keys, the
 *   SAS tokens the run signs…) however they are written: raw, percent-encoded (once or twice, either
 *   hex case, `+` for space), JSON-escaped (`\/`, `\u002B`, JSON inside JSON) or base64-encoded,
 * - bearer tokens and compact JWS/JWTs (recognised by their decoded header, not by an `eyJ` prefix),
 * - `client_secret=`, `sig=`, `SharedAccessKey=`, `SharedAccessSignature=` values, also when the
 *   name or the `=` is percent-encoded or JSON-escaped (`client%5Fsecret%3D`, `\u0026sig=`),
 * - `"access_token"`/`"value"`-style JSON fields that carry secrets.
 * The known values are matched by redactKnown.ts, the shapes by redactPatterns.ts; this file holds
 * the entry points (`redact`, `Redactor`) every output goes through.
 */
import { compiledFor, compileSecret, redactKnown, type CompiledSecret } from './redactKnown';
import { redactPatterns } from './redactPatterns';

export { REDACTED } from './redactPatterns';

/** Where code that creates a secret (a SAS token it signs) registers it; a `Redactor` is one. */
export interface SecretSink {
  /** `expiresAt` (epoch ms): a credential worthless after then (a SAS token past its `se`). */
  add(secret: string | undefined, expiresAt?: number): void;
}

/** Values shorter than this are not redacted by value: "1" or "a" would shred every message. */
const MIN_SECRET_LENGTH = 4;

export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  const compiled: CompiledSecret[] = [];
  for (const secret of new Set(knownSecrets)) {
    if (secret.length >= MIN_SECRET_LENGTH) {
      compiled.push(compiledFor(secret));
    }
  }
  return redactPatterns(compiled.length > 0 ? redactKnown(text, compiled) : text);
}

/**
 * A secret with an expiry is dropped this long after it: a SAS signature is refused once its `se`
 * passes (by the service's clock, which may run behind ours).
 */
const EXPIRED_SECRET_GRACE_MS = 15 * 60_000;
const PRUNE_INTERVAL_MS = 60_000;

/** Holds the secret values known to a run (or a session) and redacts with them. */
export class Redactor implements SecretSink {
  /** Each secret and its patterns, compiled once when the secret is added. */
  private readonly secrets = new Map<string, CompiledSecret>();
  /**
   * Secrets that stop mattering (epoch ms): a session signs a SAS token per send and per AMQP link,
   * and each secret costs every later line a lookup, so spent ones are let go.
   */
  private readonly expiries = new Map<string, number>();
  private nextPrune = 0;

  constructor(initial: Iterable<string | undefined> = []) {
    for (const s of initial) {
      this.add(s);
    }
  }

  add(secret: string | undefined, expiresAt?: number): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) {
      return;
    }
    const known = this.secrets.has(secret);
    if (!known) {
      this.secrets.set(secret, compileSecret(secret));
    }
    if (expiresAt === undefined) {
      // Known for good, even if it was added with an expiry before.
      this.expiries.delete(secret);
    } else if (!known || this.expiries.has(secret)) {
      this.expiries.set(secret, Math.max(expiresAt, this.expiries.get(secret) ?? expiresAt));
    }
  }

  /** A new redactor that knows this one's secrets plus more (a run inside a session). */
  extend(more: Iterable<string | undefined> = []): Redactor {
    const child = new Redactor();
    for (const [secret, compiled] of this.secrets) {
      child.secrets.set(secret, compiled);
    }
    for (const [secret, expiresAt] of this.expiries) {
      child.expiries.set(secret, expiresAt);
    }
    for (const s of more) {
      child.add(s);
    }
    return child;
  }

  redact(text: string): string {
    if (this.expiries.size > 0) {
      this.pruneExpired();
    }
    return redactPatterns(this.secrets.size > 0 ? redactKnown(text, this.secrets.values()) : text);
  }

  private pruneExpired(): void {
    const now = Date.now();
    if (now < this.nextPrune) {
      return;
    }
    this.nextPrune = now + PRUNE_INTERVAL_MS;
    for (const [secret, expiresAt] of this.expiries) {
      if (expiresAt + EXPIRED_SECRET_GRACE_MS < now) {
        this.expiries.delete(secret);
        this.secrets.delete(secret);
      }
    }
  }

  /**
   * `value` as JSON text, redacted, that still parses: a short secret found inside a number (a PIN-like
   * password in a timestamp) or a key would break the text, so then each string is redacted instead.
   */
  redactJson(value: unknown): string {
    const text = this.redact(JSON.stringify(value));
    try {
      JSON.parse(text);
      return text;
    } catch {
      return JSON.stringify(redactStrings(value, (s) => this.redact(s)));
    }
  }

  get size(): number {
    return this.secrets.size;
  }
}

/** Every string in plain data (arrays, objects) redacted; numbers, booleans and keys as they are. */
function redactStrings(value: unknown, redactText: (text: string) => string): unknown {
  if (typeof value === 'string') {
    return redactText(value);
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => redactStrings(item, redactText));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item as unknown, redactText)]));
  }
  return value;
}
