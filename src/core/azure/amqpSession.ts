/**
 * Kept-open AMQP producers (issue #8). Opening an `EventHubProducerClient` costs a TLS handshake, the
 * AMQP open, a CBS put-token and a sender link (~200 ms on loopback, many round trips on a real
 * network); the send itself is one transfer. A session keeps one producer per endpoint and
 * credential open between sends, and closes it on purpose: after an idle time, on any failure, and
 * on `close()` (the extension's deactivation, a CLI exit). Its timers never keep a process alive.
 */
import { createHash } from 'node:crypto';
import type { AccessToken as SdkAccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { EventHubProducerClient } from '@azure/event-hubs';

/** Two minutes: long enough for "send again" while editing a body, short enough to free the link. */
export const DEFAULT_AMQP_IDLE_MS = 120_000;

/**
 * The credential a kept producer was built with, pointing at the latest run's: a warm send brings a
 * new stage-4 token (or the same cached one), and the SDK's next CBS refresh asks this for it.
 */
export class SwappableCredential implements TokenCredential {
  constructor(private target: TokenCredential) {}
  swap(target: TokenCredential): void {
    this.target = target;
  }
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<SdkAccessToken | null> {
    return this.target.getToken(scopes, options);
  }
}

export interface KeptProducer {
  readonly producer: EventHubProducerClient;
  /** Where it connected, for reports (amqps://…:5671 or wss://…). */
  readonly endpoint: string;
  readonly transport: 'tcp' | 'websockets';
  /** Set for Entra auth: swapped to each run's credential before use. */
  readonly credential?: SwappableCredential;
}

interface Entry {
  readonly kept: KeptProducer;
  timer: ReturnType<typeof setTimeout>;
  busy: boolean;
}

/** A one-way fingerprint: keys are kept in memory, but never with a key or connection string in them. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

export class AmqpSession {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  /** `idleMs` may be a function, read at each send (the editor's setting can change while it runs). */
  constructor(private readonly idleMs: number | (() => number) = DEFAULT_AMQP_IDLE_MS) {}

  /** The kept producer for `key`, taken out for one use (a concurrent send opens its own). */
  take(key: string): KeptProducer | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.busy) {
      return undefined;
    }
    entry.busy = true;
    clearTimeout(entry.timer);
    return entry.kept;
  }

  /** Keeps `kept` for the next send under `key` (after a success), replacing any other. */
  keep(key: string, kept: KeptProducer): void {
    if (this.closed) {
      void kept.producer.close().catch(() => undefined);
      return;
    }
    const existing = this.entries.get(key);
    if (existing && existing.kept !== kept) {
      clearTimeout(existing.timer);
      void existing.kept.producer.close().catch(() => undefined);
    }
    const idle = typeof this.idleMs === 'function' ? this.idleMs() : this.idleMs;
    const timer = setTimeout(() => void this.evict(key), Math.max(0, idle));
    timer.unref?.();
    this.entries.set(key, { kept, timer, busy: false });
  }

  /** Closes and forgets the producer under `key` (after a failure or a cancel). */
  async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) {
      return;
    }
    this.entries.delete(key);
    clearTimeout(entry.timer);
    await entry.kept.producer.close().catch(() => undefined);
  }

  /** How many producers are open now (tests, the log). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every kept producer (Refresh, a sign-in change); later sends keep theirs again. */
  async clear(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((key) => this.evict(key)));
  }

  /** Closes every producer; later sends open their own and close them (nothing is kept any more). */
  async close(): Promise<void> {
    this.closed = true;
    await this.clear();
  }
}
