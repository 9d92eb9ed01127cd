/**
 * Tiny runtime checks for data that crosses a trust boundary (webview → host). Each check returns
 * the typed value or throws a `ShapeError` naming the field, so a parser reads top to bottom and
 * reports the first problem. No DOM, Node or vscode: both bundles and plain-Node tests import it.
 */
export class ShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'ShapeError';
  }
}

export type Fields = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, field: string): Fields {
  if (!isRecord(value)) {
    throw new ShapeError(field, 'must be an object.');
  }
  return value;
}

/** Refuses keys the shape does not declare: an unexpected field is a sign of a forged or stale message. */
export function onlyKeys(value: Fields, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ShapeError(`${field}.${key}`, 'is not an expected field.');
    }
  }
}

export interface StringRules {
  readonly min?: number;
  readonly max: number;
  /** Refuse CR, LF and NUL (values that become HTTP headers or log lines). */
  readonly singleLine?: boolean;
  readonly pattern?: RegExp;
}

export function string(value: unknown, field: string, rules: StringRules): string {
  if (typeof value !== 'string') {
    throw new ShapeError(field, 'must be a string.');
  }
  if (value.length < (rules.min ?? 0)) {
    throw new ShapeError(field, rules.min === 1 ? 'must not be empty.' : `must have at least ${rules.min} characters.`);
  }
  if (value.length > rules.max) {
    throw new ShapeError(field, `must have at most ${rules.max} characters.`);
  }
  if (rules.singleLine && /[\r\n\0]/.test(value)) {
    throw new ShapeError(field, 'must be a single line.');
  }
  if (rules.pattern && !rules.pattern.test(value)) {
    throw new ShapeError(field, 'has characters that are not allowed.');
  }
  return value;
}

export function optionalString(value: unknown, field: string, rules: StringRules): string | undefined {
  return value === undefined ? undefined : string(value, field, rules);
}

export function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ShapeError(field, 'must be an integer.');
  }
  if (value < min || value > max) {
    throw new ShapeError(field, `must be between ${min} and ${max}.`);
  }
  return value;
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ShapeError(field, 'must be true or false.');
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ShapeError(field, `must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

export function array(value: unknown, field: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new ShapeError(field, 'must be an array.');
  }
  if (value.length > max) {
    throw new ShapeError(field, `must have at most ${max} items.`);
  }
  return value;
}

/** UTF-8 length without Buffer (not in the browser) or TextEncoder allocations for huge strings. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes += 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3; // lone surrogate: encoded as U+FFFD
      }
    } else {
      bytes += 3;
    }
  }
  return bytes;
}
