import type { Redactor } from './redact';

// The logger: levels, children with a scope, and a redactor in front of every sink.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The sink the CLI (stderr) and the extension (LogOutputChannel) implement. */
export interface LogSink {
  log(level: LogLevel, message: string): void;
}

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  /** A logger whose lines are tagged `[component]`. */
  child(component: string): Logger;
}

/** Every line passes through the redactor before it reaches the sink: no secret can be logged. */
export function createLogger(sink: LogSink, redactor: Redactor, component?: string): Logger {
  const emit = (level: LogLevel, message: string): void => {
    const tagged = component ? `[${component}] ${message}` : message;
    sink.log(level, redactor.redact(tagged));
  };
  return {
    trace: (m) => emit('trace', m),
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m, error) => emit('error', error === undefined ? m : `${m}: ${describeForLog(error)}`),
    child: (c) => createLogger(sink, redactor, component ? `${component}/${c}` : c),
  };
}

/** The whole cause chain, for the log only (still redacted by the logger). */
export function describeForLog(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      // core-amqp wraps exhausted retries in an AggregateError: each attempt's error is the story.
      const attempts = current instanceof AggregateError ? ` [${current.errors.map((e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))).join('; ')}]` : '';
      parts.push(`${current.name}: ${current.message}${attempts}`);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.join(' ← caused by ');
}

export const silentSink: LogSink = { log: () => undefined };
