import { describeLatency, latencySummary, type LatencySummary } from '../core/events/latency';
import { describeCounts, throughputOf, type SendCounts, type SendTally } from '../core/events/sendTally';

/**
 * The live line of a long send (issue #8): generated, acknowledged, in flight, throughput, and in
 * load mode the send latency percentiles; once a second on stderr, so stdout stays the report.
 */
export interface SendProgress {
  /** Records one request's or batch's round-trip time (ms). */
  latency(ms: number): void;
  /** Throttling changed the pace. */
  rate(eventsPerSecond: number): void;
  /** Stops the live line; returns the latency figures (load mode) for the summary. */
  stop(): LatencySummary | undefined;
}

export function startSendProgress(tally: SendTally, write: (line: string) => void, options: { readonly load?: { readonly eventsPerSecond: number }; readonly intervalMs?: number }): SendProgress {
  // Kept for load mode only: one number per request, at most rate × duration of them.
  const latencies: number[] = [];
  let rateNow = options.load?.eventsPerSecond;
  const timer = setInterval(() => {
    const counts = tally.counts();
    // Nothing to say while stages 1–4 run.
    if (counts.generated > 0) {
      // The live line shows recent latency (the last 2,000 requests); the summary all of it.
      write(progressLine(counts, options.load ? latencySummary(latencies.slice(-2000)) : undefined, rateNow));
    }
  }, options.intervalMs ?? 1000);
  // The live line never keeps a finished CLI alive.
  timer.unref();
  return {
    latency(ms) {
      if (options.load) {
        latencies.push(ms);
      }
    },
    rate(eventsPerSecond) {
      rateNow = eventsPerSecond;
      write(`  throttled by the service: pace now ${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s`);
    },
    stop() {
      clearInterval(timer);
      return options.load ? latencySummary(latencies) : undefined;
    },
  };
}

export function progressLine(counts: SendCounts, latency: LatencySummary | undefined, rate: number | undefined): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const parts = [
    `  sending: ${n(counts.acknowledged)}/${n(counts.total)} acknowledged`,
    `${n(counts.inFlight)} in flight`,
    `${n(counts.generated)} generated`,
    `${formatRate(throughputOf(counts))} events/s`,
  ];
  if (rate !== undefined) {
    parts.push(`pace ${n(Math.round(rate))}/s`);
  }
  if (latency) {
    parts.push(`latency ${describeLatency(latency)}`);
  }
  if (counts.throttled > 0) {
    parts.push(`throttled ${n(counts.throttled)}×`);
  }
  return parts.join(' · ');
}

/** The end of a long send: counts, throughput and (load mode) latency. */
export function sendSummary(counts: SendCounts, latency: LatencySummary | undefined, load: { readonly eventsPerSecond: number; readonly durationSeconds: number } | undefined): string {
  const seconds = (counts.elapsedMs / 1000).toFixed(1);
  const asked = load ? ` (asked ${load.eventsPerSecond.toLocaleString('en-US')} events/s for ${load.durationSeconds} s)` : '';
  const throttled = counts.throttled > 0 ? `; throttled ${counts.throttled.toLocaleString('en-US')}× (waited and sent again)` : '';
  const lat = latency && latency.samples > 0 ? `; send latency ${describeLatency(latency)}, max ${latency.max} ms` : '';
  return `Sent in ${seconds} s${asked}: ${describeCounts(counts)}; ${formatRate(throughputOf(counts))} events/s${throttled}${lat}.`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(1)}k` : Math.round(perSecond).toLocaleString('en-US');
}
