import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The CLI's temporary directories (the sandbox's secrets.env and profile, the CA and its key).
 * Each is removed by the code that made it (a `finally`), and any still here when the process
 * exits (process.exit, an uncaught exception, a forced stop after repeated Ctrl+C) by one 'exit'
 * handler: removal is synchronous, so it runs even there. The CLI's signal handlers make SIGINT,
 * SIGTERM and SIGHUP end the process through those paths rather than by the default action.
 */
const live = new Set<string>();
let exitHook = false;

/** mkdtemp in the system temp folder (0700), removed at the latest when the process exits. */
export function makeTempDir(prefix: string): string {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', removeAllTempDirs);
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.add(dir);
  return dir;
}

/** Removes one directory made by makeTempDir, with everything in it. Never throws. */
export function removeTempDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Nothing more can be done; the exit hook tries once more.
    return;
  }
  live.delete(dir);
}

/** Removes every directory still here. */
export function removeAllTempDirs(): void {
  for (const dir of [...live]) {
    removeTempDir(dir);
  }
}

/** The signals a CLI run handles: Ctrl+C, a polite kill, and the terminal closing. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
