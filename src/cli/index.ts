import { main } from './main';
import { STOP_SIGNALS } from './tempDirs';

// The `eventstream-flow` executable: runs main() with the process's streams and exits with its code.
main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  env: process.env,
}).then(
  (code) => exitWhenWritten(code),
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.name : 'unknown'}\n`);
    exitWhenWritten(1);
  },
);

/**
 * Ends the process once stdout and stderr are written. Everything the CLI opened is closed by now,
 * but @azure/event-hubs can leave a token-refresh timer behind when a link's open races a cancel
 * (timerLoop started by withAuth after close): a finished CLI must never hang on it (issue #8).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  // The run is over and its handlers are gone: a late Ctrl-C (or SIGTERM, SIGHUP) while the output
  // is written must not kill the process by the signal; it ends now, with the run's own code (#11).
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => process.exit(code));
  }
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
