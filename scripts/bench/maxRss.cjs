// Preloaded into a benchmarked process: prints its peak resident set size when it exits. On Linux
// from /proc/self/status (VmHWM): getrusage's maxRSS survives fork + exec, so a process spawned by
// the (large) bench process would report the bench's own peak.
const { readFileSync } = require('node:fs');
process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    kb = hwm ? Number(hwm[1]) : kb;
  } catch {
    // not Linux: getrusage it is
  }
  process.stderr.write(`BENCH_MAX_RSS_KB=${kb}\n`);
});
