import type { ConnectionProfile } from '../model/profile';
import type { Logger } from '../logging/logger';
import type { Redactor } from '../logging/redact';
import type { ExplainedError } from '../errors/errors';
import type { SecretCache } from './secretCache';
import type { TokenCache } from './tokenCache';
import type { AmqpSession } from '../azure/amqpSession';
import type { ProxySettings } from '../azure/proxy';
import type { TokenInspection } from '../diagnostics/tokenInspector';
import type { EventsToSend } from '../events/eventSource';
import type { SendCounts, SendTally } from '../events/sendTally';

// StageId and STAGE_TITLES live in stageId.ts (below errors/); re-exported so importers keep compiling.
import type { StageId } from './stageId';
export { type StageId, STAGE_TITLES } from './stageId';

// AccessToken, TokenProvider and SecretValue live in credentials.ts, which the caches import.
import type { AccessToken, TokenProvider, SecretValue } from './credentials';
export type { AccessToken, TokenProvider, SecretValue } from './credentials';

export type { EventToSend } from '../events/eventSource';

export interface SendRequest {
  /** A list, or a source that makes each event when the sender has room for it (streaming sends). */
  readonly events: EventsToSend;
  /** Mutually exclusive with partitionId. At most 128 characters. */
  readonly partitionKey?: string;
  readonly partitionId?: string;
  /** Overrides the profile's protocol. */
  readonly protocol?: 'rest' | 'amqp';
  /**
   * Caller-owned counters the sender keeps as it goes: after a cancel or a failure they say how many
   * events were acknowledged, in flight and never sent. Made by the sender when absent.
   */
  readonly tally?: SendTally;
  /** Unanswered requests/batches at once (default: 1 with a partition key or id, which keeps order; else 2). */
  readonly maxInFlight?: number;
  /** Load mode: a steady rate; throttling slows it instead of failing. */
  readonly pace?: Pace;
  /** Each request's or batch's round-trip time (ms), for latency percentiles. */
  readonly onLatency?: (ms: number) => void;
  /** Throttling changed the pace (events per second now). */
  readonly onRateChange?: (eventsPerSecond: number) => void;
}

/** A steady rate (load mode): event i is not sent before start + i / rate. */
export interface Pace {
  readonly eventsPerSecond: number;
}

export interface SendResult {
  readonly protocol: 'rest' | 'amqp';
  readonly eventsAccepted: number;
  /** Requests (REST) or batches (AMQP) it took. */
  readonly requests: number;
  /** Payload bytes put on the wire (bodies, after encoding). */
  readonly bytes: number;
  /** Requests or batches the service throttled and that were sent again. */
  readonly throttled?: number;
  readonly partitionKey?: string;
  readonly partitionId?: string;
}

export interface EndpointInfo {
  readonly eventHubName: string;
  readonly createdOn: Date;
  readonly partitionIds: readonly string[];
  readonly partitions: readonly PartitionInfo[];
}

export interface PartitionInfo {
  readonly partitionId: string;
  readonly beginningSequenceNumber: number;
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedOnUtc: Date;
  readonly isEmpty: boolean;
}

/** Platform capabilities the core is handed; the CLI and the extension supply them. */
export interface FlowServices {
  /** Session-wide: the engine adds every secret a run learns, so the logger never prints one. */
  readonly redactor: Redactor;
  /** Must redact through `redactor` (see createLogger). */
  readonly logger: Logger;
  readonly tokenCache: TokenCache;
  /** The editor's signed-in account (KeyVaultAuth kind `signedInUser`). */
  readonly signedInUser?: TokenProvider;
  /**
   * The api-version of stages 2 and 3's request, the pipeline's own raw GET (default "7.0", as Data
   * Factory documents); `sdk` reads through @azure/keyvault-secrets instead (same route, the SDK's api-version).
   */
  readonly keyVaultApiVersion?: string;
  /** Stages 2 and 3 warn when the secret read expires within this many days (default 30; 0 = only once expired). */
  readonly secretExpiryWarningDays?: number;
  /**
   * HTTP proxy for every request of the flow (CONNECT tunnel; AMQP then goes over WebSockets).
   * From HTTPS_PROXY in the CLI, VS Code's http.proxy in the extension. Its credentials are secrets.
   */
  readonly proxy?: ProxySettings;
  /**
   * True where this process's https requests reach the network as written: the CLI, or VS Code with
   * `http.proxySupport: off`. Otherwise VS Code may route them through a system or PAC proxy the flow
   * cannot see, so no connection to a remote host is opened early (loopback ones still are).
   */
  readonly directConnections?: boolean;
  /** Per-stage timeout; a stage that exceeds it fails with code `StageTimeout`. */
  readonly stageTimeoutMs: number;
  /**
   * Kept-open AMQP producers: a send reuses the one the last send to the same endpoint and
   * credential left open (the editor holds one session; without it every send connects afresh).
   */
  readonly amqpSession?: AmqpSession;
  /**
   * The secrets stages 2 and 3 read, reused by the next run for a few minutes (warm sends); dropped
   * when a run fails. Without it every run reads them from Key Vault.
   */
  readonly secretCache?: SecretCache;
  /** Milliseconds since epoch; injectable for cache tests. */
  readonly now: () => number;
}

/** What every stage receives. `signal` aborts on cancellation and on the stage timeout. */
export interface StageContext {
  readonly profile: ConnectionProfile;
  readonly services: FlowServices;
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
}

/** What each stage produced, keyed by stage: the engine passes a stage the outputs of its dependencies. */
export interface StageOutputs {
  keyVaultToken: AccessToken;
  readClientId: SecretValue;
  readClientSecret: SecretValue;
  eventHubsToken: AccessToken;
  send: SendResult;
  probe: EndpointInfo;
}

export type FlowEvent =
  | { readonly type: 'stageStarted'; readonly stage: StageId; readonly at: number }
  | {
      readonly type: 'stageSucceeded';
      readonly stage: StageId;
      readonly durationMs: number;
      /** One safe line, e.g. "secret pipeline-client-id, version 3f…, enabled". Never a value. */
      readonly summary: string;
      /** Served from the token cache rather than the network. */
      readonly cached?: boolean;
      /** Token stages: the decoded claims and their checks against the next stage (never the token). */
      readonly inspection?: TokenInspection;
    }
  | { readonly type: 'stageFailed'; readonly stage: StageId; readonly durationMs: number; readonly error: ExplainedError }
  | { readonly type: 'stageCancelled'; readonly stage: StageId; readonly durationMs: number }
  | { readonly type: 'stageSkipped'; readonly stage: StageId; readonly reason: string };

export type StageStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'notRun';

export interface StageOutcome {
  readonly stage: StageId;
  readonly status: StageStatus;
  readonly durationMs?: number;
  readonly summary?: string;
  readonly error?: ExplainedError;
  /** Token stages: the decoded claims and their checks against the next stage (never the token). */
  readonly inspection?: TokenInspection;
}

export interface FlowResult {
  readonly ok: boolean;
  /** The caller's signal aborted the run: report silently, not as a failure. */
  readonly cancelled: boolean;
  readonly outcomes: readonly StageOutcome[];
  readonly failedStage?: StageId;
  readonly totalMs: number;
  readonly send?: SendResult;
  /** Where every event stands when a send ran: after a cancel or a failure too. */
  readonly sendCounts?: SendCounts;
  readonly endpoint?: EndpointInfo;
}
