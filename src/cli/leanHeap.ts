import type { CliOptions } from './options';

/**
 * A long send runs with a lean heap. Its live heap stays near 12 MB however many events go out
 * (streaming, issue #8), but during any long run of short-lived allocations V8 grows the young
 * generation's semi-spaces to 16 MB each and lets the old generation swell before it compacts:
 * peak RSS went from 77 MB (10k events) to 112 MB (1M). Measured at 1M: semi-spaces capped at 4 MB,
 * 97 MB; with --optimize-for-size too (V8 grows the heap less eagerly), 85 MB. No cap on the old
 * generation: a send of 1 MiB events needs room, and running out of memory would lose the counts.
 * Node reads these flags only at start-up (v8.setFlagsFromString comes too late: measured), so
 * such a send re-runs itself once.
 */
export const LEAN_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--optimize-for-size'];

/**
 * From this many events on. The lean heap is not free: it cost an AMQP send of 100k events ~20% of
 * its speed (measured, interleaved), while at 100k the peak without it is within 12% of the 10k peak
 * (the young generation has not grown much yet). Past this count memory is what runs out first.
 */
const LEAN_HEAP_FROM_EVENTS = 250_000;

/** Whether this run should re-run itself with LEAN_HEAP_FLAGS (not when it already has them). */
export function wantsLeanHeap(options: CliOptions): boolean {
  return options.command === 'send' && options.count >= LEAN_HEAP_FROM_EVENTS && !process.execArgv.some((flag) => flag.startsWith('--max-semi-space-size'));
}
