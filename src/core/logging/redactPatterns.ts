/**
 * Secrets found by their shape, not their value: bearer tokens and compact JWS/JWE (recognised by
 * their decoded header, not by an `eyJ` prefix); `client_secret=`, `sig=`, `SharedAccessKey=`,
 * `SharedAccessSignature=` values, also when the name or the `=` is percent-encoded or JSON-escaped;
 * `"access_token"`/`"value"`-style JSON fields that carry secrets. redact.ts says where this runs.
 */

/** What a removed secret becomes. */
export const REDACTED = '[REDACTED]';

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

/** Every secret-shaped run of `text` (tokens, secret fields) replaced by REDACTED. */
export function redactPatterns(text: string): string {
  let out = redactCompactTokens(text);
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}
