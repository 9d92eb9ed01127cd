/**
 * The send panel's messages: what the webview posts to the host, what the host posts back, and the
 * webview-safe views they carry (stages, read back, results, history). Part of the panel's protocol
 * (sendPanelProtocol.ts); no DOM, Node or vscode imports.
 */
import { PIPELINE_STAGES } from '../core/flow/plan';
import type { StageId } from '../core/flow/types';
import type { PersistedForm, Protocol, SendForm } from './sendPanelForm';
import type { PipelineRunView } from './sendPanelPipeline';

/** The five stages the panel shows, in pipeline order (a send never runs the probe). */
export type PanelStageId = Exclude<StageId, 'probe'>;
export const PANEL_STAGES = PIPELINE_STAGES.filter((s): s is PanelStageId => s !== 'probe');

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
  | { readonly type: 'history'; readonly entries: readonly HistoryEntry[] }
  /** The latest pipeline run of the selected profile (Run Pipeline, Compare); without `run`: none. */
  | { readonly type: 'pipelineRun'; readonly run?: PipelineRunView };

export type HostMessageType = HostMessage['type'];

