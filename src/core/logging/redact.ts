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
 */
export const REDACTED = '[REDACTED]';

/** Where code that creates a secret (a SAS token it signs) registers it; a `Redactor` is one. */
export interface SecretSink {
  /** `expiresAt` (epoch ms): a credential worthless after then (a SAS token past its `se`). */
  add(secret: string | undefined, expiresAt?: number): void;
}

/** Values shorter than this are not redacted by value: "1" or "a" would shred every message. */
const MIN_SECRET_LENGTH = 4;
/** Below this many bytes a value's base64 middle is too short to be told from other base64. */
const MIN_BASE64_SECRET_BYTES = 12;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------
// Field patterns. Names and separators also match percent-encoded (once or twice) and \u-escaped:
// a token inside a URL-encoded redirect or a .NET JSON string (`\u0026sig=`) is still a token.

/** `ch` raw, as %XX or %25XX, or as \u00XX (patterns are case-insensitive, so hex case does not matter). */
function anyEncodingOf(ch: string): string {
  const hex = ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  return String.raw`(?:${escapeRegExp(ch)}|%(?:25)?${hex}|\\u00${hex})`;
}

/** A field name whose punctuation (`client_secret`'s `_`) may be encoded. */
const fieldNames = (...names: string[]): string => `(?:${names.map((n) => n.replace(/[^A-Za-z0-9]/g, anyEncodingOf)).join('|')})`;

/**
 * `names` where a name starts a word, or follows a percent-escape or \u escape (`%26sig`, `%3Fsig`,
 * `\u0026sig`). The boundary is a lookbehind *after* the name: in front, it would stop V8 from
 * scanning for the name's first letters and cost ~20× on long lines.
 */
const atFieldStart = (names: string): string => String.raw`${names}(?<=(?:^|[^A-Za-z0-9_]|%[0-9A-F]{2}|%25[0-9A-F]{2}|\\u[0-9A-F]{4})${names})`;
const ENCODED_EQUALS = String.raw`(?:%(?:25)?3D|\\u003D)`;
const ENCODED_SPACE = String.raw`(?:\+|%(?:25)?20|\\u0020)`;
// A JSON-escaped quote or separator ends a value: `…sig=abc\u0026se=1`, `"…sig=abc\"…"`.
const JSON_STOP = String.raw`\\(?:"|u00(?:2[267]|3[BC]))`;
/** A value after a raw `=`: its own %XX are part of it (a form-encoded password may hold %26). */
const rawValue = (stops: string): string => `(?:(?!${JSON_STOP})[^${stops}])+`;
/**
 * A value after an encoded `=`: the encoded separators (%26 &, %3B ;, %20, quotes, <) end it. A whole
 * SAS token keeps its own (encoded) `&`s, so it passes `encodedStops` without 26.
 */
const encodedValue = (stops: string, encodedStops = '2[0267]|3[BC]'): string => `(?:(?!${JSON_STOP}|%(?:25)?(?:${encodedStops}))[^${stops}])+`;

const SECRET_FIELDS = fieldNames('client_secret', 'client_assertion', 'access_token', 'refresh_token', 'id_token', 'sig', 'password');
const JSON_SECRET_FIELDS = fieldNames(
  'access_token',
  'accessToken',
  'refresh_token',
  'id_token',
  'client_secret',
  'clientSecret',
  'value',
  'key',
  'sharedAccessKey',
  'primaryKey',
  'secondaryKey',
  'primaryConnectionString',
  'secondaryConnectionString',
  'connectionString',
  'token',
);

