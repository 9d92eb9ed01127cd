import type { FlowEvent } from '../core/flow/types';

/**
 * Fixes that name the editor's settings, said the CLI's way: the CLI's knob is an option. Keyed by
 * the explanation's code; everything else in the explanation stays as the core wrote it.
 */
const CLI_FIXES: Readonly<Record<string, string>> = {
  StageTimeout: 'Check network access to the host of this stage, then retry, or raise the per-stage timeout with --timeout SECONDS (1 to 600, default 30).',
};

/** The event as the CLI prints it: a failed stage's fix in the CLI's words (issue #11). */
export function inCliWords(event: FlowEvent): FlowEvent {
  if (event.type !== 'stageFailed') {
    return event;
  }
  const fix = Object.hasOwn(CLI_FIXES, event.error.explanation.code) ? CLI_FIXES[event.error.explanation.code] : undefined;
  return fix ? { ...event, error: { ...event.error, explanation: { ...event.error.explanation, fix } } } : event;
}
