/**
 * The Data Factory / Fabric pipeline expression language, as far as the sandbox runner needs it:
 * a tokenizer, a recursive-descent parser and an evaluator (no regex substitution).
 *
 * Source: "Expressions and functions in Azure Data Factory and Azure Synapse Analytics"
 * (learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions) and its Fabric
 * twin (learn.microsoft.com/fabric/data-factory/expression-language):
 * - a JSON string value that starts with `@` is an expression, and its value keeps its type;
 * - `@@` at the start is a literal `@`; `@@{` is a literal `@{` (the docs' "Answer is: @@{…}" row);
 * - `@{ … }` anywhere is string interpolation and the result is always a string;
 * - an `@` elsewhere is literal text;
 * - string literals are single-quoted, a quote inside doubled (`'it''s'`);
 * - property access with `.name` or `['name']`, null-safe with `?.` / `?[`;
 * - functions: the docs' function reference (string, collection, logical, conversion, math, date).
 *
 * Where the docs are silent the choice is said in a comment ("undocumented").
 */
import { randomInt, randomUUID } from 'node:crypto';

/** A value an expression produces: JSON, plus bigint for ticks() (past 2^53). */
export type Value = string | number | bigint | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** What an expression can see of the run. */
export interface ExpressionScope {
  /** `pipeline()`: the system variables and `parameters`. */
  pipeline(): { readonly [key: string]: Value };
  /** `activity('name')`: throws ExpressionError when the activity cannot be referenced here. */
  activity(name: string): Value;
  now?(): Date;
}

/** A user error in an expression: it names the expression, as the service's InvalidTemplate errors do. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** The expression text (without `@` / `@{}`), or the whole string when it did not parse. */
    readonly expression: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'member'; readonly target: Node; readonly key: Node; readonly optional: boolean };

/** A JSON string of a definition, read as the service reads it. */
export type Template =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'expression'; readonly source: string; readonly node: Node }
  | { readonly kind: 'interpolation'; readonly parts: readonly ({ readonly text: string } | { readonly source: string; readonly node: Node })[] };

/** Nesting deeper than this is refused rather than risking the stack (the docs set no limit: undocumented). */
const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Template (the string around the expressions)

export function parseTemplate(text: string): Template {
  if (text.startsWith('@@')) {
    // A literal leading @; what follows is read as ordinary text (its `@{` interpolate, `@@{` is literal).
    const rest = parseInterpolation(text.slice(2));
    return prefixLiteral('@', rest);
  }
  if (text.startsWith('@') && !text.startsWith('@{')) {
    const source = text.slice(1);
    return { kind: 'expression', source, node: parseExpression(source) };
  }
  return parseInterpolation(text);
}

function prefixLiteral(prefix: string, template: Template): Template {
  if (template.kind === 'literal') {
    return { kind: 'literal', text: prefix + template.text };
  }
  if (template.kind === 'interpolation') {
    return { kind: 'interpolation', parts: [{ text: prefix }, ...template.parts] };
  }
  return template;
}

function parseInterpolation(text: string): Template {
  const parts: ({ text: string } | { source: string; node: Node })[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('@@{', index)) {
      literal += '@{';
      index += 3;
      continue;
    }
    if (text.startsWith('@{', index)) {
      const end = closingBrace(text, index + 2);
      if (end < 0) {
        throw new ExpressionError(`The string '${text}' has an '@{' without its closing '}'.`, text);
      }
      const source = text.slice(index + 2, end);
      if (literal) {
        parts.push({ text: literal });
        literal = '';
      }
      parts.push({ source, node: parseExpression(source) });
      index = end + 1;
      continue;
    }
    literal += text[index];
    index++;
  }
  if (parts.length === 0) {
    return { kind: 'literal', text: literal };
  }
  if (literal) {
    parts.push({ text: literal });
  }
  return { kind: 'interpolation', parts };
}

