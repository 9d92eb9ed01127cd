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
 * One piece of a rendered event: fixed text, or a per-event value and what it can look like.
 * `number`: always a whole JSON number (eventIndex(), ticks(), rand()); `text`: characters that
 * never need escaping in a JSON string (guid(), utcNow()). core/events/jsonStability.ts uses this to
 * check a JSON template once instead of parsing every event.
 */
export interface TemplatePiece {
  readonly text: string;
  readonly varies?: 'number' | 'text';
}

/** A template parsed once: render event `index`, or its pieces. */
export interface CompiledTemplate {
  (index: number): string;
  pieces(index: number): TemplatePiece[];
}

type PerEvent = { readonly varies: 'number' | 'text'; readonly value: (index: number) => string };

/**
 * The template parsed once for a whole send (issue #8: a million events): the text between
 * expressions and every expression that is the same for every event (parameters, run id, pipeline
 * name) are resolved here, and each per-event expression becomes a small function, so rendering
 * event `index` is string concatenation plus guid(), utcNow(), rand() or eventIndex(). Errors (an
 * unknown expression, a parameter without a value, rand(5, 1)) are thrown here.
 */
export function compileTemplate(template: string, context: Omit<TemplateContext, 'index'> = {}): CompiledTemplate {
  const runId = context.runId ?? randomUUID();
  const now = context.now ?? (() => new Date());
  const fixed = { ...context, runId, now };
  const parts: (string | PerEvent)[] = [];
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    const expression = (match[1] ?? '').trim();
    parts.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    parts.push(PER_EVENT.test(expression) ? perEvent(expression, now) : evaluate(expression, fixed));
  }
  parts.push(template.slice(last));
  const render = (index: number): string => {
    let text = '';
    for (const part of parts) {
      text += typeof part === 'string' ? part : part.value(index);
    }
    return text;
  };
  const pieces = (index: number): TemplatePiece[] => parts.map((part) => (typeof part === 'string' ? { text: part } : { text: part.value(index), varies: part.varies }));
  return Object.assign(render, { pieces });
}

/** A per-event expression as a function of the event's index (checked now: rand(5, 1) is refused here). */
function perEvent(expression: string, now: () => Date): PerEvent {
  switch (expression) {
    case 'guid()':
      return { varies: 'text', value: () => randomUUID() };
    case 'utcNow()':
      return { varies: 'text', value: () => now().toISOString() };
    case 'ticks(utcNow())':
      return { varies: 'number', value: () => ticksOf(now()) };
    case 'eventIndex()':
      return { varies: 'number', value: (index) => String(index) };
    default: {
      const { min, max } = randBounds(expression);
      return { varies: 'number', value: () => String(randomInt(min, max)) };
    }
  }
}

/** .NET ticks: 100 ns intervals since 0001-01-01. */
function ticksOf(date: Date): string {
  return (BigInt(date.getTime()) * 10_000n + 621_355_968_000_000_000n).toString();
}

/** rand(min, max): min inclusive, max exclusive, as in Data Factory. */
function randBounds(expression: string): { min: number; max: number } {
  const rand = /^rand\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(expression);
  const min = Number(rand?.[1]);
  const max = Number(rand?.[2]);
  if (rand === null) {
    throw unsupported(expression);
  }
  if (!(max > min)) {
    throw new ValidationError(`@{${expression}}`, 'rand(min, max) needs max greater than min.', 'Write e.g. @{rand(1, 100)}: min inclusive, max exclusive.');
  }
  return { min, max };
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

/** An expression that is the same for every event of a send. */
function evaluate(expression: string, context: TemplateContext & { runId: string }): string {
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
    default:
      break;
  }
  throw unsupported(expression);
}

function unsupported(expression: string): ValidationError {
  return new ValidationError(
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
