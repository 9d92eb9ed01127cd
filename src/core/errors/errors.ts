// The typed errors every layer throws and the plain-data shapes an explained error travels in
// (ParsedError, Explanation, ExplainedError). Imports nothing but the stage names: errors sit below everything.
import type { StageId } from '../flow/stageId';

/** Where an error came from; decides how `parseError` reads it. */
export type ErrorSource =
  | 'entra'
  | 'identity'
  | 'keyVault'
  | 'eventHubsRest'
  | 'fabric'
  | 'arm'
  | 'amqp'
  | 'network'
  | 'validation'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

/** An error reduced to its structured fields. `message` is always redacted. */
export interface ParsedError {
  readonly source: ErrorSource;
  /** The most specific code: AADSTS number as "AADSTS7000215", Key Vault inner code, AMQP code, errno… */
  readonly code: string;
  readonly status?: number;
  /** Secondary code, e.g. Key Vault `error.code` when `innererror.code` is the main one, or Entra `error`. */
  readonly innerCode?: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /**
   * Specifics read from the service's answer that the explanation quotes, e.g. `clientAddress`
   * (the IP a vault firewall saw), `scope` (the resource a role is missing on), `resource` (what a
   * v1 token request asked for). Redacted like `message`.
   */
  readonly details?: Readonly<Record<string, string>>;
  /**
   * Network stages: the endpoints tried, each with its transport, port and outcome, e.g.
   * "amqps://ns.servicebus.windows.net:5671 failed (ECONNRESET)" (read from an error's `endpointsTried`).
   */
  readonly tried?: readonly string[];
}

/** What the user reads: cause and remedy for a code. */
export interface Explanation {
  readonly code: string;
  /** One line, fit for a notification. */
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly docsUrl?: string;
}

/** Plain data (JSON-safe, webview-safe): a parsed error, the stage it failed, and its explanation. */
export interface ExplainedError extends ParsedError {
  readonly stage?: StageId;
  readonly explanation: Explanation;
  /**
   * When a resource refused a token: what the token inspector found wrong with it when an earlier
   * stage obtained it (claim, reason, fix). Never the token or a secret.
   */
  readonly likelyCauses?: readonly LikelyCause[];
}

/** A claim of an earlier stage's token that explains a later failure. */
export interface LikelyCause {
  /** The stage that obtained the token. */
  readonly tokenStage: StageId;
  readonly claim: string;
  readonly reason: string;
  readonly fix: string;
}

/**
 * Base of the typed per-stage errors. Guard with `isStageError` rather than `instanceof`, which
 * breaks when the CLI, the extension and the tests load separate bundles.
 */
export class StageError extends Error {
  readonly isStageError = true as const;
  constructor(
    readonly stage: StageId,
    readonly info: ExplainedError,
    options?: { cause?: unknown },
  ) {
    super(`${info.explanation.summary} (${info.code})`, options);
    this.name = 'StageError';
  }
}

export class KeyVaultTokenError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('keyVaultToken', info, options);
    this.name = 'KeyVaultTokenError';
  }
}
export class ReadClientIdError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('readClientId', info, options);
    this.name = 'ReadClientIdError';
  }
}
export class ReadClientSecretError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('readClientSecret', info, options);
    this.name = 'ReadClientSecretError';
  }
}
export class EventHubsTokenError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('eventHubsToken', info, options);
    this.name = 'EventHubsTokenError';
  }
}
export class SendError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('send', info, options);
    this.name = 'SendError';
  }
}
export class ProbeError extends StageError {
  constructor(info: ExplainedError, options?: { cause?: unknown }) {
    super('probe', info, options);
    this.name = 'ProbeError';
  }
}

const STAGE_ERROR_CLASSES: Readonly<Record<StageId, new (info: ExplainedError, options?: { cause?: unknown }) => StageError>> = {
  keyVaultToken: KeyVaultTokenError,
  readClientId: ReadClientIdError,
  readClientSecret: ReadClientSecretError,
  eventHubsToken: EventHubsTokenError,
  send: SendError,
  probe: ProbeError,
};

export function createStageError(stage: StageId, info: ExplainedError, cause?: unknown): StageError {
  return new STAGE_ERROR_CLASSES[stage]({ ...info, stage }, { cause });
}

export function isStageError(value: unknown): value is StageError {
  return typeof value === 'object' && value !== null && (value as { isStageError?: unknown }).isStageError === true;
}

/** Bad input: names the field, says what is wrong and how to fix it. Nothing is sent. */
export class ValidationError extends Error {
  readonly isValidationError = true as const;
  readonly field: string;
  readonly problem: string;
  readonly fix: string;
  constructor(field: string, problem: string, fix: string) {
    // The texts may quote what the user typed: a line break in it must not forge a line of output.
    const field1 = oneLine(field);
    const problem1 = oneLine(problem);
    const fix1 = oneLine(fix);
    super(`${field1}: ${problem1} ${fix1}`);
    this.field = field1;
    this.problem = problem1;
    this.fix = fix1;
    this.name = 'ValidationError';
  }
}

/** Control characters and line separators written as escapes (\r, \n, \t, \u2028…). */
function oneLine(text: string): string {
  const named: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (ch) => named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function isValidationError(value: unknown): value is ValidationError {
  return typeof value === 'object' && value !== null && (value as { isValidationError?: unknown }).isValidationError === true;
}

/** The user (or a caller's AbortSignal) cancelled: reported silently, never as a failure. */
export class CancelledError extends Error {
  readonly isCancelledError = true as const;
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function isCancelledError(value: unknown): value is CancelledError {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as { isCancelledError?: unknown }).isCancelledError === true || (value as { name?: unknown }).name === 'AbortError')
  );
}

/**
 * A non-success HTTP response from a hand-written request (raw Entra token POST, Event Hubs REST send,
 * raw Key Vault GET). `parseError` reads its body by `service`. The body is kept for parsing only:
 * it is never shown without passing through `parseError`, which redacts.
 */
export class HttpResponseError extends Error {
  readonly isHttpResponseError = true as const;
  constructor(
    readonly service: 'entra' | 'keyVault' | 'eventHubsRest' | 'fabric' | 'arm',
    readonly status: number,
    readonly headers: Readonly<Record<string, string | undefined>>,
    readonly bodyText: string,
  ) {
    super(`${service} answered HTTP ${status}`);
    this.name = 'HttpResponseError';
  }
}

export function isHttpResponseError(value: unknown): value is HttpResponseError {
  return typeof value === 'object' && value !== null && (value as { isHttpResponseError?: unknown }).isHttpResponseError === true;
}
