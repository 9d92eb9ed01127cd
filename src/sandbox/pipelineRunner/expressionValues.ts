/**
 * The values, scope, errors and syntax tree of the pipeline expression language: the vocabulary the
 * parser, the evaluator and the function library share (expression.ts has the language's sources).
 */
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


/** Reports a user error in the expression being evaluated; never returns. */
export type Fail = (message: string) => never;

// ---------------------------------------------------------------------------------------------
// Value helpers

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

export function toJson(value: Value): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item));
}

export function typeName(value: Value): string {
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

export function isObject(value: Value): value is { readonly [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
