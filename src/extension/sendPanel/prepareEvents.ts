/**
 * The send panel's host-side logic that needs no vscode: checking a body template, rendering the
 * events of a send, and projecting core flow events to what the webview may see. Kept apart from
 * the panel class so it runs in plain-Node tests.
 */
import { isValidationError, ValidationError } from '../../core/errors/errors';
import type { EventSource } from '../../core/events/eventSource';
import { everyEventValidIfFirstIs } from '../../core/events/jsonStability';
import { compileTemplate, parametersUsedBy, renderTemplate, type CompiledTemplate } from '../../core/events/template';
import type { ExplainedError } from '../../core/errors/errors';
import type { ReadBackOutcome } from '../../core/flow/roundTrip';
import type { EventToSend, FlowEvent, SendRequest } from '../../core/flow/types';
import { MAX_EVENT_BYTES, parseEventBody, validatePartitionOptions, validateProperties } from '../../core/model/validate';
import type { BodyProblem, HostMessage, PanelStageId, ReadBackView, SafeError, SendForm, StageView } from '../../shared/sendPanelProtocol';
import { countProblem, PANEL_STAGES, rateProblem } from '../../shared/sendPanelProtocol';

const EXPRESSION = /@\{[^}]*\}/g;
const PREVIEW_CHARS = 4000;
/** Safe strings shown in the webview are one paragraph, not a dump. */
const MAX_TEXT = 2000;

/** Only JSON media types are parsed; `text/plain` and friends are sent as typed. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType === undefined || /(^|[/+])json(\s*;|$)/i.test(contentType.trim());
}

export type BodyValidation = Omit<Extract<HostMessage, { type: 'bodyValidation' }>, 'type' | 'requestId'>;

/**
 * Checks a body template the way a send will use it. The JSON structure is checked with every
 * `@{…}` replaced by digits of the same length (valid both inside a string and as a bare number),
 * so line and column point into what the user typed; then the first event is rendered for real.
 */
export function checkBody(template: string, parameters: Readonly<Record<string, string>>, contentType?: string): BodyValidation {
  const used = parametersUsedBy(template);
  const json = isJsonContentType(contentType);
  if (json) {
    const masked = template.replace(EXPRESSION, (m) => m.replace(/[^\n]/g, '1'));
    const structure = parseEventBody(masked);
    if (!structure.ok) {
      return { ok: false, parameters: used, problem: problemOf(structure.error) };
    }
  }
  const withDefaults = fillMissing(parameters, used);
  let rendered: string;
  try {
    rendered = renderTemplate(template, { parameters: withDefaults, index: 0 });
  } catch (error) {
    return { ok: false, parameters: used, problem: renderProblem(template, error) };
  }
  const bytes = Buffer.byteLength(rendered, 'utf8');
  const preview = rendered.length > PREVIEW_CHARS ? `${rendered.slice(0, PREVIEW_CHARS)}…` : rendered;
  if (json) {
    const parsed = parseEventBody(rendered);
    if (!parsed.ok) {
      const p = problemOf(parsed.error);
      return {
        ok: false,
        parameters: used,
        bytes,
        preview,
        problem: { message: `After substituting parameters, the event ${p.message.replace(/^body /, '')}`, fix: 'A parameter used outside quotes must be a JSON value (a number, true, false or null); otherwise put the expression inside quotes.' },
      };
    }
  }
  if (bytes > MAX_EVENT_BYTES) {
    return { ok: false, parameters: used, bytes, preview, problem: { message: `The event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (1 MiB).`, fix: 'Make the body smaller.' } };
  }
  return { ok: true, parameters: used, bytes, preview };
}

/** An unused-by-the-user parameter still renders (as empty) in a preview; a send requires the value. */
function fillMissing(parameters: Readonly<Record<string, string>>, used: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(parameters)) {
    out[k] = v;
  }
  for (const name of used) {
    out[name] ??= '';
  }
  return out;
}

function problemOf(error: ValidationError): BodyProblem {
  const at = /line (\d+), column (\d+)/.exec(error.problem);
  return {
    message: `${error.field} ${error.problem}`,
    fix: error.fix,
    ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
  };
}

