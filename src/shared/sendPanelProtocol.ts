/**
 * The send-event panel's message protocol, shared by the host (src/extension/sendPanel) and the
 * webview (src/webview/sendPanel). No DOM, Node or vscode imports: both bundles and plain-Node
 * tests load it.
 *
 * Rules of the channel:
 * - The webview posts `ready` first; the host posts nothing before it (and again after every
 *   reload, since the panel does not retain its context while hidden).
 * - Nothing the host posts carries a secret, token, SAS signature or client secret: stage events
 *   are projected to `StageView` (code, summary, cause, fix, docs link) and history is metadata.
 * - The host runs every inbound message through `parseWebviewMessage` and drops what fails.
 */
import { isValidationError } from '../core/errors/errors';
import { PIPELINE_STAGES } from '../core/flow/plan';
import { checkWholeNumber, EVENT_COUNT, parseWholeNumber, SEND_RATE, type WholeNumberRange } from '../core/model/limits';
import type { StageId } from '../core/flow/types';
import {
  array,
  boolean,
  type Fields,
  integer,
  isRecord,
  oneOf,
  onlyKeys,
  record,
  ShapeError,
  string,
  utf8Length,
} from './validate';

// ---------------------------------------------------------------------------------------------
// Limits (the host re-checks the rendered events against the core's own limits)

export const SEND_PANEL_LIMITS = {
  /** 1 MiB: Event Hubs and Eventstream refuse larger publications. */
  maxBodyBytes: 1_048_576,
  /** The CLI's --count range (core/model/limits), so both refuse the same counts in the same words. */
  minCount: EVENT_COUNT.min,
  maxCount: EVENT_COUNT.max,
  minRate: SEND_RATE.min,
  maxRate: SEND_RATE.max,
  maxParameters: 50,
  maxParameterNameLength: 128,
  maxParameterValueLength: 8192,
  maxProperties: 50,
  maxPropertyNameLength: 128,
  maxPropertyValueLength: 8192,
  maxPartitionKeyLength: 128,
  maxPartitionIdLength: 16,
  maxContentTypeLength: 256,
  maxProfileIdLength: 200,
  maxRequestIdLength: 64,
  maxUrlLength: 2048,
  maxHistorySize: 200,
} as const;

