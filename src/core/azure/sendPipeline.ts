import { abortError, sleep, throwIfAborted } from '../util/abort';
import type { EventSource } from '../events/eventSource';
import type { SendTally } from '../events/sendTally';
import type { Pace, SendResult } from '../flow/types';
import { isHttpResponseError } from '../errors/errors';
import { assertEventFits, encodeEvent, type EncodedEvent } from './eventEncoding';

/**
 * The streaming send both protocols share (issue #8): events are made one at a time from the
 * source, encoded, packed into a batch until it is full, and the batch is sent while the next one
 * fills, with at most `maxInFlight` unanswered. Memory is bounded by the batches in flight, not by
 * the count; a cancel stops between any two events; the tally says where every event stands.
 */

/** What a protocol supplies: how to start a batch, add to it, and send it. */
export interface BatchSink<B> {
  newBatch(): Promise<B> | B;
  /** False when the batch is full (the event is not added). */
  tryAdd(batch: B, event: EncodedEvent): boolean;
  /** Events and body bytes in the batch. */
  sizeOf(batch: B): { readonly events: number; readonly bytes: number };
  send(batch: B, signal: AbortSignal): Promise<void>;
  /** An event that does not fit even an empty batch: sent on its own (REST) or refused (AMQP). */
  sendAlone(event: EncodedEvent, signal: AbortSignal): Promise<void>;
  /** The batch is settled (answered, or failed for good): its memory may be reused. Not after a cancel. */
  release?(batch: B): void;
}

