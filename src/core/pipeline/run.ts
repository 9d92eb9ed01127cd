/**
 * Run a deployed pipeline and watch it: start it with the pipeline parameters, poll its state until
 * it ends (or the signal cancels it: the run is then cancelled at the service and watched to its
 * end), read its activity runs and lay them out as a timeline, each Web activity beside the local
 * stage that does the same call, a failure explained by the one explanation table.
 */
import type { ExplainedError } from '../errors/errors';
import type { StageId } from '../flow/stageId';
import { redact } from '../logging/redact';
import { explainActivity, stageOfActivity } from './explainActivity';
import { sleep } from '../util/abort';
import { TERMINAL_STATUSES, type ActivityRun, type DeployedPipeline, type PipelineClient, type PipelineRunState, type PipelineRunStatus } from './types';

export interface TimelineEntry {
  readonly activityName: string;
  readonly activityType: string;
  readonly stage?: StageId;
  /** The last attempt's status. */
  readonly status: string;
  readonly start?: string;
  readonly durationMs?: number;
  /** How many attempts the service made (retries + 1). */
  readonly attempts: number;
  /** The last attempt's error, its message redacted. */
  readonly error?: { readonly errorCode: string; readonly message: string; readonly failureType: string };
  readonly explained?: ExplainedError;
}

export interface PipelineRunResult {
  readonly runId: string;
  readonly status: PipelineRunStatus;
  readonly message?: string;
  readonly timeline: readonly TimelineEntry[];
  /** The first failed activity (in timeline order) and its stage. */
  readonly failed?: { readonly activityName: string; readonly stage?: StageId };
  /** True when the watcher's signal cancelled the run. */
  readonly cancelledByUser: boolean;
}

export interface WatchOptions {
  readonly signal: AbortSignal;
  /** Poll interval (default 2 s). */
  readonly pollMs?: number;
  /** Secret values known to the caller: removed from every message shown. */
  readonly secrets?: readonly string[];
  /** Called after each poll with the run's state and the timeline so far. */
  readonly onUpdate?: (state: PipelineRunState, timeline: readonly TimelineEntry[]) => void;
}

/** Activity runs grouped per activity, in order of first start; the last attempt speaks for it. */
export function timelineOf(runs: readonly ActivityRun[], secrets: readonly string[] = [], explainFailures = true): TimelineEntry[] {
  const byName = new Map<string, ActivityRun[]>();
  const sorted = [...runs].sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || (a.retryAttempt ?? 0) - (b.retryAttempt ?? 0));
  for (const run of sorted) {
    byName.set(run.activityName, [...(byName.get(run.activityName) ?? []), run]);
  }
  return [...byName.values()].map((attempts) => {
    const first = attempts[0] as ActivityRun;
    const last = attempts[attempts.length - 1] as ActivityRun;
    const stage = stageOfActivity(last.activityName);
    const failed = last.status === 'Failed' && last.error !== undefined;
    return {
      activityName: last.activityName,
      activityType: last.activityType,
      ...(stage ? { stage } : {}),
      status: last.status,
      ...(first.start ? { start: first.start } : {}),
      ...(last.durationMs !== undefined ? { durationMs: last.durationMs } : {}),
      attempts: attempts.length,
      ...(last.error ? { error: { ...last.error, message: redact(last.error.message, secrets) } } : {}),
      ...(failed && explainFailures ? { explained: explainActivity(last, secrets) } : {}),
    };
  });
}

export async function startAndWatch(client: PipelineClient, pipeline: DeployedPipeline, parameters: Readonly<Record<string, string>>, options: WatchOptions): Promise<PipelineRunResult> {
  const runId = await client.start(pipeline, parameters);
  return watchRun(client, pipeline, runId, options);
}

export async function watchRun(client: PipelineClient, pipeline: DeployedPipeline, runId: string, options: WatchOptions): Promise<PipelineRunResult> {
  const pollMs = options.pollMs ?? 2000;
  const secrets = options.secrets ?? [];
  let cancelledByUser = false;
  // After a cancel the watch goes on with its own signal, bounded, to see the run end.
  const after = new AbortController();
  const deadline = (): void => after.abort();
  let state: PipelineRunState = { status: 'Queued' };
  for (;;) {
    const signal = cancelledByUser ? after.signal : options.signal;
    try {
      state = await client.state(pipeline, runId);
      const runs = await client.activityRuns(pipeline, runId);
      options.onUpdate?.(state, timelineOf(runs, secrets, false));
      if (TERMINAL_STATUSES.includes(state.status)) {
        break;
      }
      await sleep(pollMs, signal);
    } catch (error) {
      if (!cancelledByUser && options.signal.aborted) {
        cancelledByUser = true;
        setTimeout(deadline, 30_000).unref?.();
        await client.cancel(pipeline, runId);
        continue;
      }
      throw error;
    }
  }
  const runs = await client.activityRuns(pipeline, runId);
  const timeline = timelineOf(runs, secrets);
  const failedEntry = timeline.find((entry) => entry.status === 'Failed');
  return {
    runId,
    status: state.status,
    ...(state.message ? { message: redact(state.message, secrets) } : {}),
    timeline,
    ...(failedEntry ? { failed: { activityName: failedEntry.activityName, ...(failedEntry.stage ? { stage: failedEntry.stage } : {}) } } : {}),
    cancelledByUser,
  };
}
