/**
 * Reading the pipeline expression language: a JSON string into a template (literal, expression or
 * interpolation), and an expression into a syntax tree (a tokenizer and a recursive-descent parser).
 * The rules it follows, with their sources, are in expression.ts.
 */
import { ExpressionError, type Node, type Template } from './expressionValues';

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
