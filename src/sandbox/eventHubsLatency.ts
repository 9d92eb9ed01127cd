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

/**
 * A new connection's set-up on a real network: the TCP handshake and the TLS 1.3 handshake, one
 * round trip each, before the client can send its first request. Applied by holding the server's
 * answer to the ClientHello (SNICallback runs asynchronously inside the handshake; no context means
 * the server's own). Clients that send no server name (an IP address as host) are not delayed.
 */
export function handshakeDelayOptions(
  latencyMs: number,
  /** Runs a step after one round trip: the peer's own timer (so its stop() drops what waits). */
  afterRoundTrip: (step: () => void) => void = (step) => setTimeout(step, latencyMs),
): { SNICallback?: (servername: string, callback: (error: Error | null) => void) => void } {
  if (latencyMs <= 0) {
    return {};
  }
  return { SNICallback: (_servername, callback) => afterRoundTrip(() => afterRoundTrip(() => callback(null))) };
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
