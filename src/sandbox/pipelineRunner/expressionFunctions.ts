/**
 * The pipeline expression language's function library: each function the docs' reference defines
 * that the sandbox runner supports (string, collection, logical, conversion, math, date), with its
 * arity and argument checks, and the call that looks one up.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ExpressionError, isObject, toJson, toText, typeName, type ExpressionScope, type Fail, type Value } from './expressionValues';

export function callFunction(rawName: string, args: readonly Value[], scope: ExpressionScope, fail: Fail): Value {
  // Function names are matched without regard to case (undocumented; the docs spell them in camelCase).
  const name = rawName.toLowerCase();
  const fn = FUNCTIONS[name];
  if (!fn) {
    return fail(`the template function '${rawName}' is not defined or not valid.`);
  }
  const [min, max] = fn.arity;
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    return fail(`the template language function '${rawName}' expects ${expected} parameter(s) but got ${args.length}.`);
  }
  return fn.run(args, scope, fail, rawName);
}

interface Fn {
  readonly arity: readonly [number, number];
  run(args: readonly Value[], scope: ExpressionScope, fail: Fail, name: string): Value;
}

function stringArg(value: Value | undefined, fail: Fail, name: string, position: number): string {
  if (typeof value !== 'string') {
    return fail(`the template language function '${name}' expects its parameter ${position} to be a string. The provided value is of type '${typeName(value ?? null)}'.`);
  }
  return value;
}

function integerArg(value: Value | undefined, fail: Fail, name: string, position: number): number {
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return fail(`the template language function '${name}' expects its parameter ${position} to be an integer. The provided value is of type '${typeName(value ?? null)}'.`);
  }
  return value;
}

function numberArg(value: Value | undefined, fail: Fail, name: string, position: number): number {
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (typeof value !== 'number') {
    return fail(`the template language function '${name}' expects its parameter ${position} to be a number. The provided value is of type '${typeName(value ?? null)}'.`);
  }
  return value;
}

function timestampArg(value: Value | undefined, fail: Fail, name: string, position: number): Date {
  const text = stringArg(value, fail, name, position);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    return fail(`the template language function '${name}' expects its parameter ${position} to be a timestamp; '${text}' is not one.`);
  }
  return date;
}

/** RFC 3986: everything but unreserved characters escaped, as .NET's Uri.EscapeDataString does (the function's documented purpose). */
function escapeDataString(text: string, fail: Fail, name: string): string {
  try {
    return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return fail(`the template language function '${name}' got a string with an unpaired surrogate.`);
  }
}

/** `utcNow()`'s default form: ISO 8601 with seven fractional digits (the docs' "2018-04-15T13:00:00.0000000Z"). */
export function roundTripTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A .NET-style format string, the subset pipelines use; other formats are refused (not guessed). */
function formatDate(date: Date, format: string | undefined, fail: Fail, name: string): string {
  if (format === undefined || format === 'o' || format === 'O') {
    return roundTripTimestamp(date);
  }
  if (format === 's') {
    return date.toISOString().slice(0, 19);
  }
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const tokens: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()),
    MM: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    fff: pad(date.getUTCMilliseconds(), 3),
  };
  let out = '';
  let rest = format;
  while (rest) {
    const token = Object.keys(tokens).find((candidate) => rest.startsWith(candidate));
    if (token) {
      out += tokens[token];
      rest = rest.slice(token.length);
    } else if (/^[-:T. /Z]/.test(rest)) {
      out += rest[0];
      rest = rest.slice(1);
    } else {
      return fail(`the sandbox's '${name}' does not know the format '${format}' (it knows o, s and yyyy MM dd HH mm ss fff).`);
    }
  }
  return out;
}

/** .NET ticks: 100 ns intervals since 0001-01-01. */
function ticksOf(date: Date): bigint {
  return BigInt(date.getTime()) * 10_000n + 621_355_968_000_000_000n;
}

function guidIn(format: string | undefined, fail: Fail): string {
  const id = randomUUID();
  switch ((format ?? 'D').toUpperCase()) {
    case 'D':
      return id;
    case 'N':
      return id.replace(/-/g, '');
    case 'B':
      return `{${id}}`;
    case 'P':
      return `(${id})`;
    default:
      return fail(`guid() takes the format N, D, B or P, not '${format ?? ''}'.`);
  }
}

function equalValues(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') && Number(a) === Number(b);
  }
  if (typeof a === 'string' && typeof b === 'string') {
    // equals() on strings ignores case (the docs' example: equals('abc', 'ABC')... is undocumented; we compare exactly).
    return a === b;
  }
  return toJson(a) === toJson(b);
}

