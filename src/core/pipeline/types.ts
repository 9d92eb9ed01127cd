/**
 * What the product needs of a pipeline service, whichever it is (Fabric data pipelines or Azure Data
 * Factory): find, create or update a pipeline, start a run, watch it, cancel it, read its activity runs.
 */
import type { PipelineResource } from '../export/pipeline';

export type PipelineTargetKind = 'fabric' | 'adf';

/** A run's status in one vocabulary (Fabric's job statuses are mapped to Data Factory's). */
export type PipelineRunStatus = 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Cancelling' | 'Cancelled';

export interface PipelineRunState {
  readonly status: PipelineRunStatus;
  /** The service's message for a failed run, e.g. "Operation on target … failed: …". */
  readonly message?: string;
}

export interface ActivityRunError {
  readonly errorCode: string;
  readonly message: string;
  readonly failureType: string;
}

/** One attempt of one activity as the service reports it. */
export interface ActivityRun {
  readonly activityName: string;
  readonly activityType: string;
  readonly activityRunId: string;
  /** Queued, InProgress, Succeeded, Failed, Skipped, Cancelled (open list). */
  readonly status: string;
  readonly start?: string;
  readonly end?: string;
  readonly durationMs?: number;
  readonly retryAttempt: number | null;
  readonly error?: ActivityRunError;
}

export interface DeployedPipeline {
  /** Fabric item id, or the Data Factory pipeline name. */
  readonly id: string;
  readonly name: string;
  /** The definition's `properties`, as the service holds it. */
  readonly properties: unknown;
}

export interface PipelineClient {
  readonly kind: PipelineTargetKind;
  /** Where the pipeline lives, for messages (workspace id, or subscription / group / factory). */
  readonly location: string;
  find(name: string): Promise<DeployedPipeline | undefined>;
  create(resource: PipelineResource): Promise<DeployedPipeline>;
  update(existing: DeployedPipeline, resource: PipelineResource): Promise<DeployedPipeline>;
  /** Starts a run with these pipeline parameters; returns its id (Fabric: the job instance id). */
  start(pipeline: DeployedPipeline, parameters: Readonly<Record<string, string>>): Promise<string>;
  state(pipeline: DeployedPipeline, runId: string): Promise<PipelineRunState>;
  cancel(pipeline: DeployedPipeline, runId: string): Promise<void>;
  activityRuns(pipeline: DeployedPipeline, runId: string): Promise<ActivityRun[]>;
}

export const TERMINAL_STATUSES: readonly PipelineRunStatus[] = ['Succeeded', 'Failed', 'Cancelled'];
