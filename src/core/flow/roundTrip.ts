import { mapEventSource } from '../events/eventSource';
import { randomUUID } from 'node:crypto';
import type { AmqpAuth } from '../azure/amqpConnection';
import { parseConnectionString } from '../azure/connectionString';
import { toTokenCredential } from '../azure/credentials';
import { watchEvents, type ConsumedEvent, type EventWatch } from '../azure/consumer';
import { explainError } from '../errors/explain';
import type { ExplainedError } from '../errors/errors';
import type { EndpointAuth, ReadBackSettings } from '../model/profile';
import { canonicalProfile, ENTRA_READ_BACK_WITHOUT_TOKEN } from '../model/validate';
import { runFlow, type RunFlowOptions } from './engine';
import { amqpTransportOptions } from './stages/network';
import type { ConnectionProfile } from '../model/profile';
import type { FlowResult, FlowServices, SendRequest, StageContext, StageOutputs } from './types';
import { destinationsOf } from '../azure/credentialGuard';

/**
 * The optional round trip: open a consumer on the read-back endpoint before stage 5, send the
 * event(s) stamped with a correlation id, then wait for that event to come out of the consumer
 * group and report where it landed and how long it took.
 */

/** The custom property that carries the correlation id (REST header and AMQP application property alike). */
export const CORRELATION_PROPERTY = 'correlation-id';
export const DEFAULT_CONSUMER_GROUP = '$Default';
export const DEFAULT_READ_BACK_TIMEOUT_SECONDS = 30;
/**
 * The consumer starts this far before the send: the service stamps enqueue times with its own
 * clock, and a client clock ahead of it would otherwise filter the event out. Earlier events are
 * read and skipped by correlation id.
 */
export const CLOCK_SKEW_MARGIN_MS = 60_000;

/** What the caller asks of the round trip; the profile's `readBack` supplies the rest. */
export interface ReadBackRequest {
  /** Overrides the profile's consumer group. */
  readonly consumerGroup?: string;
  /** Overrides the profile's timeout, seconds. */
  readonly timeoutSeconds?: number;
  /** Fixed correlation id (tests); a random UUID otherwise. */
  readonly correlationId?: string;
}

interface ReadBackWhere {
  readonly correlationId: string;
  readonly namespace: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
}

export type ReadBackOutcome =
  | (ReadBackWhere & {
      readonly status: 'matched';
      readonly partitionId: string;
      readonly sequenceNumber: number;
      readonly offset: string;
      /** Send start → the consumer here had the event (ms). */
      readonly latencyMs: number;
      /** Send start → the service's enqueue time (ms; the two clocks may differ a little). */
      readonly enqueueLatencyMs: number;
      readonly enqueuedOn: string;
      /** Other events the consumer read (other traffic) before the match. */
      readonly otherEvents: number;
    })
  | (ReadBackWhere & { readonly status: 'failed'; readonly waitedMs: number; readonly error: ExplainedError })
  /** The send failed or was cancelled: nothing to wait for. */
  | (ReadBackWhere & { readonly status: 'notRun'; readonly reason: string });

export interface RoundTripResult extends FlowResult {
  readonly readBack?: ReadBackOutcome;
}

/** Thrown when the event does not arrive in time; explained by the table entry `ReadBackTimeout`. */
export class ReadBackTimeoutError extends Error {
  readonly code = 'ReadBackTimeout';
  constructor(correlationId: string, seconds: number, consumerGroup: string, otherEvents: number) {
    super(
      `No event with ${CORRELATION_PROPERTY} ${correlationId} arrived in consumer group ${consumerGroup} within ${seconds} s (${otherEvents} other event${otherEvents === 1 ? '' : 's'} read).`,
    );
    this.name = 'ReadBackTimeoutError';
  }
}

/**
 * Stamps every event with the correlation id: as a custom property (kept alongside the user's own,
 * and what Eventstream destinations keep), as correlation-id, and a message-id per event.
 */
export function withCorrelationId(send: SendRequest, correlationId: string): SendRequest {
  return {
    ...send,
    events: mapEventSource(send.events, (event, i, count) => ({
      ...event,
      properties: { ...event.properties, [CORRELATION_PROPERTY]: correlationId },
      correlationId,
      messageId: count === 1 ? correlationId : `${correlationId}.${i}`,
    })),
  };
}