/** Points an unsupported expression or a missing parameter at its place in the template. */
function renderProblem(template: string, error: unknown): BodyProblem {
  if (!isValidationError(error)) {
    return { message: error instanceof Error ? error.message : String(error), fix: 'Check the expressions in the body.' };
  }
  const needle = error.field.startsWith('@{') ? error.field.slice(2, -1) : error.field;
  const index = [...template.matchAll(EXPRESSION)].find((m) => m[0].slice(2, -1).trim() === needle)?.index;
  const where = index === undefined ? {} : lineColumnOf(template, index);
  return { message: `${error.field}: ${error.problem}`, fix: error.fix.replace(/\(CLI: [^)]*\), ?/, ''), ...where };
}

function lineColumnOf(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  return { line: before.split('\n').length, column: position - before.lastIndexOf('\n') };
}

export interface Refusal {
  readonly message: string;
  readonly fix: string;
}

/** The requests of one send, rendered lazily: neither mode ever holds every event. */
export interface SendPlan {
  readonly requests: number;
  readonly events: number;
  /** Throws a `RefusalError` if an event fails to render or is too large. */
  request(index: number): SendRequest;
}

export class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'RefusalError';
  }
}

/**
 * Checks a form before anything runs and plans its requests. Every event of one send shares a
 * run id, like the events of one pipeline run; `@{eventIndex()}` counts across the whole send.
 */
export function planSend(form: SendForm, runId: string): { ok: true; plan: SendPlan } | { ok: false; refusal: Refusal } {
  const badCount = countProblem(form.count);
  if (badCount) {
    return { ok: false, refusal: badCount };
  }
  if (form.rate !== undefined) {
    const badRate = rateProblem(form.rate);
    if (badRate) {
      return { ok: false, refusal: badRate };
    }
    if (!form.batch) {
      return { ok: false, refusal: { message: 'A rate paces a batch send.', fix: 'Check "Batch", or clear the rate.' } };
    }
  }
  const check = checkBody(form.body, form.parameters, form.contentType);
  if (!check.ok) {
    const p = check.problem;
    return { ok: false, refusal: { message: p ? p.message : 'The body is not valid.', fix: p?.fix ?? '' } };
  }
  const missing = check.parameters.filter((name) => !Object.hasOwn(form.parameters, name));
  if (missing.length > 0) {
    return { ok: false, refusal: { message: `The body uses pipeline parameters without a value: ${missing.join(', ')}.`, fix: 'Fill them in under Parameters.' } };
  }
  const properties = Object.fromEntries(form.properties.map((p) => [p.name, p.value]));
  const problems = [
    ...validateProperties(properties),
    ...validatePartitionOptions({
      ...(form.partition.kind === 'key' ? { partitionKey: form.partition.value } : {}),
      ...(form.partition.kind === 'id' ? { partitionId: form.partition.value } : {}),
    }),
  ];
  const first = problems[0];
  if (first) {
    return { ok: false, refusal: { message: `${first.field} ${first.problem}`, fix: first.fix } };
  }

  const json = isJsonContentType(form.contentType);
  // Parsed once for the whole send; a template error surfaces on the first event.
  let compiled: CompiledTemplate | undefined;
  // Whether each event must be parsed, or the first speaks for all (see everyEventValidIfFirstIs).
  let checkEach = true;
  const render = (index: number): EventToSend => {
    let body: string;
    try {
      if (!compiled) {
        compiled = compileTemplate(form.body, { parameters: form.parameters, runId });
        checkEach = json && !everyEventValidIfFirstIs(compiled.pieces(0));
      }
      body = compiled(index);
    } catch (error) {
      const p = renderProblem(form.body, error);
      throw new RefusalError({ message: p.message, fix: p.fix });
    }
    if (json && (index === 0 || checkEach) && !parseEventBody(body).ok) {
      throw new RefusalError({ message: `Event ${index + 1} is not valid JSON after substitution.`, fix: 'Quote expressions whose values are not JSON values.' });
    }
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_EVENT_BYTES) {
      throw new RefusalError({ message: `Event ${index + 1} is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (1 MiB).`, fix: 'Make the body smaller.' });
    }
    // Sent as the rendered string so the bytes on the wire are exactly what the user wrote.
    return { body, contentType: form.contentType, ...(form.properties.length > 0 ? { properties } : {}) };
  };
  const common: Omit<SendRequest, 'events'> = {
    protocol: form.protocol,
    ...(form.partition.kind === 'key' ? { partitionKey: form.partition.value } : {}),
    ...(form.partition.kind === 'id' ? { partitionId: form.partition.value } : {}),
    ...(form.rate !== undefined ? { pace: { eventsPerSecond: form.rate } } : {}),
  };

  if (!form.batch) {
    // Render the first event now so an obvious mistake is refused before anything runs.
    let firstEvent: EventToSend;
    try {
      firstEvent = render(0);
    } catch (error) {
      return { ok: false, refusal: refusalOf(error) };
    }
    return {
      ok: true,
      plan: {
        requests: form.count,
        events: form.count,
        request: (index) => ({ ...common, events: [index === 0 ? firstEvent : render(index)] }),
      },
    };
  }

  // Batch: the events stream into requests (REST) or batches (AMQP) of up to 1 MiB each, rendered
  // as the sender has room for them: a million events never sit in the extension host at once.
  let firstEvent: EventToSend;
  try {
    firstEvent = render(0);
  } catch (error) {
    return { ok: false, refusal: refusalOf(error) };
  }
  const source: EventSource = {
    count: form.count,
    eventAt(index) {
      if (index === 0) {
        return firstEvent;
      }
      try {
        return render(index);
      } catch (error) {
        // Mid-send, a refusal stops the send stage: the engine explains a ValidationError.
        const { message, fix } = refusalOf(error);
        throw new ValidationError(`event ${index + 1}`, message, fix);
      }
    },
  };
  return { ok: true, plan: { requests: 1, events: form.count, request: () => ({ ...common, events: source }) } };
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof RefusalError) {
    return error.refusal;
  }
  throw error;
}

