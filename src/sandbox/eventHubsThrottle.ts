/**
 * A per-partition ingress limit for the Event Hubs peer, so throttling can be tested. Off unless
 * set. The real limits are per namespace: one Standard-tier throughput unit gives "Ingress: Up to
 * 1 MB per second or 1,000 events per second (whichever comes first)", and "beyond the capacity
 * of the purchased throughput units, ingress is throttled" with ServerBusy (MicrosoftDocs/azure-docs
 * articles/event-hubs/event-hubs-scalability.md; wire facts §4.5). Microsoft also recommends "a
 * maximum throughput of 1 MB/s per partition" (articles/event-hubs/includes/event-hubs-partition-count.md),
 * and a partition that is a hot spot is throttled on its own (error 50002). How the service
 * measures its "short window running total" is not documented; the sandbox uses a token bucket per
 * partition holding one second of the limit, refilled continuously.
 */
import type { EventRecorder } from './internal';
import type { PartitionLimit } from './types';

/** What one request puts on a partition. */
export interface PartitionLoad {
  readonly events: number;
  readonly bytes: number;
}

export type Admission = { readonly ok: true } | { readonly ok: false; readonly partitionId: string; readonly retryAfterSeconds: number };

interface Bucket {
  events: number;
  bytes: number;
  at: number;
}

export function checkPartitionLimit(limit: PartitionLimit | undefined): PartitionLimit | undefined {
  if (limit === undefined) {
    return undefined;
  }
  const { eventsPerSecond, bytesPerSecond } = limit;
  for (const [name, value] of [
    ['eventsPerSecond', eventsPerSecond],
    ['bytesPerSecond', bytesPerSecond],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new TypeError(`partitionLimit.${name} must be a positive number, got ${String(value)}.`);
    }
  }
  if (eventsPerSecond === undefined && bytesPerSecond === undefined) {
    throw new TypeError('partitionLimit needs eventsPerSecond, bytesPerSecond or both (or leave it out to turn the limit off).');
  }
  return { ...(eventsPerSecond !== undefined ? { eventsPerSecond } : {}), ...(bytesPerSecond !== undefined ? { bytesPerSecond } : {}) };
}

export class PartitionThrottle {
  private limit: PartitionLimit | undefined;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    limit?: PartitionLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limit = checkPartitionLimit(limit);
  }

  current(): PartitionLimit | undefined {
    return this.limit;
  }

  /** Turns the limit on, changes it (every bucket starts full again) or, with undefined, turns it off. */
  set(limit: PartitionLimit | undefined): void {
    this.limit = checkPartitionLimit(limit);
    this.buckets.clear();
  }

  /**
   * Takes what a request puts on each partition, all or nothing: refused on one partition, it
   * takes nothing from the others. A request bigger than a whole second of the limit passes when
   * the bucket is full and leaves it in debt, so one large batch is slowed down, never refused forever.
   */
  admit(load: ReadonlyMap<string, PartitionLoad>): Admission {
    const limit = this.limit;
    if (!limit) {
      return { ok: true };
    }
    const at = this.now();
    let refusal: { partitionId: string; waitSeconds: number } | undefined;
    for (const [partitionId, need] of load) {
      const bucket = this.refill(partitionId, limit, at);
      const wait = Math.max(shortfall(bucket.events, need.events, limit.eventsPerSecond), shortfall(bucket.bytes, need.bytes, limit.bytesPerSecond));
      if (wait > 0 && (!refusal || wait > refusal.waitSeconds)) {
        refusal = { partitionId, waitSeconds: wait };
      }
    }
    if (refusal) {
      // Whole seconds, as Retry-After has them; at least 1 so a client never retries in a loop.
      return { ok: false, partitionId: refusal.partitionId, retryAfterSeconds: Math.max(1, Math.ceil(refusal.waitSeconds)) };
    }
    for (const [partitionId, need] of load) {
      const bucket = this.buckets.get(partitionId)!;
      bucket.events -= need.events;
      bucket.bytes -= need.bytes;
    }
    return { ok: true };
  }

  private refill(partitionId: string, limit: PartitionLimit, at: number): Bucket {
    const events = limit.eventsPerSecond ?? Infinity;
    const bytes = limit.bytesPerSecond ?? Infinity;
    let bucket = this.buckets.get(partitionId);
    if (!bucket) {
      bucket = { events, bytes, at };
      this.buckets.set(partitionId, bucket);
      return bucket;
    }
    const elapsedSeconds = Math.max(0, at - bucket.at) / 1000;
    bucket.events = Math.min(events, bucket.events + elapsedSeconds * events);
    bucket.bytes = Math.min(bytes, bucket.bytes + elapsedSeconds * bytes);
    bucket.at = at;
    return bucket;
  }
}

/** Seconds until `tokens` reach what `need` requires (capped at one second's worth); 0 when they already do. */
function shortfall(tokens: number, need: number, perSecond: number | undefined): number {
  if (perSecond === undefined) {
    return 0;
  }
  const required = Math.min(need, perSecond);
  return tokens >= required ? 0 : (required - tokens) / perSecond;
}

/**
 * Asks the limit for a send's events (what each partition would get: count and body bytes); a
 * refusal is logged as throttled, so tests can tell what was refused from what was received.
 */
export function admitSend(
  throttle: PartitionThrottle,
  recorder: EventRecorder,
  send: { readonly protocol: 'rest' | 'amqp'; readonly eventHubName: string },
  events: readonly { readonly partitionId: string; readonly body: Buffer }[],
): Admission {
  if (!throttle.current()) {
    return { ok: true };
  }
  const load = new Map<string, { events: number; bytes: number }>();
  for (const event of events) {
    const entry = load.get(event.partitionId) ?? { events: 0, bytes: 0 };
    entry.events += 1;
    entry.bytes += event.body.length;
    load.set(event.partitionId, entry);
  }
  const admission = throttle.admit(load);
  if (!admission.ok) {
    recorder.recordThrottled({
      ...send,
      partitionId: admission.partitionId,
      events: events.length,
      bytes: events.reduce((sum, event) => sum + event.body.length, 0),
      retryAfterSeconds: admission.retryAfterSeconds,
    });
  }
  return admission;
}