export function isCorrelated(event: ConsumedEvent, correlationId: string): boolean {
  return event.properties[CORRELATION_PROPERTY] === correlationId || event.correlationId === correlationId || event.messageId === correlationId;
}

function registerReadBackSecrets(settings: ReadBackSettings | undefined, services: FlowServices): void {
  const auth = settings?.auth;
  if (auth?.kind === 'sas') {
    services.redactor.add(auth.key);
  } else if (auth?.kind === 'connectionString') {
    services.redactor.add(auth.connectionString);
    try {
      const parsed = parseConnectionString(auth.connectionString);
      services.redactor.add(parsed.key);
      services.redactor.add(parsed.sharedAccessSignature);
    } catch {
      // A malformed string fails when the consumer opens; the whole string is registered above.
    }
  }
}

/** The consumer's namespace, hub and credentials: the read-back settings, else the send endpoint's. */
function consumerTarget(profile: ConnectionProfile, auth: EndpointAuth, outputs: Partial<StageOutputs>): { namespace: string; eventHubName: string; auth: AmqpAuth } {
  const settings = profile.readBack;
  const namespace = settings?.namespace?.trim() || profile.endpoint.namespace;
  const eventHubName = settings?.eventHubName?.trim() || profile.endpoint.eventHubName;
  switch (auth.kind) {
    case 'entra': {
      // The stage-4 token: the pipeline principal must be allowed to listen as well.
      if (!outputs.eventHubsToken) {
        throw ENTRA_READ_BACK_WITHOUT_TOKEN;
      }
      const token = outputs.eventHubsToken;
      return { namespace, eventHubName, auth: { kind: 'token', credential: toTokenCredential(() => Promise.resolve(token)) } };
    }
    case 'sas':
      return { namespace, eventHubName, auth: { kind: 'sas', keyName: auth.keyName, key: auth.key } };
    case 'connectionString': {
      const parsed = parseConnectionString(auth.connectionString);
      return { namespace: parsed.namespace, eventHubName: parsed.eventHubName ?? eventHubName, auth: { kind: 'connectionString', connectionString: auth.connectionString } };
    }
  }
}

/**
 * Runs the flow to `send`; with `readBack`, listens on the consumer endpoint first and waits for
 * the sent event afterwards. A read-back failure never fails the flow: it is reported beside it.
 */
