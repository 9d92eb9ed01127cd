// Whether a JSON event template needs its JSON checked once or at every event.
import { jsonc } from '../util/jsonc';
import type { TemplatePiece } from './template';

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot read: its values, as published.
const STRING_LITERAL = 10;
const NUMERIC_LITERAL = 11;
const EOF = 17;

/**
 * True when every event a template renders is valid JSON exactly when the first one is, so a send
 * of a million events parses one (JSON.parse of each cost a fifth of a 100k-event send, issue #8).
 * Only the per-event values differ between events, and each is safe where it sits:
 * - inside a JSON string: guid(), utcNow(), rand(), … never contain a quote, backslash or control character;
 * - as a whole JSON number (`"n": @{eventIndex()}`): any integer is one; the neighbours of a number in
 *   valid JSON (whitespace, `,` `]` `}`) never merge with it.
 * Anything else, such as `-@{rand(0, 5)}` (`--3` later) or `@{rand(0, 9)}5`, answers false and the
 * caller parses every event. Takes the pieces of one rendered event (CompiledTemplate.pieces(0)),
 * which must itself be valid JSON (false otherwise).
 */
export function everyEventValidIfFirstIs(pieces: readonly TemplatePiece[]): boolean {
  const spans: { start: number; end: number; varies: 'number' | 'text' }[] = [];
  let text = '';
  for (const piece of pieces) {
    if (piece.varies) {
      spans.push({ start: text.length, end: text.length + piece.text.length, varies: piece.varies });
    }
    text += piece.text;
  }
  if (!isJson(text)) {
    return false; // the reasoning below holds only around a valid document
  }
  if (spans.length === 0) {
    return true;
  }
  const scanner = jsonc().createScanner(text, true);
  let next = 0;
  for (let kind: number = scanner.scan(); kind !== EOF && next < spans.length; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    for (let span = spans[next]; span !== undefined && span.start < end; span = spans[++next]) {
      const insideString = kind === STRING_LITERAL && span.start > start && span.end < end;
      const wholeNumber = kind === NUMERIC_LITERAL && span.varies === 'number' && span.start === start && span.end === end;
      if (!insideString && !wholeNumber) {
        return false;
      }
    }
  }
  return next === spans.length;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