/**
 * Reduces a core flow event to what the webview may show: status, timing and the explanation of
 * an error. The raw service message is left out, and every string passes the session redactor.
 */
export function projectFlowEvent(event: FlowEvent, redact: (text: string) => string): StageView | undefined {
  if (!isPanelStage(event.stage)) {
    return undefined;
  }
  const safe = (text: string): string => clamp(redact(text));
  switch (event.type) {
    case 'stageStarted':
      return { stage: event.stage, status: 'running' };
    case 'stageSucceeded':
      return { stage: event.stage, status: 'ok', durationMs: event.durationMs, summary: safe(event.summary), ...(event.cached ? { cached: true } : {}) };
    case 'stageFailed': {
      return { stage: event.stage, status: 'failed', durationMs: event.durationMs, error: safeError(event.error, safe) };
    }
    case 'stageCancelled':
      return { stage: event.stage, status: 'cancelled', durationMs: event.durationMs };
    case 'stageSkipped':
      return { stage: event.stage, status: 'skipped', summary: safe(event.reason) };
  }
}

/** An explanation as the webview shows it: code, summary, cause, fix and an https docs link only. */
export function safeError(error: ExplainedError, safe: (text: string) => string): SafeError {
  const { explanation } = error;
  // A token refusal's most specific cause is what the token inspector found in that token.
  const likely = (error.likelyCauses ?? []).map((c) => ` Likely cause (${c.claim} in the ${c.tokenStage === 'keyVaultToken' ? 'Key Vault' : 'Event Hubs'} token): ${c.reason} ${c.fix}`);
  return {
    code: safe(error.code),
    summary: safe(explanation.summary),
    // The hosts, ports, transports (and proxy) the stage tried, e.g. a blocked 5671 before WebSockets.
    cause: safe(`${explanation.cause}${likely.join('')}${error.tried?.length ? ` Tried: ${error.tried.join('; ')}.` : ''}`),
    fix: safe(explanation.fix),
    ...(explanation.docsUrl && /^https:\/\//i.test(explanation.docsUrl) ? { docsUrl: explanation.docsUrl } : {}),
  };
}

/** The round trip's outcome for the timeline: where the event was read back and how fast, or why not. */
export function projectReadBack(outcome: ReadBackOutcome, redact: (text: string) => string): ReadBackView {
  const safe = (text: string): string => clamp(redact(text));
  const common = { consumerGroup: safe(outcome.consumerGroup), correlationId: outcome.correlationId };
  switch (outcome.status) {
    case 'matched':
      return {
        ...common,
        status: 'matched',
        partitionId: outcome.partitionId,
        sequenceNumber: outcome.sequenceNumber,
        latencyMs: outcome.latencyMs,
        enqueueLatencyMs: outcome.enqueueLatencyMs,
      };
    case 'notRun':
      return { ...common, status: 'notRun', reason: safe(outcome.reason) };
    case 'failed':
      return { ...common, status: 'failed', latencyMs: outcome.waitedMs, error: safeError(outcome.error, safe) };
  }
}

export function isPanelStage(stage: string): stage is PanelStageId {
  return (PANEL_STAGES as readonly string[]).includes(stage);
}

function clamp(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