export async function runFlowWithReadBack(
  input: ConnectionProfile,
  services: FlowServices,
  options: RunFlowOptions & { readonly readBack?: ReadBackRequest },
): Promise<RoundTripResult> {
  const profile = canonicalProfile(input);
  const { readBack, ...flowOptions } = options;
  if (!readBack || !options.send || (options.target ?? 'send') !== 'send') {
    return runFlow(profile, services, flowOptions);
  }
  const settings = profile.readBack;
  registerReadBackSecrets(settings, services);
  const log = services.logger.child('readBack');
  const correlationId = readBack.correlationId ?? randomUUID();
  const consumerGroup = readBack.consumerGroup?.trim() || settings?.consumerGroup?.trim() || DEFAULT_CONSUMER_GROUP;
  const timeoutSeconds = readBack.timeoutSeconds ?? settings?.timeoutSeconds ?? DEFAULT_READ_BACK_TIMEOUT_SECONDS;
  const timeoutMs = timeoutSeconds * 1000;
  const send = withCorrelationId(options.send, correlationId);

  let where: ReadBackWhere = { correlationId, namespace: settings?.namespace ?? profile.endpoint.namespace, eventHubName: settings?.eventHubName ?? profile.endpoint.eventHubName, consumerGroup };
  let watch: EventWatch | undefined;
  let openFailure: unknown;
  let openedAt = 0;
  let sendStartedAt = 0;

  const openConsumer = async (ctx: StageContext, outputs: Partial<StageOutputs>): Promise<void> => {
    openedAt = services.now();
    try {
      // ctx.profile: the run's canonical profile (runFlow validated its hosts), not the caller's text.
      const target = consumerTarget(ctx.profile, ctx.profile.readBack?.auth ?? ctx.profile.endpoint.auth, outputs);
      where = { ...where, namespace: target.namespace, eventHubName: target.eventHubName };

      // Opening counts against the read-back timeout; the run's cancel stops it too.
      const opening = new AbortController();
      const timer = setTimeout(() => opening.abort(new ReadBackTimeoutError(correlationId, timeoutSeconds, consumerGroup, 0)), timeoutMs);
      try {
        watch = await watchEvents({
          namespace: target.namespace,
          eventHubName: target.eventHubName,
          consumerGroup,
          auth: target.auth,
          destination: destinationsOf(ctx.profile).readBack,
          enqueuedAfter: Date.now() - CLOCK_SKEW_MARGIN_MS,
          // Only the send's partition, when the consumer reads the hub it was sent to.
          ...(send.partitionId !== undefined && !settings?.eventHubName && !settings?.namespace ? { partitionId: send.partitionId } : {}),
          ...(profile.trustedCaPem ? { trustedCaPem: profile.trustedCaPem } : {}),
          // The send stage's transport policy: the profile's pin, else TCP with a WebSockets fallback.
          ...amqpTransportOptions(ctx),
          ...(services.proxy ? { proxy: services.proxy } : {}),
          signal: AbortSignal.any([ctx.signal, opening.signal]),
          logger: log,
          // The consumer's SAS tokens (one per partition link) join the run's redactor.
          secrets: services.redactor,
        });
      } finally {
        clearTimeout(timer);
      }
      log.info(`Listening on ${target.namespace}/${target.eventHubName}, consumer group ${consumerGroup}, in ${services.now() - openedAt} ms`);
    } catch (error) {
      openFailure = error;
    }
    sendStartedAt = services.now();
  };

  try {
    const flow = await runFlow(profile, services, {
      ...flowOptions,
      send,
      beforeStage: async (stage, ctx, outputs) => {
        await flowOptions.beforeStage?.(stage, ctx, outputs);
        if (stage === 'send') {
          await openConsumer(ctx, outputs);
        }
      },
    });
    const explain = (error: unknown): ExplainedError => {
      const explained = explainError(error, {});
      const redact = (text: string): string => services.redactor.redact(text);
      const { explanation } = explained;
      return {
        ...explained,
        message: redact(explained.message),
        explanation: { ...explanation, summary: redact(explanation.summary), cause: redact(explanation.cause), fix: redact(explanation.fix) },
      };
    };
    if (!flow.send) {
      return { ...flow, readBack: { ...where, status: 'notRun', reason: flow.cancelled ? 'The run was cancelled.' : 'The event was not sent.' } };
    }
    if (openFailure !== undefined || !watch) {
      const error = explain(openFailure);
      log.error(`Read back failed before the send: [${error.code}] ${error.explanation.summary}`, openFailure);
      return { ...flow, readBack: { ...where, status: 'failed', waitedMs: sendStartedAt - openedAt, error } };
    }
    const current = watch;
    try {
      const signal = options.signal ?? new AbortController().signal;
      const event = await waitWithin(
        current.next((e) => isCorrelated(e, correlationId)),
        Math.max(0, timeoutMs - (sendStartedAt - openedAt)),
        signal,
        () => new ReadBackTimeoutError(correlationId, timeoutSeconds, consumerGroup, current.seen()),
      );
      const outcome: ReadBackOutcome = {
        ...where,
        status: 'matched',
        partitionId: event.partitionId,
        sequenceNumber: event.sequenceNumber,
        offset: event.offset,
        latencyMs: Math.max(0, event.receivedAt - sendStartedAt),
        enqueueLatencyMs: event.enqueuedOn.getTime() - sendStartedAt,
        enqueuedOn: event.enqueuedOn.toISOString(),
        otherEvents: current.seen(),
      };
      log.info(`Read back ${correlationId} on partition ${outcome.partitionId} (seq ${outcome.sequenceNumber}) in ${outcome.latencyMs} ms`);
      return { ...flow, readBack: outcome };
    } catch (error) {
      // A cancel once the event was sent stops the wait: nothing failed, the user stopped it.
      if (options.signal?.aborted) {
        return { ...flow, readBack: { ...where, status: 'notRun', reason: 'The run was cancelled.' } };
      }
      const explained = explain(error);
      log.error(`Read back failed: [${explained.code}] ${explained.explanation.summary}`, error);
      return { ...flow, readBack: { ...where, status: 'failed', waitedMs: services.now() - sendStartedAt, error: explained } };
    }
  } finally {
    await watch?.close();
  }
}

/** `work` or a timeout error after `ms`, whichever comes first; the caller's signal cancels. */
function waitWithin<T>(work: Promise<T>, ms: number, signal: AbortSignal, timeoutError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A cancel that landed before the wait began (as the send finished) fires no 'abort' event.
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled.'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled.'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      reject(timeoutError());
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
