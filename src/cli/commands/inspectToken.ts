import { formatInspection, mismatchesOf } from '../../core/diagnostics/tokenInspector';
import type { FlowResult, StageId } from '../../core/flow/types';
import type { Redactor } from '../../core/logging/redact';
import { EXIT } from '../exitCodes';

/**
 * `inspect-token`: after the run to the token stage, print what the token says and how it fits the
 * next stage (human text, or one `{"type":"inspection"}` object with --json). The token itself is
 * never printed; the engine's inspection holds only named claims, already redacted.
 * Returns the exit code: the run's when the stage failed, 3 when a check found a mismatch.
 */
export function reportInspection(result: FlowResult, stage: StageId, runExitCode: number, json: boolean, out: (text: string) => void, redactor: Redactor): number {
  const inspection = result.outcomes.find((o) => o.stage === stage)?.inspection;
  if (!inspection) {
    return runExitCode;
  }
  const mismatches = mismatchesOf(inspection);
  if (json) {
    out(redactor.redactJson({ type: 'inspection', stage, mismatches: mismatches.length, inspection }) + '\n');
  } else {
    out(redactor.redact(`\n${formatInspection(inspection)}\n`));
    out(
      mismatches.length === 0
        ? 'No mismatch: the token fits the stage that uses it.\n'
        : `${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}: the next stage will likely refuse this token (see Fix above).\n`,
    );
  }
  return runExitCode === EXIT.ok && mismatches.length > 0 ? EXIT.tokenMismatch : runExitCode;
}
