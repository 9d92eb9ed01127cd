/**
 * The one place secrets are removed from text. Every log line, error message and CLI/JSON output
 * passes through `redact`, which removes:
 * - the secret values known to the run (client secret, client id read from Key Vault, SAS keys…),
 * - bearer tokens and anything shaped like a JWT,
 * - `client_secret=`, `sig=`, `SharedAccessKey=`, `SharedAccessSignature=` values,
 * - `"access_token"`/`"value"`-style JSON fields that carry secrets.
 */
export const REDACTED = '[REDACTED]';

const PATTERNS: readonly [RegExp, string][] = [
  // JWTs (three base64url parts; header always starts with eyJ).
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // A bearer token, not prose ("missing a Bearer or PoP token") nor a challenge ("Bearer authorization=\"…\"").
  [/\b(Bearer)\s+(?![A-Za-z_]+=")[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Connection-string field first (its value is itself "SharedAccessSignature sr=…").
  [/\b(SharedAccessSignature=)(?:SharedAccessSignature\s+)?[^;\s"'<]+/gi, `$1${REDACTED}`],
  // A SAS token (it carries sr=/sig=/se=/skn=), not the word in a sentence.
  [/\b(SharedAccessSignature)\s+(?=[^\s"'<;]*\b(?:sr|sig|se|skn)=)[^\s"'<;]+/gi, `$1 ${REDACTED}`],
  // Also quoted or spaced forms (`SharedAccessKey = "…"`), and storage-style AccountKey.
  [/\b(SharedAccessKey|AccountKey)(\s*=\s*)("?)[^;\s"'<]+\3/gi, `$1$2$3${REDACTED}$3`],
  [/\b(client_secret|client_assertion|access_token|refresh_token|id_token|sig|password)=[^&\s"'<]+/gi, `$1=${REDACTED}`],
  // OAuth authorization codes; numeric codes (error?code=7000215, docs links) are not secrets.
  [/\b(code)=(?!\d+(?:[&\s"'<]|$))[^&\s"'<]+/gi, `$1=${REDACTED}`],
  [
    /("(?:access_token|accessToken|refresh_token|id_token|client_secret|clientSecret|value|key|sharedAccessKey|primaryKey|secondaryKey|primaryConnectionString|secondaryConnectionString|connectionString|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  [/\b(Authorization:\s*)[^\r\n]+/gi, `$1${REDACTED}`],
  // Object dumps (util.inspect, YAML-ish logs): client_secret: '…', password: "…".
  [/(['"]?\b(?:client_secret|clientSecret|password|authorization)['"]?\s*:\s*)(['"])(?:(?!\2)[^\\]|\\.)*\2/gi, `$1$2${REDACTED}$2`],
];

/** Values shorter than this are not redacted by value: "1" or "a" would shred every message. */
const MIN_SECRET_LENGTH = 4;

export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  const secrets = [...new Set(knownSecrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    for (const form of encodedForms(secret)) {
      out = out.split(form).join(REDACTED);
    }
  }
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/**
 * The ways a secret appears on the wire: verbatim, URI-encoded, JSON-escaped, and form-encoded
 * (URLSearchParams encodes `~`, common in Entra client secrets, which encodeURIComponent keeps).
 */
function encodedForms(secret: string): Set<string> {
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  // Some stacks (.NET) percent-encode in lowercase: %2b rather than %2B.
  const lower = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return new Set([secret, uri, lower(uri), form, lower(form), JSON.stringify(secret).slice(1, -1)]);
}

/** Holds the secret values known to a run (or a session) and redacts with them. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const s of initial) {
      this.add(s);
    }
  }

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) {
      this.secrets.add(secret);
    }
  }

  /** A new redactor that knows this one's secrets plus more (a run inside a session). */
  extend(more: Iterable<string | undefined> = []): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
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