export interface PipelineOptions<B> {
  readonly source: EventSource;
  readonly sink: BatchSink<B>;
  readonly tally: SendTally;
  readonly signal: AbortSignal;
  /** Unanswered batches at once: 1 keeps order (a partition key or id); more overlaps round trips. */
  readonly maxInFlight: number;
  readonly pace?: Pace;
  /**
   * Throttled batches wait as the service asks and go again (a bulk send, a load run). A single
   * event reports the throttling instead, as a pipeline's Web activity would get it.
   */
  readonly retryThrottled: boolean;
  /** Called with each batch's round-trip time (ms), for latency percentiles. */
  readonly onLatency?: (ms: number) => void;
  /** Called when throttling changes the pace (events per second now). */
  readonly onRateChange?: (eventsPerSecond: number) => void;
  readonly maxEventBytes?: number;
  /** Injectable for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Throttled sends are tried again, waiting as the service asks, this many times per batch. */
export const MAX_THROTTLED_TRIES = 8;

export async function runSendPipeline<B>(options: PipelineOptions<B>): Promise<void> {
  const { source, sink, tally, signal } = options;
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let rate = options.pace?.eventsPerSecond;
  const targetRate = rate;
  let nextDue = now();
  let lastThrottleAt = 0;
  // One listener for the whole run (not one per wait: a million-event send would pile them up).
  const stopped = aborted(signal);
  stopped.catch(() => undefined);

  const dispatch = (send: (s: AbortSignal) => Promise<void>, events: number, bytes: number, release?: () => void): Promise<void> => {
    tally.sending(events);
    const started = now();
    const attempt = async (): Promise<void> => {
      for (let tries = 1; ; tries++) {
        try {
          await send(signal);
          return;
        } catch (error) {
          const wait = options.retryThrottled ? throttledFor(error) : undefined;
          if (wait === undefined || tries >= MAX_THROTTLED_TRIES || signal.aborted) {
            throw error;
          }
          // Throttled: nothing was accepted. Back off as asked, slow the pace, send the same batch again.
          tally.throttle(events);
          lastThrottleAt = now();
          if (rate !== undefined) {
            rate = Math.max(1, rate / 2);
            options.onRateChange?.(rate);
          }
          await pause(wait, signal);
          tally.sending(events);
        }
      }
    };
    const running = attempt().then(
      () => {
        options.onLatency?.(now() - started);
        tally.acknowledge(events, bytes);
        release?.();
      },
      (error: unknown) => {
        // After a cancel an aborted request's fate is unknown: it stays counted in flight (and its
        // bytes may still be on their way out, so they are not reused).
        if (!signal.aborted) {
          tally.reject(events);
          release?.();
        }
        failure ??= { error };
      },
    );
    const tracked = running.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  /** Waits for room: at most maxInFlight unanswered. */
  const room = async (): Promise<void> => {
    while (inFlight.size >= Math.max(1, options.maxInFlight) && !failure) {
      await Promise.race([...inFlight, stopped]);
      throwIfAborted(signal);
    }
  };

  const flush = async (batch: B): Promise<void> => {
    const { events, bytes } = sink.sizeOf(batch);
    if (events === 0) {
      return;
    }
    await room();
    checkFailure();
    void dispatch((s) => sink.send(batch, s), events, bytes, sink.release ? () => sink.release?.(batch) : undefined);
  };

  const checkFailure = (): void => {
    if (failure) {
      throw failure.error;
    }
    throwIfAborted(signal);
  };

  // A transport fallback runs the pipeline again (only when nothing was sent): count afresh.
  tally.generated = 0;
  tally.start();
  let batch = await sink.newBatch();
  for (let index = 0; index < source.count; index++) {
    checkFailure();
    if (rate !== undefined) {
      const due = nextDue;
      nextDue += 1000 / rate;
      if (due > now()) {
        // Not yet due: what is packed goes now (no linger), then wait for the schedule.
        if (sink.sizeOf(batch).events > 0) {
          await flush(batch);
          batch = await sink.newBatch();
        }
        await pause(due - now(), signal);
      }
      // Throttling eased off for a while: speed back up towards the asked rate.
      if (targetRate !== undefined && rate < targetRate && now() - lastThrottleAt > 2000) {
        rate = Math.min(targetRate, rate * 1.25);
        lastThrottleAt = now();
        options.onRateChange?.(rate);
      }
    }
    const event = encodeEvent(source.eventAt(index), index);
    assertEventFits(event, options.maxEventBytes);
    tally.generated += 1;
    if (sink.tryAdd(batch, event)) {
      continue;
    }
    if (sink.sizeOf(batch).events > 0) {
      await flush(batch);
      batch = await sink.newBatch();
      if (sink.tryAdd(batch, event)) {
        continue;
      }
    }
    await room();
    checkFailure();
    void dispatch((s) => sink.sendAlone(event, s), 1, event.bytes);
  }
  checkFailure();
  await flush(batch);
  // Let every batch answer; the first failure wins.
  while (inFlight.size > 0) {
    await Promise.race([Promise.all([...inFlight]), stopped]);
    throwIfAborted(signal);
  }
  checkFailure();
}

/** Milliseconds the service asked us to wait, when the error is throttling; undefined otherwise. */
export function throttledFor(error: unknown): number | undefined {
  if (isHttpResponseError(error)) {
    if (error.status !== 429 && !(error.status === 503 && /ServerBusy/i.test(error.bodyText))) {
      return undefined;
    }
    const seconds = Number(error.headers['retry-after']);
    return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : 1000;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // core-amqp's ServerBusyError (com.microsoft:server-busy); the service says to wait about 4 s (Event Hubs docs, "ServerBusyException").
  return code === 'ServerBusyError' ? 4000 : undefined;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}


/** What a finished send reports, from its tally. */
export function sendResultOf(protocol: 'rest' | 'amqp', tally: SendTally, request: { readonly partitionKey?: string; readonly partitionId?: string }): SendResult {
  const counts = tally.counts();
  return {
    protocol,
    eventsAccepted: counts.acknowledged,
    requests: counts.requests,
    bytes: counts.bytes,
    ...(counts.throttled > 0 ? { throttled: counts.throttled } : {}),
    ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
    ...(request.partitionId !== undefined ? { partitionId: request.partitionId } : {}),
  };
}
