// When a shown result stops being true. Pure (no vscode), so the rules are tested in plain Node.
import type { FlowResult, StageId, StageOutcome } from '../core/flow/types';
import type { ConnectionProfile } from '../core/model/profile';

/**
 * What a profile's results depend on: every field but its name (a rename changes no stage's
 * answer). Keys are sorted, so the same profile read back from storage gives the same text.
 * Memory only: it holds the profile's secrets and is never logged, stored or shown.
 */
export function resultsFingerprint(profile: ConnectionProfile): string {
  const { name: _name, ...rest } = profile;
  return JSON.stringify(rest, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/**
 * Whether a failed run's verdict is out of date: the stage it failed at has since succeeded (run
 * on its own, or by a tree listing). "Flow failed at Read client id" must not stay red next to a
 * green "Read client id".
 */
export function isFailureSuperseded(result: Pick<FlowResult, 'ok' | 'cancelled' | 'failedStage'> | undefined, current: (stage: StageId) => StageOutcome | undefined): boolean {
  if (!result || result.ok || result.cancelled || !result.failedStage) {
    return false;
  }
  return current(result.failedStage)?.status === 'succeeded';
}

/**
 * Whether a finished run may have changed what the partitions hold: a send with at least one event
 * accepted, or on the wire when it was cancelled or failed (its fate unknown, so read again).
 */
export function changedPartitions(target: StageId, result: Pick<FlowResult, 'send' | 'sendCounts'>): boolean {
  if (target !== 'send') {
    return false;
  }
  const counts = result.sendCounts;
  return (result.send?.eventsAccepted ?? 0) > 0 || (counts !== undefined && counts.acknowledged + counts.inFlight > 0);
}
