/** Send latency percentiles (nearest rank), for load runs: the CLI's live line and the send panel. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function latencySummary(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) {
    return { samples: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0);
  return { samples: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: Math.round(sorted[sorted.length - 1] ?? 0) };
}

/** "p50 3 ms, p95 9 ms, p99 14 ms". */
export function describeLatency(latency: LatencySummary): string {
  return `p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms`;
}
