/**
 * What a pipeline run records and needs: activity and run statuses, an activity run record (secure
 * parts already left out), the runner's environment, and the error for a run the service refuses.
 */
import type { Value } from './expression';
import type { PeerRoute } from './webRequest';

export type ActivityStatus = 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Cancelled';
export type PipelineRunStatus = 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Cancelling' | 'Cancelled';

export interface ActivityError {
  readonly errorCode: string;
  readonly message: string;
  readonly failureType: 'UserError' | 'SystemError' | '';
  readonly target: string;
  readonly details: string;
}

/** One attempt of one activity, as the run history keeps it (secure parts already left out). */
export interface ActivityRunRecord {
  readonly activityName: string;
  readonly activityType: string;
  readonly activityRunId: string;
  status: ActivityStatus;
  readonly activityRunStart: Date;
  activityRunEnd?: Date;
  durationInMs?: number;
  input: Value;
  output: Value;
  error?: ActivityError;
  /** null for the first attempt, 1, 2… for retries. */
  readonly retryAttempt: number | null;
  lastUpdated: Date;
}

export interface RunnerEnvironment {
  /** The sandbox CA: the only one the runner trusts. */
  readonly caPem: string;
  readonly route: PeerRoute;
  /** The factory's / workspace's managed identity: a service principal of the sandbox tenant. */
  readonly managedIdentity: { readonly authorityHost: string; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
  /** `pipeline().DataFactory`: the factory name (ADF) or the workspace id (Fabric). */
  readonly factoryName: string;
  /** Scales retry intervals, timeouts and the HTTP timeout (1 = as written; tests use less). */
  readonly timeScale?: number;
  /**
   * The sandbox's own rule, not the service's: an activity whose output carries a secret with
   * secureOutput off, or whose input carries one with secureInput off, fails instead of writing it
   * into the run history. Default true.
   */
  readonly strictSecrets?: boolean;
}

/** A run the service refuses to start (createRun 400 / job failed to start). */
export class RunRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRequestError';
  }
}
