// The event body as JSON: parsed by JSON.parse (what is sent), and when that refuses it, where and
// what was expected, read from jsonc-parser. No vscode import.
//
// jsonc-parser (Microsoft's, what VS Code's JSON support uses) replaces a hand-written scanner: it
// reports the offset and a code for every error (PropertyNameExpected, ColonExpected, …), which V8
// does not on every Node 20 release, and its message-free codes never quote the text. JSON.parse
// stays the judge of validity; jsonc-parser only explains a refusal.
import type { ParseError } from 'jsonc-parser';
import { jsonc } from '../util/jsonc';
import { clip, fail, ok, type Validated } from './validated';

/** Parses a JSON event body; on error says where (line/column), what was expected, and the usual fix. */
export function parseEventBody(text: string, field = 'body'): Validated<unknown> {
  if (!text.trim()) {
    return fail(field, 'is empty.', 'Enter a JSON value, e.g. {"deviceId":"dev-1","temperature":21.5}.');
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const found = jsonSyntaxError(text) ?? { position: positionFromMessage(error), expected: v8Reason(error) };
    const at = found.position === undefined ? undefined : lineColumn(text, found.position);
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.column}`;
    return fail(field, `is not valid JSON${where}: ${found.expected}.`, jsonHint(text, found.position));
  }
}

export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
}

/** What each jsonc-parser error code means to someone typing JSON (RFC 8259 grammar). */
// Keyed by printParseErrorCode's names: the codes are an ambient const enum, unusable with isolatedModules.
const EXPECTED: Readonly<Record<string, string>> = {
  InvalidSymbol: 'this is not a JSON value (strings take double quotes; true, false and null are lower case)',
  InvalidNumberFormat: 'the number is malformed',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected after the property name",
  CommaExpected: "',' was expected between the values",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'the JSON value ended, but more text follows',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'the string is not closed with "',
  UnexpectedEndOfNumber: 'the number ends early',
  InvalidUnicode: 'a \\u escape needs four hexadecimal digits',
  InvalidEscapeCharacter: 'the escape is not one JSON has (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
  InvalidCharacter: 'a string holds a control character (a tab or line break): write it as \\t or \\n',
};

/**
 * The first error jsonc-parser finds in strict JSON mode, at the offending character: inside a
 * string its offset is the string's start, so the escape or control character is looked up.
 */
function jsonSyntaxError(text: string): { position: number; expected: string } | undefined {
  const errors: ParseError[] = [];
  const { parse: parseJsonc, printParseErrorCode } = jsonc();
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) {
    return undefined; // JSON.parse refused what jsonc-parser took: V8's position is used instead
  }
  const code = printParseErrorCode(first.error);
  let position = first.offset;
  const token = text.slice(first.offset, first.offset + first.length);
  if (code === 'InvalidCharacter') {
    // eslint-disable-next-line no-control-regex -- the control characters JSON strings may not hold
    const inside = /[\u0000-\u001f]/.exec(token);
    position += inside?.index ?? 0;
  } else if (code === 'InvalidEscapeCharacter' || code === 'InvalidUnicode') {
    const inside = /\\(?:u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])/.exec(token);
    position += inside?.index ?? 0;
  }
  let expected = EXPECTED[code] ?? 'syntax error';
  if (code === 'InvalidSymbol' && token.trim()) {
    expected = `${JSON.stringify(clip(token.trim(), 20))}: ${expected}`;
  }
  return { position, expected };
}

function positionFromMessage(error: unknown): number | undefined {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

/** V8's reason without its excerpt of the text. */
function v8Reason(error: unknown): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
  return message.replace(/,?\s*"[\s\S]*"\s*is not valid JSON$/, '').trim() || 'parse error';
}


function jsonHint(text: string, position: number | undefined): string {
  const at = position === undefined ? '' : text.slice(position, position + 1);
  const before = position === undefined ? '' : text.slice(0, position).trimEnd();
  if (at === "'" || /'[^']*'\s*:/.test(text)) {
    return 'Use double quotes for strings and property names.';
  }
  if ((at === '}' || at === ']') && before.endsWith(',')) {
    return 'Remove the trailing comma before the closing bracket.';
  }
  if (at === '/' || /^\s*\/\//m.test(text)) {
    return 'Remove comments: JSON has none.';
  }
  if (/^[A-Za-z_$]/.test(at)) {
    return 'Quote property names and string values with double quotes; true, false and null are lower case.';
  }
  if (position !== undefined && position >= text.length) {
    return 'The text ends early: close every { [ and " you opened.';
  }
  return 'Fix the JSON at that position, or switch the body type to text to send it as-is.';
}
