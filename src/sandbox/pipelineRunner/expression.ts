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
import { parseTemplate } from './expressionParser';
import { callFunction } from './expressionFunctions';
import { ExpressionError, isObject, toText, typeName, type ExpressionScope, type Node, type Value } from './expressionValues';

// The language's public surface: its parts live in expressionValues, expressionParser and expressionFunctions.
export { ExpressionError, toText, type ExpressionScope, type Node, type Template, type Value } from './expressionValues';
export { parseExpression, parseTemplate, referencedActivities } from './expressionParser';
export { roundTripTimestamp } from './expressionFunctions';

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
        return callFunction(current.name, current.args.map(visit), scope, fail);
    }
  };
  return visit(node);
}
