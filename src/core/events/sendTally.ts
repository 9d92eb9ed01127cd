/**
 * Where every event of a send stands, kept by the sender as it goes (issue #8), so that a cancel
 * or a failure can say exactly how many the service acknowledged, how many were in flight (sent,
 * no answer: they may or may not have arrived) and how many were never sent.
 *
 * Invariant: acknowledged + inFlight + rejected + neverSent = total, at every moment.
 */
export interface SendCounts {
  readonly total: number;
  /** Made from the template and encoded (includes those in a batch being filled). */
  readonly generated: number;
  /** Answered with success (REST 201, AMQP accepted disposition). */
  readonly acknowledged: number;
  /** On the wire without an answer; after a cancel, their fate is unknown. */
  readonly inFlight: number;
  /** Refused by the service (a request or batch that failed); not retried. */
  readonly rejected: number;
  readonly neverSent: number;
  /** Requests (REST) or batches (AMQP) acknowledged. */
  readonly requests: number;
  /** Body bytes acknowledged. */
  readonly bytes: number;
  /** Requests or batches the service throttled (and that were then sent again). */
  readonly throttled: number;
  readonly elapsedMs: number;
}

export class SendTally {
  generated = 0;
  acknowledged = 0;
  inFlight = 0;
  rejected = 0;
  requests = 0;
  bytes = 0;
  throttled = 0;
  private startedAt: number | undefined;
  private readonly listeners = new Set<(counts: SendCounts) => void>();

  constructor(
    readonly total: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The clock for throughput starts with the first event, not with the stages before the send. */
  start(): void {
    this.startedAt ??= this.now();
  }

  /** Told after every change that matters (a request sent or answered); keep it cheap. Returns the unsubscribe. */
  onChange(listener: (counts: SendCounts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sending(events: number): void {
    this.inFlight += events;
    this.changed();
  }

  acknowledge(events: number, bytes: number): void {
    this.inFlight -= events;
    this.acknowledged += events;
    this.requests += 1;
    this.bytes += bytes;
    this.changed();
  }

  reject(events: number): void {
    this.inFlight -= events;
    this.rejected += events;
    this.changed();
  }

  /** A throttled request is not lost: it goes back to "not yet sent" and will be sent again. */
  throttle(events: number): void {
    this.inFlight -= events;
    this.throttled += 1;
    this.changed();
  }

  counts(): SendCounts {
    return {
      total: this.total,
      generated: this.generated,
      acknowledged: this.acknowledged,
      inFlight: this.inFlight,
      rejected: this.rejected,
      neverSent: this.total - this.acknowledged - this.inFlight - this.rejected,
      requests: this.requests,
      bytes: this.bytes,
      throttled: this.throttled,
      elapsedMs: this.startedAt === undefined ? 0 : Math.max(0, this.now() - this.startedAt),
    };
  }

  private changed(): void {
    if (this.listeners.size === 0) {
      return;
    }
    const counts = this.counts();
    for (const listener of this.listeners) {
      listener(counts);
    }
  }
}

/** "1,234 acknowledged, 5,000 in flight (unknown), 993,766 never sent", for reports after a cancel or failure. */
export function describeCounts(counts: SendCounts): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const parts = [`${n(counts.acknowledged)} acknowledged`];
  if (counts.inFlight > 0) {
    parts.push(`${n(counts.inFlight)} in flight (unknown: may or may not have arrived)`);
  }
  if (counts.rejected > 0) {
    parts.push(`${n(counts.rejected)} rejected`);
  }
  parts.push(`${n(counts.neverSent)} never sent`);
  return `${parts.join(', ')} of ${n(counts.total)}`;
}

/** Acknowledged events per second so far. */
export function throughputOf(counts: SendCounts): number {
  return counts.elapsedMs > 0 ? (counts.acknowledged * 1000) / counts.elapsedMs : 0;
}