function isEmpty(value: Value): boolean {
  if (value === null || value === '') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  return isObject(value) && Object.keys(value).length === 0;
}

function asBoolean(value: Value, fail: Fail, name: string): boolean {
  if (typeof value !== 'boolean') {
    return fail(`the template language function '${name}' expects boolean parameters. The provided value is of type '${typeName(value)}'.`);
  }
  return value;
}

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  // System functions
  pipeline: { arity: [0, 0], run: (_args, scope) => scope.pipeline() },
  activity: { arity: [1, 1], run: (args, scope, fail, name) => scope.activity(stringArg(args[0], fail, name, 1)) },
  // String functions
  concat: { arity: [1, Infinity], run: (args) => args.map(toText).join('') },
  tolower: { arity: [1, 1], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).toLowerCase() },
  toupper: { arity: [1, 1], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).toUpperCase() },
  trim: { arity: [1, 1], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).trim() },
  replace: {
    arity: [3, 3],
    run: (args, _s, fail, name) => {
      const old = stringArg(args[1], fail, name, 2);
      return old === '' ? fail(`the template language function '${name}' cannot replace an empty string.`) : stringArg(args[0], fail, name, 1).split(old).join(stringArg(args[2], fail, name, 3));
    },
  },
  substring: {
    arity: [2, 3],
    run: (args, _s, fail, name) => {
      const text = stringArg(args[0], fail, name, 1);
      const start = integerArg(args[1], fail, name, 2);
      const length = args[2] === undefined ? text.length - start : integerArg(args[2], fail, name, 3);
      if (start < 0 || length < 0 || start + length > text.length) {
        return fail(`the template language function '${name}' parameters are out of range: start ${start} and length ${length} on a string of length ${text.length}.`);
      }
      return text.slice(start, start + length);
    },
  },
  indexof: { arity: [2, 2], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).toLowerCase().indexOf(stringArg(args[1], fail, name, 2).toLowerCase()) },
  startswith: { arity: [2, 2], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).toLowerCase().startsWith(stringArg(args[1], fail, name, 2).toLowerCase()) },
  endswith: { arity: [2, 2], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).toLowerCase().endsWith(stringArg(args[1], fail, name, 2).toLowerCase()) },
  split: { arity: [2, 2], run: (args, _s, fail, name) => stringArg(args[0], fail, name, 1).split(stringArg(args[1], fail, name, 2)) },
  guid: { arity: [0, 1], run: (args, _s, fail, name) => guidIn(args[0] === undefined ? undefined : stringArg(args[0], fail, name, 1), fail) },
  // Collection functions
  contains: {
    arity: [2, 2],
    run: (args, _s, fail, name) => {
      const [collection, item] = args as [Value, Value];
      if (typeof collection === 'string') {
        return collection.includes(stringArg(item, fail, name, 2));
      }
      if (Array.isArray(collection)) {
        return (collection as readonly Value[]).some((entry) => equalValues(entry, item));
      }
      if (isObject(collection)) {
        return Object.prototype.hasOwnProperty.call(collection, toText(item));
      }
      return fail(`the template language function '${name}' expects a string, an array or an object, not '${typeName(collection)}'.`);
    },
  },
  length: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      const value = args[0] ?? null;
      if (typeof value === 'string' || Array.isArray(value)) {
        return value.length;
      }
      return fail(`the template language function '${name}' expects a string or an array, not '${typeName(value)}'.`);
    },
  },
  empty: { arity: [1, 1], run: (args) => isEmpty(args[0] ?? null) },
  first: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      const value = args[0] ?? null;
      return typeof value === 'string' ? value.slice(0, 1) : Array.isArray(value) ? ((value as readonly Value[])[0] ?? null) : fail(`the template language function '${name}' expects a string or an array.`);
    },
  },
  coalesce: { arity: [1, Infinity], run: (args) => args.find((value) => value !== null) ?? null },
  // Logical functions
  equals: { arity: [2, 2], run: (args) => equalValues(args[0] ?? null, args[1] ?? null) },
  not: { arity: [1, 1], run: (args, _s, fail, name) => !asBoolean(args[0] ?? null, fail, name) },
  and: { arity: [2, Infinity], run: (args, _s, fail, name) => args.every((value) => asBoolean(value, fail, name)) },
  or: { arity: [2, Infinity], run: (args, _s, fail, name) => args.some((value) => asBoolean(value, fail, name)) },
  if: { arity: [3, 3], run: (args, _s, fail, name) => (asBoolean(args[0] ?? null, fail, name) ? (args[1] ?? null) : (args[2] ?? null)) },
  greater: { arity: [2, 2], run: (args, _s, fail, name) => numberArg(args[0], fail, name, 1) > numberArg(args[1], fail, name, 2) },
  less: { arity: [2, 2], run: (args, _s, fail, name) => numberArg(args[0], fail, name, 1) < numberArg(args[1], fail, name, 2) },
  // Conversion functions
  string: { arity: [1, 1], run: (args) => toText(args[0] ?? null) },
  int: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      const value = args[0] ?? null;
      const parsed = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : typeof value === 'number' ? Math.trunc(value) : NaN;
      return Number.isSafeInteger(parsed) ? parsed : fail(`the template language function '${name}' could not convert '${toText(value)}' to an integer.`);
    },
  },
  bool: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      const value = args[0] ?? null;
      if (typeof value === 'boolean') {
        return value;
      }
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        return value.toLowerCase() === 'true';
      }
      return typeof value === 'number' ? value !== 0 : fail(`the template language function '${name}' could not convert '${toText(value)}' to a boolean.`);
    },
  },
  json: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      const text = stringArg(args[0], fail, name, 1);
      try {
        return JSON.parse(text) as Value;
      } catch {
        return fail(`the template language function '${name}' parameter is not valid JSON.`);
      }
    },
  },
  base64: { arity: [1, 1], run: (args, _s, fail, name) => Buffer.from(stringArg(args[0], fail, name, 1), 'utf8').toString('base64') },
  base64tostring: { arity: [1, 1], run: (args, _s, fail, name) => Buffer.from(stringArg(args[0], fail, name, 1), 'base64').toString('utf8') },
  encodeuricomponent: { arity: [1, 1], run: (args, _s, fail, name) => escapeDataString(toText(args[0] ?? null), fail, name) },
  uricomponent: { arity: [1, 1], run: (args, _s, fail, name) => escapeDataString(toText(args[0] ?? null), fail, name) },
  decodeuricomponent: {
    arity: [1, 1],
    run: (args, _s, fail, name) => {
      try {
        return decodeURIComponent(stringArg(args[0], fail, name, 1));
      } catch (error) {
        if (error instanceof ExpressionError) {
          throw error;
        }
        return fail(`the template language function '${name}' got a malformed escape sequence.`);
      }
    },
  },
  // Math functions
  add: { arity: [2, 2], run: (args, _s, fail, name) => numberArg(args[0], fail, name, 1) + numberArg(args[1], fail, name, 2) },
  sub: { arity: [2, 2], run: (args, _s, fail, name) => numberArg(args[0], fail, name, 1) - numberArg(args[1], fail, name, 2) },
  mul: { arity: [2, 2], run: (args, _s, fail, name) => numberArg(args[0], fail, name, 1) * numberArg(args[1], fail, name, 2) },
  rand: {
    arity: [2, 2],
    run: (args, _s, fail, name) => {
      // "inclusive only at the starting end" (the docs' rand reference).
      const min = integerArg(args[0], fail, name, 1);
      const max = integerArg(args[1], fail, name, 2);
      if (max <= min || !Number.isSafeInteger(max - min) || max - min > 2 ** 48 - 1) {
        return fail(`the template language function '${name}' needs a maximum greater than its minimum (got ${min} and ${max}).`);
      }
      return randomInt(min, max);
    },
  },
  // Date functions
  utcnow: { arity: [0, 1], run: (args, scope, fail, name) => formatDate(scope.now?.() ?? new Date(), args[0] === undefined ? undefined : stringArg(args[0], fail, name, 1), fail, name) },
  ticks: { arity: [1, 1], run: (args, _s, fail, name) => ticksOf(timestampArg(args[0], fail, name, 1)) },
  formatdatetime: {
    arity: [1, 2],
    run: (args, _s, fail, name) => formatDate(timestampArg(args[0], fail, name, 1), args[1] === undefined ? undefined : stringArg(args[1], fail, name, 2), fail, name),
  },
  addseconds: {
    arity: [2, 3],
    run: (args, _s, fail, name) =>
      formatDate(new Date(timestampArg(args[0], fail, name, 1).getTime() + integerArg(args[1], fail, name, 2) * 1000), args[2] === undefined ? undefined : stringArg(args[2], fail, name, 3), fail, name),
  },
};
