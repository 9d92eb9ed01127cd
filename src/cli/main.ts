import { explainError, formatExplainedError } from '../core/errors/explain';
import { isValidationError } from '../core/errors/errors';
import { Redactor } from '../core/logging/redact';
import { runDiscoverCommand } from './commands/discover';
import { runExportCommand } from './commands/export';
import { runFlowCommand, type CliIo } from './commands/flow';
import { runPipelineCommand } from './commands/pipeline';
import { runSandboxCommand } from './commands/sandbox';
import { EXIT } from './exitCodes';
import { commandHelp, helpTopic } from './help';
import { HELP, parseCliArgs, type CliOptions } from './options';
import { SECRET_ENV } from './profileSource';
import { LEAN_HEAP_FLAGS, wantsLeanHeap } from './leanHeap';
import { FORCE_SIGNAL, reRunSelf } from './reRun';
import { runWithSandboxTrust } from './sandboxTrust';
import { removeAllTempDirs, STOP_SIGNALS } from './tempDirs';

/** Ctrl-C presses (SIGINT) after which a run that is still cleaning up is ended at once (see main). */
const FORCE_AFTER_PRESSES = 2;

/** The CLI entry point; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'pipeline') {
    return runPipelineCommand(argv.slice(1), io).catch((error: unknown) => reportStartupError(error, io));
  }
  if (argv[0] === 'discover') {
    return runDiscoverCommand(argv.slice(1), io);
  }
  const topic = helpTopic(argv);
  if (topic) {
    io.stdout(await commandHelp(topic));
    return EXIT.ok;
  }
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    return reportStartupError(error, io);
  }
  if (options.command === 'help') {
    io.stdout(HELP);
    return EXIT.ok;
  }
  try {
    if (options.command === 'export') {
      return await runExportCommand(options, io);
    }
    const leanHeap = wantsLeanHeap(options) ? LEAN_HEAP_FLAGS : [];
    if (options.sandbox && options.profilePath === undefined) {
      const code = await runWithSandboxTrust(argv, leanHeap);
      if (code !== undefined) {
        return code;
      }
    }
    if (leanHeap.length > 0) {
      return await reRunSelf(argv, { execArgv: leanHeap });
    }
    // A signal cancels the run, which then cleans up (the sandbox's folder with its secrets, its
    // ports) and reports what was sent. The listeners stay until that is done. A second Ctrl-C
    // (SIGINT) ends the process at once, its temporary folders removed first; SIGTERM and SIGHUP,
    // and the SIGTERM a re-run's parent passes on for a terminal's Ctrl-C, only cancel. The parent
    // passes a second Ctrl-C on as FORCE_SIGNAL (see reRun.ts).
    const controller = new AbortController();
    let presses = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      presses += signal === 'SIGINT' ? 1 : signal === FORCE_SIGNAL ? FORCE_AFTER_PRESSES : 0;
      controller.abort();
      if (presses >= FORCE_AFTER_PRESSES) {
        removeAllTempDirs();
        process.exit(EXIT.cancelled);
      }
    };
    for (const signal of [...STOP_SIGNALS, FORCE_SIGNAL]) {
      process.on(signal, onSignal);
    }
    try {
      return options.command === 'sandbox'
        ? await runSandboxCommand(options, io, controller.signal)
        : await runFlowCommand(options, io, controller.signal);
    } finally {
      for (const signal of [...STOP_SIGNALS, FORCE_SIGNAL]) {
        process.off(signal, onSignal);
      }
    }
  } catch (error) {
    return reportStartupError(error, io);
  }
}

/** Errors before any stage ran: bad input (exit 2) or a bug (exit 1), explained, never a stack. */
function reportStartupError(error: unknown, io: CliIo): number {
  if (isValidationError(error)) {
    io.stderr(`error: ${error.field}: ${error.problem}\n  fix: ${error.fix}\n`);
    return EXIT.usage;
  }
  // The secrets known this early are the ones handed in through the environment.
  const redactor = new Redactor(Object.values(SECRET_ENV).map((name) => io.env[name]));
  const explained = explainError(error, {});
  io.stderr(redactor.redact(`error: ${formatExplainedError(explained)}\n`));
  if (io.env.EVENTSTREAM_FLOW_LOG === 'debug' && error instanceof Error && error.stack) {
    io.stderr(redactor.redact(error.stack) + '\n');
  }
  return EXIT.internal;
}
