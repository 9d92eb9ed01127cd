/**
 * Simulated network latency for the Event Hubs peer (benchmarks): each answer waits `latencyMs`,
 * standing in for one round trip per operation, as the Entra ID and Key Vault peers do
 * (LoopbackHttpsServer). Timers, never busy waits, so one delayed operation holds up no other
 * partition, link or connection; stop() clears the pending ones so nothing keeps the process alive.
 */

/** The most a sandbox peer may wait before answering (a minute of "network" is a hang, not a test). */
export const MAX_LATENCY_MS = 60_000;

export function checkLatency(latencyMs: number | undefined): number {
  const value = latencyMs ?? 0;
  if (!Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new TypeError(`latencyMs must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}, got ${String(latencyMs)}.`);
  }
  return value;
}

export class NetworkDelay {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly latencyMs = 0) {}

  /**
   * Runs `step` after the latency (at once when there is none); dropped after stop(). Steps queued
   * with the same latency run in the order they were queued, so a link's transfers stay in order.
   */
  after(step: () => void): void {
    if (this.stopped) {
      return;
    }
    if (this.latencyMs <= 0) {
      step();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, this.latencyMs);
    this.timers.add(timer);
  }

  /** How many delayed steps are waiting (a test hook). */
  get pending(): number {
    return this.timers.size;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}
