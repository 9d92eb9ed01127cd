/**
 * Known secret values, removed in every encoding at once: raw, percent-encoded (once or twice,
 * either hex case, `+` for space), JSON-escaped (`\/`, `\u002B`, JSON inside JSON) or base64-encoded.
 * One RegExp per secret, compiled when it is registered, with literal anchors that skip lines
 * holding none of it.
 */
import { escapeRegExp, REDACTED } from './redactPatterns';

/** Below this many bytes a value's base64 middle is too short to be told from other base64. */
const MIN_BASE64_SECRET_BYTES = 12;

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
export interface CompiledSecret {
  readonly pattern: RegExp;
  readonly anchors: readonly string[];
}

export function compileSecret(secret: string): CompiledSecret {
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
export function redactKnown(text: string, secrets: Iterable<CompiledSecret>): string {
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

/** Compiled patterns for the secrets `redact` was last called with (callers pass the same few lists). */
const compiledCache = new Map<string, CompiledSecret>();
const COMPILED_CACHE_LIMIT = 256;

export function compiledFor(secret: string): CompiledSecret {
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