const PATTERNS: readonly [RegExp, string][] = [
  // JWT-shaped text that no longer decodes (cut short in a log): header always starts with eyJ.
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // A bearer token, not prose ("missing a Bearer or PoP token") nor a challenge ("Bearer authorization=\"…\"").
  [/\b(Bearer)\s+(?![A-Za-z_]+=")[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Connection-string field first (its value is itself "SharedAccessSignature sr=…").
  [
    new RegExp(
      `(${atFieldStart('SharedAccessSignature')})(?:(=)(?:SharedAccessSignature\\s+)?[^;\\s"'<]+|(${ENCODED_EQUALS})(?:SharedAccessSignature${ENCODED_SPACE})?${encodedValue(`;&\\s"'<`, '2[027]|3[BC]')})`,
      'gi',
    ),
    `$1$2$3${REDACTED}`,
  ],
  // A SAS token (it carries sr=/sig=/se=/skn=), not the word in a sentence; the space may be encoded.
  [
    new RegExp(
      `(${atFieldStart('SharedAccessSignature')})(?:(\\s+)(?=[^\\s"'<;]*\\b(?:sr|sig|se|skn)=)[^\\s"'<;]+|(${ENCODED_SPACE})(?=[^\\s"'<;&]*?(?:sr|sig|se|skn)(?:=|${ENCODED_EQUALS}))${encodedValue(`;&\\s"'<`, '2[027]|3[BC]')})`,
      'gi',
    ),
    `$1$2$3${REDACTED}`,
  ],
  // Also quoted or spaced forms (`SharedAccessKey = "…"`), and storage-style AccountKey.
  [
    new RegExp(`(${atFieldStart('(?:SharedAccessKey|AccountKey)')})(?:(\\s*=\\s*)("?)[^;\\s"'<]+\\3|(${ENCODED_EQUALS})${encodedValue(`;&\\s"'<`)})`, 'gi'),
    `$1$2$3$4${REDACTED}$3`,
  ],
  [new RegExp(`(${atFieldStart(SECRET_FIELDS)})(?:(=)${rawValue(`&\\s"'<`)}|(${ENCODED_EQUALS})${encodedValue(`&\\s"'<`)})`, 'gi'), `$1$2$3${REDACTED}`],
  // OAuth authorization codes; numeric codes (error?code=7000215, docs links) are not secrets.
  [
    new RegExp(`(${atFieldStart('code')})(?:(=)(?!\\d+(?:[&\\s"'<\\\\]|$))${rawValue(`&\\s"'<`)}|(${ENCODED_EQUALS})(?!\\d+(?:[%&\\s"'<\\\\]|$))${encodedValue(`&\\s"'<`)})`, 'gi'),
    `$1$2$3${REDACTED}`,
  ],
  [new RegExp(`("${JSON_SECRET_FIELDS}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  [/\b(Authorization:\s*)[^\r\n]+/gi, `$1${REDACTED}`],
  // Object dumps (util.inspect, YAML-ish logs): client_secret: '…', password: "…".
  [new RegExp(`(['"]?\\b${fieldNames('client_secret', 'clientSecret', 'password', 'authorization')}['"]?\\s*:\\s*)(['"])(?:(?!\\2)[^\\\\]|\\\\.)*\\2`, 'gi'), `$1$2${REDACTED}$2`],
];

// ---------------------------------------------------------------------------------------------
// Compact JWS (header.payload.signature) and JWE (five parts), recognised by structure.

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The JSON object a base64url segment decodes to, if it is one. */
function decodedJsonObject(segment: string): Record<string, unknown> | undefined {
  // The first byte from the first two characters: `{` or the whitespace a serializer may put before
  // it, else no JSON object. Hostnames and file names stop here, before any decoding.
  const first = (BASE64URL.indexOf(segment.charAt(0)) << 2) | (BASE64URL.indexOf(segment.charAt(1)) >> 4);
  if (segment.length < 3 || (first !== 0x7b && first !== 0x20 && first !== 0x09 && first !== 0x0a && first !== 0x0d)) {
    return undefined;
  }
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  if (!/^\s*\{/.test(text)) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a compact token may start: at a word's start (after a `.` too: `x.header.payload.sig`), the
 * two base64url characters that `{`, or the space, tab or line break a serializer may put before it,
 * encode to; then `.payload.signature`. Hostnames and file names mostly fail at the first letters.
 */
const COMPACT_TOKEN = /(?:e[w-z0-9_-]|I[A-P]|C[Q-Za-v]|D[Q-Za-f])(?<=(?:^|[^\w-])..)[\w-]*\.[\w-]+\.[\w-]*/g;
const MORE_SEGMENTS = /^(?:\.[\w-]*){2}/;

/**
 * Compact JWS (header.payload.signature) and JWE (five parts), recognised by structure: a header
 * that decodes to a JSON object, whatever its first bytes or key order, then a payload that does too
 * (or any payload, when the header names an `alg`). Not by an `eyJ` prefix.
 */
function redactCompactTokens(text: string): string {
  let out = '';
  let at = 0;
  COMPACT_TOKEN.lastIndex = 0;
  for (let m = COMPACT_TOKEN.exec(text); m; m = COMPACT_TOKEN.exec(text)) {
    const [headerPart = '', payloadPart = ''] = m[0].split('.');
    const header = decodedJsonObject(headerPart);
    if (!header || (typeof header.alg !== 'string' && !decodedJsonObject(payloadPart))) {
      // Not a token here; one may still start inside this match (its payload part, say).
      COMPACT_TOKEN.lastIndex = m.index + 1;
      continue;
    }
    let end = m.index + m[0].length;
    if (typeof header.enc === 'string') {
      // JWE: header.encrypted_key.iv.ciphertext.tag.
      end += MORE_SEGMENTS.exec(text.slice(end))?.[0].length ?? 0;
    }
    out += text.slice(at, m.index) + REDACTED;
    at = end;
    COMPACT_TOKEN.lastIndex = end;
  }
  return at === 0 ? text : out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Known values, in every encoding at once. One RegExp per secret, built when it is registered.

const HEX_DIGIT = /[A-F]/g;
/** `code` as `width` hex digits, either case. */
const hexOf = (code: number, width: number): string =>
  code
    .toString(16)
    .toUpperCase()
    .padStart(width, '0')
    .replace(HEX_DIGIT, (d) => `[${d}${d.toLowerCase()}]`);

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A pattern for `secret` with each punctuation character in any of the forms encoders write, in
 * any mix: raw; %XX of its UTF-8 bytes, once or twice encoded, either hex case (encodeURIComponent,
 * form encoding, RFC 3986 strict); `+` for a space; JSON `\uXXXX` (either case) or `\/`, `\"`…
 * Letters and digits stay literal: no encoder rewrites them, and a literal start keeps the scan fast.
 */
function anyEncodingPattern(secret: string): string {
  let out = '';
  for (const ch of secret) {
    if (/^[A-Za-z0-9]$/.test(ch)) {
      out += ch;
      continue;
    }
    const percent = [...Buffer.from(ch, 'utf8')].map((byte) => `%(?:25)?${hexOf(byte, 2)}`).join('');
    const unicode = Array.from({ length: ch.length }, (_, i) => `\\\\u${hexOf(ch.charCodeAt(i), 4)}`).join('');
    const forms = [escapeRegExp(ch), percent, unicode];
    const short = JSON_SHORT_ESCAPES[ch];
    if (short) {
      forms.push(escapeRegExp(short));
    }
    if (ch === ' ') {
      forms.push('\\+');
    }
    out += `(?:${forms.join('|')})`;
  }
  return out;
}

/**
 * The base64 and base64url text that only the secret's bytes decide, at each of the three byte
 * offsets it can start at (`Basic base64(id:secret)`, an encoded body that contains it).
 */
function base64Middles(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_BASE64_SECRET_BYTES) {
    return [];
  }
  const middles = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const middle = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    middles.add(middle);
    middles.add(middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...middles];
}

/**
 * One secret, compiled once: a pattern for all its forms, and the literal texts one of which every
 * match contains (its longest run of letters and digits, which no encoding rewrites, and its base64
 * middles). `indexOf` on those is much cheaper than the pattern on a line that holds none.
 */
interface CompiledSecret {
  readonly pattern: RegExp;
  readonly anchors: readonly string[];
}

function compileSecret(secret: string): CompiledSecret {
  const jsonOnce = JSON.stringify(secret).slice(1, -1);
  const jsonTwice = JSON.stringify(jsonOnce).slice(1, -1);
  const middles = base64Middles(secret);
  const forms = [anyEncodingPattern(secret), ...(jsonTwice !== jsonOnce ? [escapeRegExp(jsonTwice)] : []), ...middles.map(escapeRegExp)];
  const longestRun = (secret.match(/[A-Za-z0-9]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');
  // No letters or digits: nothing to look for first, the pattern runs on every line.
  const anchors = longestRun ? [longestRun, ...middles] : [];
  return { pattern: new RegExp(forms.join('|'), 'g'), anchors };
}

/** Every match of every secret replaced by one REDACTED per run of overlapping matches. */
function redactKnown(text: string, secrets: Iterable<CompiledSecret>): string {
  const spans: [number, number][] = [];
  for (const { pattern, anchors } of secrets) {
    if (anchors.length > 0 && !anchors.some((anchor) => text.includes(anchor))) {
      continue;
    }
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      spans.push([m.index, m.index + m[0].length]);
    }
  }
  if (spans.length === 0) {
    return text;
  }
  // A union, not one secret after another: two secrets that overlap are removed whole.
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length; ) {
    const [start] = spans[i] as [number, number];
    let end = (spans[i] as [number, number])[1];
    for (i++; i < spans.length && (spans[i] as [number, number])[0] < end; i++) {
      end = Math.max(end, (spans[i] as [number, number])[1]);
    }
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}

function redactPatterns(text: string): string {
  let out = redactCompactTokens(text);
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** Compiled patterns for the secrets `redact` was last called with (callers pass the same few lists). */
const compiledCache = new Map<string, CompiledSecret>();
const COMPILED_CACHE_LIMIT = 256;

function compiledFor(secret: string): CompiledSecret {
  let compiled = compiledCache.get(secret);
  if (!compiled) {
    if (compiledCache.size >= COMPILED_CACHE_LIMIT) {
      compiledCache.clear();
    }
    compiled = compileSecret(secret);
    compiledCache.set(secret, compiled);
  }
  return compiled;
}

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
