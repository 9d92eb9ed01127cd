import { spawn, type ChildProcess } from 'node:child_process';
import { EXIT } from './exitCodes';
import { STOP_SIGNALS } from './tempDirs';

/** What a re-run's parent sends its child for a second Ctrl-C: end at once (two SIGINTs sent together may arrive as one). */
export const FORCE_SIGNAL: NodeJS.Signals = 'SIGUSR2';

/**
 * This CLI run again in a child process, for what Node only reads at start-up: a CA bundle
 * (NODE_EXTRA_CA_CERTS, see sandboxTrust.ts) or a heap flag (see leanHeap.ts). The child shares the
 * terminal; this process passes signals on and returns the child's exit code.
 */
export async function reRunSelf(argv: readonly string[], extra: { readonly execArgv?: readonly string[]; readonly env?: NodeJS.ProcessEnv }): Promise<number> {
  let child: ChildProcess | undefined;
  // A terminal's Ctrl-C reaches the child too (same process group): what this process passes on for
  // a first SIGINT is SIGTERM, which cancels without counting as a Ctrl-C press (see main.ts). A
  // second is passed on as FORCE_SIGNAL, so that a child signalled only through this process (kill
  // PID) also ends at once; in a terminal it has ended already on the second press it got itself.
  let interrupts = 0;
  const forward = (signal: NodeJS.Signals): void => {
    if (signal !== 'SIGINT') {
      child?.kill(signal);
    } else if (++interrupts === 1) {
      child?.kill('SIGTERM');
    } else {
      child?.kill(FORCE_SIGNAL);
    }
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, forward);
  }
  try {
    const started = spawn(process.execPath, [...process.execArgv, ...(extra.execArgv ?? []), process.argv[1] ?? '', ...argv], {
      stdio: 'inherit',
      env: { ...process.env, ...extra.env },
    });
    child = started;
    return await new Promise<number>((resolve, reject) => {
      started.once('error', reject);
      started.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' ? EXIT.cancelled : EXIT.internal)));
    });
  } finally {
    for (const signal of STOP_SIGNALS) {
      process.off(signal, forward);
    }
  }
}
