/** What the Event Hubs peers accepted: the public ReceivedEventLog and the peers' EventRecorder. */
import type { EventRecorder, StoredEvent } from './internal';
import type { ReceivedEvent, ReceivedEventLog, ThrottledSend } from './types';

interface PartitionState {
  /** Sequence number of the next event (Event Hubs starts each partition at 0). */
  next: number;
  /** Byte offset of the next event, like the service's stream offsets. */
  nextOffset: number;
  lastOffset: string;
  lastEnqueuedAt?: Date;
  /** What consumers can still read, oldest first (bounded, like a hub's retention). */
  readonly retained: StoredEvent[];
}

/** Events kept per partition for consumers; older ones age out as retention would. */
const RETAINED_PER_PARTITION = 5000;

export class ReceivedLog implements ReceivedEventLog, EventRecorder {
  private readonly events: ReceivedEvent[] = [];
  /** Received since clear(), including the events no longer kept. */
  private total = 0;
  private readonly refused: ThrottledSend[] = [];
  private readonly partitions = new Map<string, PartitionState>();
  private waiters: { count: number; resolve: (events: readonly ReceivedEvent[]) => void }[] = [];
  private readonly listeners = new Set<(stored: StoredEvent) => void>();

  /** @param keep how many events all() keeps (SandboxOptions.keepReceived); default every one. */
  constructor(private readonly keep = Number.POSITIVE_INFINITY) {}

  record(event: Omit<ReceivedEvent, 'sequenceNumber' | 'receivedAt'>): ReceivedEvent {
    const state = this.stateOf(event.partitionId);
    const received: ReceivedEvent = { ...event, sequenceNumber: state.next, receivedAt: new Date() };
    const stored: StoredEvent = { event: received, offset: String(state.nextOffset) };
    state.next++;
    state.lastOffset = stored.offset;
    state.nextOffset += Math.max(1, event.body.length);
    state.lastEnqueuedAt = received.receivedAt;
    state.retained.push(stored);
    if (state.retained.length > RETAINED_PER_PARTITION) {
      state.retained.shift();
    }
    this.events.push(received);
    this.total++;
    if (this.events.length >= 2 * this.keep) {
      // Trimmed in halves, not one shift per event: amortised O(1).
      this.events.splice(0, this.events.length - this.keep);
    }
    this.wake();
    for (const listener of [...this.listeners]) {
      listener(stored);
    }
    return received;
  }

  recordThrottled(send: Omit<ThrottledSend, 'at'>): void {
    this.refused.push({ ...send, at: new Date() });
  }

  throttled(): readonly ThrottledSend[] {
    return [...this.refused];
  }

  partitionState(partitionId: string): { beginSequenceNumber: number; lastSequenceNumber: number; lastEnqueuedAt?: Date; lastOffset: string } {
    const state = this.stateOf(partitionId);
    return {
      beginSequenceNumber: 0,
      // -1 / "-1" for an empty partition, as the service reports.
      lastSequenceNumber: state.next - 1,
      lastOffset: state.lastOffset,
      ...(state.lastEnqueuedAt ? { lastEnqueuedAt: state.lastEnqueuedAt } : {}),
    };
  }

  stream(partitionId: string): readonly StoredEvent[] {
    return this.stateOf(partitionId).retained;
  }

  onRecord(listener: (stored: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): readonly ReceivedEvent[] {
    return this.events.length > this.keep ? this.events.slice(-this.keep) : [...this.events];
  }

  count(): number {
    return this.total;
  }

  /**
   * Forgets the events, not the partitions' sequence numbers (a real hub never reuses them) nor
   * what consumers can read: a test's clear() is not a hub's retention.
   */
  clear(): void {
    this.events.splice(0);
    this.total = 0;
    this.refused.splice(0);
  }

  waitFor(count: number, timeoutMs = 10_000): Promise<readonly ReceivedEvent[]> {
    if (this.total >= count) {
      return Promise.resolve(this.all());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        count,
        resolve: (events: readonly ReceivedEvent[]) => {
          clearTimeout(timer);
          resolve(events);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`Expected ${count} events, received ${this.total} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private stateOf(partitionId: string): PartitionState {
    let state = this.partitions.get(partitionId);
    if (!state) {
      state = { next: 0, nextOffset: 0, lastOffset: '-1', retained: [] };
      this.partitions.set(partitionId, state);
    }
    return state;
  }

  private wake(): void {
    const ready = this.waiters.filter((waiter) => this.total >= waiter.count);
    this.waiters = this.waiters.filter((waiter) => this.total < waiter.count);
    for (const waiter of ready) {
      waiter.resolve(this.all());
    }
  }
}
