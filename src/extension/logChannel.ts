import * as vscode from 'vscode';
import { createLogger, type Logger, type LogLevel, type LogSink } from '../core/logging/logger';
import type { Redactor } from '../core/logging/redact';

// The extension's one output channel, as the core's log sink.
export const LOG_CHANNEL_NAME = 'Eventstream Flow';

/**
 * The one LogOutputChannel as a core `LogSink`. The channel honours its own log level (set from
 * the Output view), so nothing is filtered here. Lines only reach it through `createChannelLogger`,
 * whose logger redacts every line with the session redactor.
 */
export function channelSink(channel: vscode.LogOutputChannel): LogSink {
  const write: Record<LogLevel, (message: string) => void> = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { log: (level, message) => write[level](message) };
}

export function createLogChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
}

/** The extension's root logger: tagged per component by `child`, redacted by `redactor`. */
export function createChannelLogger(channel: vscode.LogOutputChannel, redactor: Redactor): Logger {
  return createLogger(channelSink(channel), redactor);
}
