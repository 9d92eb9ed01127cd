import { explainError, formatExplainedError } from '../core/errors/explain';
import { isValidationError } from '../core/errors/errors';
import { Redactor } from '../core/logging/redact';
import { runExportCommand } from './commands/export';
import { runFlowCommand, type CliIo } from './commands/flow';
import { runSandboxCommand } from './commands/sandbox';
import { EXIT } from './exitCodes';
import { commandHelp, helpTopic } from './help';
import { HELP, parseCliArgs, type CliOptions } from './options';
import { SECRET_ENV } from './profileSource';
import { runWithSandboxTrust } from './sandboxTrust';
import { removeAllTempDirs, STOP_SIGNALS } from './tempDirs';

/** Signals after which a run that is still cleaning up is ended at once (see main). */
const FORCE_AFTER_SIGNALS = 3;

/** The CLI entry point; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
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
    if (options.sandbox && options.profilePath === undefined) {
      const code = await runWithSandboxTrust(argv);
      if (code !== undefined) {
        return code;
      }
    }
    // A signal cancels the run, which then cleans up (the sandbox's folder with its secrets, its
    // ports). The listeners stay until that is done: one Ctrl+C in a terminal can deliver SIGINT
    // twice (from the terminal, and forwarded by the parent of runWithSandboxTrust), and a second
    // one must not end the process by the default action halfway. Past FORCE_AFTER_SIGNALS the
    // process exits at once, its temporary folders removed first.
    const controller = new AbortController();
    let signals = 0;
    const onSignal = (): void => {
      signals += 1;
      controller.abort();
      if (signals >= FORCE_AFTER_SIGNALS) {
        removeAllTempDirs();
        process.exit(EXIT.cancelled);
      }
    };
    for (const signal of STOP_SIGNALS) {
      process.on(signal, onSignal);
    }
    try {
      return options.command === 'sandbox'
        ? await runSandboxCommand(options, io, controller.signal)
        : await runFlowCommand(options, io, controller.signal);
    } finally {
      for (const signal of STOP_SIGNALS) {
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
