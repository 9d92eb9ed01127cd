/**
 * The pipeline run as the send panel shows it (#10.2): the run of the profile's pipeline (Run
 * Pipeline, Compare) and its activities, each beside the local stage it does, and for a failed one
 * the explanation the local stage gets. Its shape, and the webview's check of it. Activity inputs,
 * outputs and the service's raw messages are never part of it. Part of the panel's protocol
 * (sendPanelProtocol.ts); no DOM, Node or vscode imports.
 */
import { PIPELINE_STAGES } from '../core/flow/plan';
import type { StageId } from '../core/flow/types';
import { array, integer, isRecord, oneOf, onlyKeys, record, ShapeError, string } from './validate';

/** A run's status (Fabric's job statuses mapped to Data Factory's). */
export const PIPELINE_RUN_STATUSES = ['Queued', 'InProgress', 'Succeeded', 'Failed', 'Cancelling', 'Cancelled'] as const;
export type PipelineRunViewStatus = (typeof PIPELINE_RUN_STATUSES)[number];

/** An explained failure: code, summary, cause, fix and an https docs link (as a stage's). */
export interface ActivityError {
  readonly code: string;
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly docsUrl?: string;
}

export interface ActivityView {
  readonly activityName: string;
  /** The local stage the activity does (absent for an activity the export did not write). */
  readonly stage?: Exclude<StageId, 'probe'>;
  /** The last attempt's status: Queued, InProgress, Succeeded, Failed, Skipped, Cancelled (open list). */
  readonly status: string;
  readonly durationMs?: number;
  /** How many attempts the service made (retries + 1). */
  readonly attempts: number;
  readonly error?: ActivityError;
}

export interface PipelineRunView {
  /** The run's number in this window (the Pipeline Runs view's). */
  readonly key: number;
  readonly pipelineName: string;
  /** Where it ran, e.g. "Data Factory adf-demo" or a Fabric workspace. */
  readonly target: string;
  readonly status: PipelineRunViewStatus;
  readonly activities: readonly ActivityView[];
}

export const PIPELINE_VIEW_LIMITS = { maxActivities: 40, maxName: 260, maxText: 4000, maxUrl: 2048, maxAttempts: 100 } as const;

const STAGES = PIPELINE_STAGES.filter((s): s is Exclude<StageId, 'probe'> => s !== 'probe');
const ACTIVITY_STATUS = /^[A-Za-z]{1,20}$/;

/** Checks a pipeline run the host posted, field by field; throws ShapeError naming the field. */
export function parsePipelineRunView(value: unknown): PipelineRunView {
  const L = PIPELINE_VIEW_LIMITS;
  const run = record(value, 'run');
  onlyKeys(run, ['key', 'pipelineName', 'target', 'status', 'activities'], 'run');
  return {
    key: integer(run.key, 'run.key', 0, Number.MAX_SAFE_INTEGER),
    pipelineName: string(run.pipelineName, 'run.pipelineName', { min: 1, max: L.maxName, singleLine: true }),
    target: string(run.target, 'run.target', { max: L.maxName, singleLine: true }),
    status: oneOf(run.status, 'run.status', PIPELINE_RUN_STATUSES),
    activities: array(run.activities, 'run.activities', L.maxActivities).map((item, i) => parseActivity(item, `run.activities[${i}]`)),
  };
}

function parseActivity(value: unknown, field: string): ActivityView {
  const L = PIPELINE_VIEW_LIMITS;
  const activity = record(value, field);
  onlyKeys(activity, ['activityName', 'stage', 'status', 'durationMs', 'attempts', 'error'], field);
  return {
    activityName: string(activity.activityName, `${field}.activityName`, { min: 1, max: L.maxName, singleLine: true }),
    ...(activity.stage === undefined ? {} : { stage: oneOf(activity.stage, `${field}.stage`, STAGES) }),
    status: string(activity.status, `${field}.status`, { min: 1, max: 20, pattern: ACTIVITY_STATUS }),
    ...(activity.durationMs === undefined ? {} : { durationMs: integer(activity.durationMs, `${field}.durationMs`, 0, Number.MAX_SAFE_INTEGER) }),
    attempts: integer(activity.attempts, `${field}.attempts`, 0, L.maxAttempts),
    ...(activity.error === undefined ? {} : { error: parseError(activity.error, `${field}.error`) }),
  };
}

function parseError(value: unknown, field: string): ActivityError {
  const L = PIPELINE_VIEW_LIMITS;
  const error = record(value, field);
  onlyKeys(error, ['code', 'summary', 'cause', 'fix', 'docsUrl'], field);
  const text = (v: unknown, name: string): string => string(v, `${field}.${name}`, { max: L.maxText });
  const docsUrl = error.docsUrl === undefined ? undefined : string(error.docsUrl, `${field}.docsUrl`, { min: 1, max: L.maxUrl, singleLine: true });
  if (docsUrl !== undefined && !/^https:\/\/[^\s/]+/i.test(docsUrl)) {
    throw new ShapeError(`${field}.docsUrl`, 'must be an https URL.');
  }
  return {
    code: string(error.code, `${field}.code`, { min: 1, max: 200, singleLine: true }),
    summary: text(error.summary, 'summary'),
    cause: text(error.cause, 'cause'),
    fix: text(error.fix, 'fix'),
    ...(docsUrl === undefined ? {} : { docsUrl }),
  };
}

/** The run a `pipelineRun` message carries, checked; `undefined` when it clears the timeline or is malformed. */
export function pipelineRunOf(message: unknown): { readonly run?: PipelineRunView } | undefined {
  if (!isRecord(message)) {
    return undefined;
  }
  if (message.run === undefined) {
    return {};
  }
  try {
    return { run: parsePipelineRunView(message.run) };
  } catch (error) {
    if (error instanceof ShapeError) {
      return undefined;
    }
    throw error;
  }
}