/** The `}` that closes an interpolation, skipping braces inside string literals. */
function closingBrace(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "'") {
        if (text[i + 1] === "'") {
          i++;
        } else {
          inString = false;
        }
      }
    } else if (char === "'") {
      inString = true;
    } else if (char === '}') {
      return i;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { readonly type: 'identifier'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly text: string; readonly at: number }
  | { readonly type: 'number'; readonly value: number; readonly at: number }
  | { readonly type: 'punct'; readonly text: '(' | ')' | ',' | '.' | '[' | ']' | '?.' | '?['; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) {
          throw new ExpressionError(`The expression '${source}' has a string literal without its closing quote.`, source);
        }
        if (source[j] === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += source[j];
        j++;
      }
      tokens.push({ type: 'string', text: value, at: i });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number && (char !== '-' || /\d/.test(source[i + 1] ?? ''))) {
      tokens.push({ type: 'number', value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i));
    if (identifier) {
      tokens.push({ type: 'identifier', text: identifier[0], at: i });
      i += identifier[0].length;
      continue;
    }
    if (char === '?' && (source[i + 1] === '.' || source[i + 1] === '[')) {
      tokens.push({ type: 'punct', text: source[i + 1] === '.' ? '?.' : '?[', at: i });
      i += 2;
      continue;
    }
    if ('(),.[]'.includes(char)) {
      tokens.push({ type: 'punct', text: char as '(' | ')' | ',' | '.' | '[' | ']', at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`The expression '${source}' is not valid: unexpected '${char}' at position ${i + 1}.`, source);
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser: expression := primary postfix* ; primary := literal | name '(' args ')' ; postfix := ('.' | '?.') name | ('[' | '?[') expression ']'

export function parseExpression(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token => tokens[position] ?? { type: 'end', at: source.length };
  const fail = (what: string): never => {
    throw new ExpressionError(`The expression '${source}' is not valid: ${what}.`, source);
  };
  const expect = (text: string): void => {
    const token = peek();
    if (token.type !== 'punct' || token.text !== text) {
      fail(`expected '${text}' at position ${token.at + 1}`);
    }
    position++;
  };

  function expression(depth: number): Node {
    if (depth > MAX_DEPTH) {
      fail(`it nests more than ${MAX_DEPTH} levels deep`);
    }
    let node = primary(depth);
    for (;;) {
      const token = peek();
      if (token.type !== 'punct') {
        return node;
      }
      if (token.text === '.' || token.text === '?.') {
        position++;
        const name = peek();
        if (name.type !== 'identifier') {
          return fail(`expected a property name at position ${name.at + 1}`);
        }
        position++;
        node = { kind: 'member', target: node, key: { kind: 'string', value: name.text }, optional: token.text === '?.' };
      } else if (token.text === '[' || token.text === '?[') {
        position++;
        const key = expression(depth + 1);
        expect(']');
        node = { kind: 'member', target: node, key, optional: token.text === '?[' };
      } else {
        return node;
      }
    }
  }

  function primary(depth: number): Node {
    const token = peek();
    position++;
    switch (token.type) {
      case 'string':
        return { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: token.value };
      case 'identifier': {
        const next = peek();
        if (next.type === 'punct' && next.text === '(') {
          position++;
          const args: Node[] = [];
          const close = peek();
          if (close.type === 'punct' && close.text === ')') {
            position++;
          } else {
            for (;;) {
              args.push(expression(depth + 1));
              const separator = peek();
              if (separator.type === 'punct' && separator.text === ',') {
                position++;
                continue;
              }
              expect(')');
              break;
            }
          }
          return { kind: 'call', name: token.text, args };
        }
        // Bare true / false / null are accepted as the literals (the docs' examples use true and false).
        const lower = token.text.toLowerCase();
        if (lower === 'true' || lower === 'false') {
          return { kind: 'boolean', value: lower === 'true' };
        }
        if (lower === 'null') {
          return { kind: 'null' };
        }
        return fail(`'${token.text}' is neither a function call nor a literal (a function needs parentheses)`);
      }
      case 'end':
        return fail('it is empty or ends too early');
      case 'punct':
        return fail(`unexpected '${token.text}' at position ${token.at + 1}`);
    }
  }

  const node = expression(0);
  const rest = peek();
  if (rest.type !== 'end') {
    fail(`unexpected text at position ${rest.at + 1}`);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Evaluates one JSON string of a definition: a literal, an expression (any type) or an interpolation (a string). */
export function evaluateString(text: string, scope: ExpressionScope): Value {
  const template = parseTemplate(text);
  switch (template.kind) {
    case 'literal':
      return template.text;
    case 'expression':
      return evaluateNode(template.node, scope, template.source);
    case 'interpolation':
      return template.parts.map((part) => ('text' in part ? part.text : toText(evaluateNode(part.node, scope, part.source)))).join('');
  }
}

/** Every string in a JSON value (objects, arrays) evaluated; other values as they are. */
export function evaluateValue(value: unknown, scope: ExpressionScope): Value {
  if (typeof value === 'string') {
    return evaluateString(value, scope);
  }
  if (Array.isArray(value)) {
    return value.map((item) => evaluateValue(item, scope));
  }
  if (typeof value === 'object' && value !== null) {
    // `{ "value": "@…", "type": "Expression" }`: the wrapped form the service also writes (Pipelines_Create example).
    const wrapped = value as Record<string, unknown>;
    if (wrapped['type'] === 'Expression' && typeof wrapped['value'] === 'string' && Object.keys(wrapped).length === 2) {
      return evaluateString(wrapped['value'], scope);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluateValue(item, scope)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return value;
  }
  return null;
}

/** The text form of a value in an interpolation or concat (undocumented beyond strings and numbers: booleans as .NET prints them, objects as JSON). */
export function toText(value: Value): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  return toJson(value);
}

function toJson(value: Value): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item));
}

function typeName(value: Value): string {
  if (value === null) {
    return 'Null';
  }
  if (Array.isArray(value)) {
    return 'Array';
  }
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Float';
    case 'bigint':
      return 'Integer';
    case 'boolean':
      return 'Boolean';
    default:
      return 'Object';
  }
}

function isObject(value: Value): value is { readonly [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function evaluateNode(node: Node, scope: ExpressionScope, source: string): Value {
  const fail = (message: string): never => {
    throw new ExpressionError(`The expression '${source}' cannot be evaluated because ${message}`, source);
  };
  const visit = (current: Node): Value => {
    switch (current.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return current.value;
      case 'null':
        return null;
      case 'member': {
        const target = visit(current.target);
        const key = visit(current.key);
        if (target === null || target === undefined) {
          if (current.optional) {
            return null;
          }
          return fail(`property '${toText(key)}' cannot be selected. Property selection is not supported on values of type 'Null'.`);
        }
        if (Array.isArray(target)) {
          if (typeof key !== 'number' || !Number.isInteger(key)) {
            return fail(`array index '${toText(key)}' is not an integer.`);
          }
          const item = (target as readonly Value[])[key];
          if (item === undefined) {
            return current.optional ? null : fail(`array index '${key}' is outside bounds (0, ${target.length - 1}) of array.`);
          }
          return item;
        }
        if (!isObject(target)) {
          return fail(`property '${toText(key)}' cannot be selected. Property selection is not supported on values of type '${typeName(target)}'.`);
        }
        const name = toText(key);
        if (Object.prototype.hasOwnProperty.call(target, name)) {
          return target[name] ?? null;
        }
        // Property names match without regard to case (undocumented; JSON.NET's lookup, which the service's messages suggest).
        const folded = Object.keys(target).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
        if (folded !== undefined) {
          return target[folded] ?? null;
        }
        if (current.optional) {
          return null;
        }
        return fail(`property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'.`);
      }
      case 'call':
        return call(current.name, current.args.map(visit), scope, fail);
    }
  };
  return visit(node);
}

type Fail = (message: string) => never;

function call(rawName: string, args: readonly Value[], scope: ExpressionScope, fail: Fail): Value {
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

/** Every activity name an expression tree references with `activity('…')` (literal names only). */
export function referencedActivities(node: Node): string[] {
  const found: string[] = [];
  const visit = (current: Node): void => {
    if (current.kind === 'call') {
      const first = current.args[0];
      if (current.name.toLowerCase() === 'activity' && first?.kind === 'string') {
        found.push(first.value);
      }
      current.args.forEach(visit);
    } else if (current.kind === 'member') {
      visit(current.target);
      visit(current.key);
    }
  };
  visit(node);
  return found;
}