export const PROTOCOLS = ['rest', 'amqp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The five stages the panel shows, in pipeline order (a send never runs the probe). */
export type PanelStageId = Exclude<StageId, 'probe'>;
export const PANEL_STAGES = PIPELINE_STAGES.filter((s): s is PanelStageId => s !== 'probe');

export const PARTITION_KINDS = ['none', 'key', 'id'] as const;
export type PartitionKind = (typeof PARTITION_KINDS)[number];
export type Partition = { readonly kind: 'none' } | { readonly kind: 'key'; readonly value: string } | { readonly kind: 'id'; readonly value: string };

export interface CustomProperty {
  readonly name: string;
  readonly value: string;
}

/** Everything the user filled in. The body is a pipeline-style template, rendered per event on the host. */
export interface SendForm {
  readonly profileId: string;
  readonly body: string;
  /** The parent pipeline's parameters, as strings (how a Web activity body receives them). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly properties: readonly CustomProperty[];
  readonly partition: Partition;
  readonly protocol: Protocol;
  readonly count: number;
  /** true: one request with every event; false: `count` requests of one event each. */
  readonly batch: boolean;
  /** Load mode (with `batch`): send the events at this many per second, as the CLI's --rate does. */
  readonly rate?: number;
  /** Read the sent event back from the profile's consumer endpoint (the last request's, with `batch: false`). */
  readonly readBack?: boolean;
}

/**
 * What the host keeps per workspace (`workspaceState`). No body, no parameter or property values:
 * those are user data that may hold anything, so they live only in the webview's own state.
 */
export interface PersistedForm {
  readonly profileId?: string;
  readonly contentType: string;
  readonly protocol: Protocol;
  readonly count: number;
  readonly batch: boolean;
  readonly partitionKind: PartitionKind;
  readonly parameterNames: readonly string[];
  readonly propertyNames: readonly string[];
  readonly readBack?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Webview → host

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'send'; readonly form: SendForm }
  | { readonly type: 'cancel' }
  | { readonly type: 'pickProfile'; readonly profileId: string }
  | {
      readonly type: 'validateBody';
      readonly requestId: string;
      readonly body: string;
      readonly parameters: Readonly<Record<string, string>>;
      /** JSON is required only for JSON media types; omitted means JSON. */
      readonly contentType?: string;
    }
  | { readonly type: 'saveForm'; readonly form: PersistedForm }
  | { readonly type: 'clearHistory' }
  | { readonly type: 'openLog' }
  /** Only URLs the host itself sent (docs links of explained errors) are opened. */
  | { readonly type: 'openDocs'; readonly url: string };

export type WebviewMessageType = WebviewMessage['type'];

// ---------------------------------------------------------------------------------------------
// Host → webview

export interface ProfileOption {
  readonly id: string;
  readonly name: string;
}

export interface PanelSettings {
  readonly historySize: number;
  readonly defaultProtocol: Protocol;
  readonly maxBodyBytes: number;
  readonly maxCount: number;
  /** The body a new draft starts with (the core's sample event template). */
  readonly sampleBody: string;
}

export type StageViewStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'cancelled' | 'notRun';

/** An explained error reduced to what a person reads. Never the raw service message. */
export interface SafeError {
  readonly code: string;
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly docsUrl?: string;
}

/** The webview-safe projection of a core `FlowEvent`. */
export interface StageView {
  readonly stage: PanelStageId;
  readonly status: StageViewStatus;
  readonly durationMs?: number;
  /** One safe line from the stage (never a value), or why it was skipped. */
  readonly summary?: string;
  readonly cached?: boolean;
  readonly error?: SafeError;
}

/**
 * The round trip's row in the timeline: waiting, the matched event (where and how fast), or why
 * it could not be read back. The correlation id is a random UUID, not a secret.
 */
export interface ReadBackView {
  readonly status: 'running' | 'matched' | 'failed' | 'notRun';
  /** Known once the round trip has run. */
  readonly consumerGroup?: string;
  readonly correlationId?: string;
  readonly partitionId?: string;
  readonly sequenceNumber?: number;
  /** Send start → the event was read here. */
  readonly latencyMs?: number;
  /** Send start → the service's enqueue time. */
  readonly enqueueLatencyMs?: number;
  /** Why it was not run, as one line. */
  readonly reason?: string;
  readonly error?: SafeError;
}

export type SendOutcomeStatus = 'ok' | 'failed' | 'cancelled' | 'refused';

export interface SendOutcome {
  readonly status: SendOutcomeStatus;
  readonly protocol: Protocol;
  readonly eventsRequested: number;
  readonly eventsAccepted: number;
  readonly requests: number;
  readonly bytes: number;
  readonly durationMs: number;
  /** After a cancel or a failure: events sent without an answer (they may or may not have arrived). */
  readonly eventsInFlight?: number;
  /** After a cancel or a failure: events never sent. */
  readonly eventsNeverSent?: number;
  readonly failedStage?: PanelStageId;
  /** For `refused` and `failed`: what is wrong and how to fix it. */
  readonly message?: string;
  readonly fix?: string;
  readonly at: number;
}

/** Where a running send stands (counts only). */
export interface SendProgressView {
  /** Load mode: recent send latency percentiles (ms). */
  readonly latency?: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Load mode: the pace now (throttling lowers it). */
  readonly rate?: number;
  readonly total: number;
  readonly generated: number;
  readonly acknowledged: number;
  readonly inFlight: number;
  readonly eventsPerSecond: number;
}

/** One recent send: metadata only (never a body, a parameter value or a secret). */
export interface HistoryEntry {
  readonly at: number;
  readonly profileName: string;
  readonly protocol: Protocol;
  readonly count: number;
  readonly batch: boolean;
  readonly eventsAccepted: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly status: Exclude<SendOutcomeStatus, 'refused'>;
  readonly failedStage?: PanelStageId;
}

/** The run the host is doing or last did, so a reloaded webview can redraw it. */
export interface RunSnapshot {
  readonly running: boolean;
  /** 1-based request number and how many there are (`batch: false` sends one request per event). */
  readonly request: number;
  readonly requests: number;
  readonly stages: readonly StageView[];
  readonly result?: SendOutcome;
  readonly readBack?: ReadBackView;
}

export interface BodyProblem {
  readonly message: string;
  readonly fix: string;
  readonly line?: number;
  readonly column?: number;
}

export type HostMessage =
  | {
      readonly type: 'init';
      readonly profiles: readonly ProfileOption[];
      readonly selectedProfileId?: string;
      readonly settings: PanelSettings;
      readonly form?: PersistedForm;
      readonly history: readonly HistoryEntry[];
      readonly run?: RunSnapshot;
    }
  | { readonly type: 'profiles'; readonly profiles: readonly ProfileOption[]; readonly selectedProfileId?: string }
  | { readonly type: 'runStarted'; readonly request: number; readonly requests: number; readonly events: number }
  | { readonly type: 'flowEvent'; readonly event: StageView }
  /** A long send's live figures, a few times a second. */
  | { readonly type: 'sendProgress'; readonly progress: SendProgressView }
  | { readonly type: 'sendResult'; readonly result: SendOutcome }
  | { readonly type: 'readBack'; readonly view: ReadBackView }
  | {
      readonly type: 'bodyValidation';
      readonly requestId: string;
      readonly ok: boolean;
      /** `pipeline().parameters.X` names the body uses, in order of first use. */
      readonly parameters: readonly string[];
      /** UTF-8 size of the first rendered event. */
      readonly bytes?: number;
      /** The first event as it would be sent (generated values are examples). */
      readonly preview?: string;
      readonly problem?: BodyProblem;
    }
  | { readonly type: 'history'; readonly entries: readonly HistoryEntry[] };

export type HostMessageType = HostMessage['type'];

// ---------------------------------------------------------------------------------------------
// Webview state (`acquireVsCodeApi().setState`): the draft, which never leaves the webview except
// in a `send` or `validateBody` message.

export interface SendPanelState {
  readonly version: 1;
  readonly draft: DraftForm;
}

/** The form as typed, possibly unfinished (empty rows, a count being edited); checked only at Send. */
export interface DraftForm {
  readonly profileId: string;
  readonly body: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly properties: readonly CustomProperty[];
  readonly partitionKind: PartitionKind;
  readonly partitionValue: string;
  readonly protocol: Protocol;
  readonly count: string;
  readonly batch: boolean;
  /** Events per second as typed; empty or absent: as fast as the service takes them. */
  readonly rate?: string;
  readonly readBack?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Runtime validation of everything the webview posts

const L = SEND_PANEL_LIMITS;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Custom properties go out as HTTP headers on REST: the RFC 9110 token characters only. */
const PROPERTY_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\r\n]*"))*$/;
const PROFILE_ID = /^[A-Za-z0-9._:-]+$/;
const REQUEST_ID = /^[A-Za-z0-9_-]+$/;
/** Names that would reach Object.prototype through a plain-object lookup. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type ParseResult = WebviewMessage | { readonly error: string };

export function isParseError(result: ParseResult): result is { readonly error: string } {
  return 'error' in result;
}

/** Checks every field of a message from the webview; returns the typed message or why it was refused. */
export function parseWebviewMessage(data: unknown): ParseResult {
  try {
    return parseOrThrow(data);
  } catch (error) {
    if (error instanceof ShapeError) {
      return { error: error.message };
    }
    throw error;
  }
}

function parseOrThrow(data: unknown): WebviewMessage {
  const message = record(data, 'message');
  const type = oneOf(message.type, 'message.type', [
    'ready',
    'send',
    'cancel',
    'pickProfile',
    'validateBody',
    'saveForm',
    'clearHistory',
    'openLog',
    'openDocs',
  ] as const satisfies readonly WebviewMessageType[]);
  switch (type) {
    case 'ready':
    case 'cancel':
    case 'clearHistory':
    case 'openLog':
      onlyKeys(message, ['type'], 'message');
      return { type };
    case 'send':
      onlyKeys(message, ['type', 'form'], 'message');
      return { type, form: parseSendForm(message.form) };
    case 'pickProfile':
      onlyKeys(message, ['type', 'profileId'], 'message');
      return { type, profileId: profileId(message.profileId, 'profileId') };
    case 'validateBody':
      onlyKeys(message, ['type', 'requestId', 'body', 'parameters', 'contentType'], 'message');
      return {
        type,
        requestId: string(message.requestId, 'requestId', { min: 1, max: L.maxRequestIdLength, pattern: REQUEST_ID }),
        body: body(message.body, 'body'),
        parameters: parameters(message.parameters, 'parameters'),
        ...(message.contentType === undefined ? {} : { contentType: contentType(message.contentType, 'contentType') }),
      };
    case 'saveForm':
      onlyKeys(message, ['type', 'form'], 'message');
      return { type, form: parsePersistedForm(message.form) };
    case 'openDocs':
      onlyKeys(message, ['type', 'url'], 'message');
      return { type, url: httpsUrl(message.url, 'url') };
  }
}

export function parseSendForm(value: unknown): SendForm {
  const form = record(value, 'form');
  onlyKeys(form, ['profileId', 'body', 'parameters', 'contentType', 'properties', 'partition', 'protocol', 'count', 'batch', 'rate', 'readBack'], 'form');
  return {
    ...readBackFlag(form.readBack, 'form.readBack'),
    profileId: profileId(form.profileId, 'form.profileId'),
    body: body(form.body, 'form.body'),
    parameters: parameters(form.parameters, 'form.parameters'),
    contentType: contentType(form.contentType, 'form.contentType'),
    properties: properties(form.properties, 'form.properties'),
    partition: partition(form.partition, 'form.partition'),
    protocol: oneOf(form.protocol, 'form.protocol', PROTOCOLS),
    // Only the type here: the range is planSend's, which refuses a count out of range visibly
    // (a `refused` result in the core's wording) rather than dropping the message.
    count: integer(form.count, 'form.count', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
    batch: boolean(form.batch, 'form.batch'),
    // Type only, as for the count: planSend refuses an out-of-range rate visibly.
    ...(form.rate === undefined ? {} : { rate: integer(form.rate, 'form.rate', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY) }),
  };
}

/** The panel's rate checked like the CLI's --rate (core/model/limits), in the same words. */
export function rateProblem(rate: number | string): { readonly message: string; readonly fix: string } | undefined {
  return wholeNumberProblem(rate, 'Rate', SEND_RATE);
}

/**
 * The panel's count checked like the CLI's --count (core/model/limits): what is wrong and the fix,
 * e.g. "Count is 2000000." and "Give a whole number from 1 to 1,000,000 (default 1).", or
 * undefined when it is in range. A string is what was typed: digits only, like the CLI.
 */
export function countProblem(count: number | string): { readonly message: string; readonly fix: string } | undefined {
  return wholeNumberProblem(count, 'Count', EVENT_COUNT);
}

function wholeNumberProblem(value: number | string, field: string, range: WholeNumberRange): { readonly message: string; readonly fix: string } | undefined {
  try {
    if (typeof value === 'string') {
      parseWholeNumber(value, field, range);
    } else {
      checkWholeNumber(value, field, range);
    }
    return undefined;
  } catch (error) {
    if (isValidationError(error)) {
      return { message: `${error.field} ${error.problem}`, fix: error.fix };
    }
    throw error;
  }
}

export function parsePersistedForm(value: unknown): PersistedForm {
  const form = record(value, 'form');
  onlyKeys(form, ['profileId', 'contentType', 'protocol', 'count', 'batch', 'partitionKind', 'parameterNames', 'propertyNames', 'readBack'], 'form');
  const id = form.profileId === undefined ? undefined : profileId(form.profileId, 'form.profileId');
  return {
    ...readBackFlag(form.readBack, 'form.readBack'),
    ...(id === undefined ? {} : { profileId: id }),
    contentType: contentType(form.contentType, 'form.contentType'),
    protocol: oneOf(form.protocol, 'form.protocol', PROTOCOLS),
    count: integer(form.count, 'form.count', L.minCount, L.maxCount),
    batch: boolean(form.batch, 'form.batch'),
    partitionKind: oneOf(form.partitionKind, 'form.partitionKind', PARTITION_KINDS),
    parameterNames: array(form.parameterNames, 'form.parameterNames', L.maxParameters).map((n, i) => parameterName(n, `form.parameterNames[${i}]`)),
    propertyNames: array(form.propertyNames, 'form.propertyNames', L.maxProperties).map((n, i) =>
      string(n, `form.propertyNames[${i}]`, { max: L.maxPropertyNameLength, singleLine: true }),
    ),
  };
}

/** An optional boolean: absent stays absent (older webviews never send it). */
function readBackFlag(value: unknown, field: string): { readBack?: boolean } {
  return value === undefined ? {} : { readBack: boolean(value, field) };
}

function profileId(value: unknown, field: string): string {
  return string(value, field, { min: 1, max: L.maxProfileIdLength, pattern: PROFILE_ID });
}

function body(value: unknown, field: string): string {
  // Cheap length check first: UTF-8 is never shorter than the UTF-16 length.
  const text = string(value, field, { max: L.maxBodyBytes });
  if (utf8Length(text) > L.maxBodyBytes) {
    throw new ShapeError(field, `must be at most ${L.maxBodyBytes} bytes (1 MiB) in UTF-8.`);
  }
  return text;
}

function parameterName(value: unknown, field: string): string {
  const name = string(value, field, { min: 1, max: L.maxParameterNameLength, pattern: PARAMETER_NAME });
  if (UNSAFE_KEYS.has(name)) {
    throw new ShapeError(field, 'is a reserved name.');
  }
  return name;
}

/** A null-prototype record, so a lookup of a missing name never finds an Object.prototype member. */
function parameters(value: unknown, field: string): Readonly<Record<string, string>> {
  const input = record(value, field);
  const entries = Object.entries(input);
  if (entries.length > L.maxParameters) {
    throw new ShapeError(field, `must have at most ${L.maxParameters} entries.`);
  }
  const out = Object.create(null) as Record<string, string>;
  for (const [name, v] of entries) {
    const checked = parameterName(name, `${field} name "${name.slice(0, 40)}"`);
    out[checked] = string(v, `${field}.${checked}`, { max: L.maxParameterValueLength });
  }
  return out;
}

function contentType(value: unknown, field: string): string {
  return string(value, field, { min: 1, max: L.maxContentTypeLength, singleLine: true, pattern: CONTENT_TYPE });
}

function properties(value: unknown, field: string): CustomProperty[] {
  const seen = new Set<string>();
  return array(value, field, L.maxProperties).map((item, i) => {
    const where = `${field}[${i}]`;
    const row: Fields = record(item, where);
    onlyKeys(row, ['name', 'value'], where);
    const name = string(row.name, `${where}.name`, { min: 1, max: L.maxPropertyNameLength, pattern: PROPERTY_NAME });
    if (seen.has(name.toLowerCase())) {
      throw new ShapeError(`${where}.name`, 'repeats an earlier property name (names are case-insensitive).');
    }
    seen.add(name.toLowerCase());
    return { name, value: string(row.value, `${where}.value`, { max: L.maxPropertyValueLength, singleLine: true }) };
  });
}

function partition(value: unknown, field: string): Partition {
  const input = record(value, field);
  const kind = oneOf(input.kind, `${field}.kind`, PARTITION_KINDS);
  if (kind === 'none') {
    onlyKeys(input, ['kind'], field);
    return { kind };
  }
  onlyKeys(input, ['kind', 'value'], field);
  if (kind === 'key') {
    return { kind, value: string(input.value, `${field}.value`, { min: 1, max: L.maxPartitionKeyLength, singleLine: true }) };
  }
  return { kind, value: string(input.value, `${field}.value`, { min: 1, max: L.maxPartitionIdLength, pattern: /^\d+$/ }) };
}

function httpsUrl(value: unknown, field: string): string {
  const text = string(value, field, { min: 1, max: L.maxUrlLength, singleLine: true });
  if (!/^https:\/\/[^\s/]+/i.test(text)) {
    throw new ShapeError(field, 'must be an https URL.');
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Host → webview: the webview trusts its host, but a cheap check keeps a stray message (another
// extension's, a stale version's) from breaking the UI.

const HOST_MESSAGE_TYPES: readonly HostMessageType[] = ['init', 'profiles', 'runStarted', 'flowEvent', 'sendProgress', 'sendResult', 'readBack', 'bodyValidation', 'history'];

export function isHostMessage(data: unknown): data is HostMessage {
  return isRecord(data) && typeof data.type === 'string' && (HOST_MESSAGE_TYPES as readonly string[]).includes(data.type);
}

/** Checks a state restored from `getState()`; a state of another shape or version is discarded. */
export function parsePanelState(data: unknown): SendPanelState | undefined {
  if (!isRecord(data) || data.version !== 1) {
    return undefined;
  }
  try {
    const d = record(data.draft, 'draft');
    const text = (v: unknown, f: string, max: number): string => string(v, f, { max });
    const draft: DraftForm = {
      profileId: text(d.profileId, 'profileId', L.maxProfileIdLength),
      body: text(d.body, 'body', L.maxBodyBytes),
      parameters: Object.fromEntries(
        Object.entries(record(d.parameters, 'parameters'))
          .filter(([name]) => PARAMETER_NAME.test(name) && !UNSAFE_KEYS.has(name))
          .map(([name, v]) => [name, text(v, name, L.maxParameterValueLength)]),
      ),
      contentType: text(d.contentType, 'contentType', L.maxContentTypeLength),
      properties: array(d.properties, 'properties', L.maxProperties).map((p) => {
        const row = record(p, 'property');
        return { name: text(row.name, 'name', L.maxPropertyNameLength), value: text(row.value, 'value', L.maxPropertyValueLength) };
      }),
      partitionKind: oneOf(d.partitionKind, 'partitionKind', PARTITION_KINDS),
      partitionValue: text(d.partitionValue, 'partitionValue', L.maxPartitionKeyLength),
      protocol: oneOf(d.protocol, 'protocol', PROTOCOLS),
      count: text(d.count, 'count', 10),
      batch: boolean(d.batch, 'batch'),
      ...(d.rate === undefined ? {} : { rate: text(d.rate, 'rate', 10) }),
      ...(d.readBack === undefined ? {} : { readBack: boolean(d.readBack, 'readBack') }),
    };
    return { version: 1, draft };
  } catch {
    return undefined;
  }
}
