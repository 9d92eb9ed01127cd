import { randomInt, randomUUID } from 'node:crypto';
import { ValidationError } from '../errors/errors';

/**
 * Event bodies written the way a pipeline's Web activity writes them: Data Factory / Fabric
 * expressions inside string interpolation, e.g.
 *   {"run": "@{pipeline().RunId}", "site": "@{pipeline().parameters.site}", "at": "@{utcNow()}"}
 * The supported functions are the ones a sample event needs; anything else is refused by name.
 */
export interface TemplateContext {
  /** The parent pipeline's parameters, as strings (they arrive as strings in a Web activity body). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly pipelineName?: string;
  /** Fixed per render so every event of one send shares it, like one pipeline run. */
  readonly runId?: string;
  /** Injectable for tests. */
  readonly now?: () => Date;
  /** Zero-based position of the event in a multi-event send. */
  readonly index?: number;
}

const EXPRESSION = /@\{([^}]*)\}/g;

/** Substitutes every `@{…}` expression; `@@` escapes a literal `@` as in Data Factory. */
export function renderTemplate(template: string, context: TemplateContext = {}): string {
  return compileTemplate(template, context)(context.index ?? 0);
}

/** Expressions whose value changes per event; everything else is the same for the whole send. */
const PER_EVENT = /^(?:guid\(\)|utcNow\(\)|ticks\(utcNow\(\)\)|eventIndex\(\)|rand\(.*\))$/;

/**
 * The template parsed once for a whole send (issue #8: a million events): the text between
 * expressions and every expression that is the same for every event (parameters, run id, pipeline
 * name) are resolved here, so rendering event `index` only evaluates guid(), utcNow(), rand() and
 * eventIndex(). Errors (an unknown expression, a parameter without a value) are thrown here.
 */
export function compileTemplate(template: string, context: Omit<TemplateContext, 'index'> = {}): (index: number) => string {
  const runId = context.runId ?? randomUUID();
  const now = context.now ?? (() => new Date());
  const fixed = { ...context, runId, now };
  const parts: (string | ((index: number) => string))[] = [];
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    const expression = (match[1] ?? '').trim();
    parts.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    if (PER_EVENT.test(expression)) {
      // Checked now (e.g. rand(5, 1)), evaluated per event.
      evaluate(expression, { ...fixed, index: 0 });
      parts.push((index) => evaluate(expression, { ...fixed, index }));
    } else {
      parts.push(evaluate(expression, fixed));
    }
  }
  parts.push(template.slice(last));
  if (parts.every((part) => typeof part === 'string')) {
    const text = parts.join('');
    return () => text;
  }
  return (index) => {
    let text = '';
    for (const part of parts) {
      text += typeof part === 'string' ? part : part(index);
    }
    return text;
  };
}

/** Every expression in a template, for validation before anything is sent. */
export function expressionsIn(template: string): string[] {
  return [...template.matchAll(EXPRESSION)].map((m) => (m[1] ?? '').trim());
}

/** Names of `pipeline().parameters.X` used by a template, so a UI can ask for them. */
export function parametersUsedBy(template: string): string[] {
  const names = new Set<string>();
  for (const expression of expressionsIn(template)) {
    const match = /^pipeline\(\)\.parameters\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
    if (match?.[1]) {
      names.add(match[1]);
    }
  }
  return [...names];
}

function evaluate(expression: string, context: TemplateContext & { runId: string; now: () => Date }): string {
  const parameter = /^pipeline\(\)\.parameters\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
  if (parameter?.[1]) {
    const value = context.parameters?.[parameter[1]];
    if (value === undefined) {
      throw new ValidationError(
        `pipeline().parameters.${parameter[1]}`,
        'The body uses a pipeline parameter that has no value.',
        `Give it a value (CLI: --param ${parameter[1]}=VALUE), or remove it from the body.`,
      );
    }
    return escapeForJsonString(value);
  }
  switch (expression) {
    case 'pipeline().RunId':
      return context.runId;
    case 'pipeline().Pipeline':
      return escapeForJsonString(context.pipelineName ?? 'eventstream-flow');
    case 'guid()':
      return randomUUID();
    case 'utcNow()':
      return context.now().toISOString();
    case 'ticks(utcNow())':
      // .NET ticks: 100 ns intervals since 0001-01-01.
      return (BigInt(context.now().getTime()) * 10_000n + 621_355_968_000_000_000n).toString();
    case 'eventIndex()':
      return String(context.index ?? 0);
    default:
      break;
  }
  const rand = /^rand\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(expression);
  if (rand?.[1] !== undefined && rand[2] !== undefined) {
    const min = Number(rand[1]);
    const max = Number(rand[2]);
    if (!(max > min)) {
      throw new ValidationError(`@{${expression}}`, 'rand(min, max) needs max greater than min.', 'Write e.g. @{rand(1, 100)}: min inclusive, max exclusive.');
    }
    return String(randomInt(min, max));
  }
  throw new ValidationError(
    `@{${expression}}`,
    'This expression is not supported in sample events.',
    'Use @{pipeline().parameters.NAME}, @{pipeline().RunId}, @{pipeline().Pipeline}, @{guid()}, @{utcNow()}, @{ticks(utcNow())}, @{rand(MIN, MAX)} or @{eventIndex()}.',
  );
}

/** Values land inside JSON strings in a body, so quotes and backslashes must stay valid JSON. */
function escapeForJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** The default sample event: what a pipeline typically sends, with a few generated values. */
export const SAMPLE_EVENT_TEMPLATE = `{
  "source": "@{pipeline().Pipeline}",
  "runId": "@{pipeline().RunId}",
  "eventId": "@{guid()}",
  "eventTime": "@{utcNow()}",
  "sequence": @{eventIndex()},
  "temperature": @{rand(15, 30)},
  "message": "Sample event from Eventstream Flow"
}`;
