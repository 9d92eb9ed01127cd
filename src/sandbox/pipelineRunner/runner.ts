/**
 * The sandbox's pipeline runner: it plays the factory (Data Factory) or the workspace (Fabric) running
 * a deployed pipeline's Web activities against the sandbox's Entra ID, Key Vault and Event Hubs peers
 * over real HTTPS.
 *
 * Service behaviour it follows, with sources:
 * - dependsOn / dependency conditions, Skipped, and how the pipeline's outcome follows from its leaf
 *   activities: "Conditional execution" and "Pipeline failure and error handling"
 *   (learn.microsoft.com/azure/data-factory/tutorial-pipeline-failure-error-handling): an activity runs
 *   when every dependency ends in one of its conditions (Completed = Succeeded or Failed), otherwise it
 *   is Skipped; the run succeeds only if every leaf (a skipped leaf's parents in its place) succeeded.
 * - ActivityPolicy retry / retryIntervalInSeconds / timeout / secureInput / secureOutput (Pipeline.json,
 *   datafactory 2018-06-01); each attempt is its own activity run (undocumented, as the monitor shows it).
 * - Failures are worded as the service words them (attemptResult.ts); the Web activity is in
 *   webActivity.ts.
 *
 * The runner keeps activity outputs in memory only for the expressions of the same run; the records
 * it publishes have secure input / output left out (null) and never carry a secret value.
 */
import { randomUUID } from 'node:crypto';
import { ancestorsOf, type ActivityDefinition, type DependencyCondition, type PipelineDefinition } from './definition';
import { evaluateString, evaluateValue, ExpressionError, roundTripTimestamp, type ExpressionScope, type Value } from './expression';
import { fail, timeoutFailure, type AttemptResult } from './attemptResult';
import { RunRequestError, type ActivityError, type ActivityRunRecord, type PipelineRunStatus, type RunnerEnvironment } from './runRecords';
import { runWebActivity, type WebActivityContext } from './webActivity';

export { RunRequestError, type ActivityError, type ActivityRunRecord, type ActivityStatus, type PipelineRunStatus, type RunnerEnvironment } from './runRecords';

const SECRET_MASK = '***';

interface Outcome {
  readonly status: 'Succeeded' | 'Failed' | 'Skipped' | 'Cancelled';
  /** What `activity('…')` sees: output, error and status; kept in memory only. */
  readonly visible: { readonly [key: string]: Value };
}

export class PipelineRun {
  readonly runId = randomUUID();
  status: PipelineRunStatus = 'Queued';
  readonly runStart = new Date();
  runEnd?: Date;
  message = '';
  lastUpdated = new Date();
  readonly activityRuns: ActivityRunRecord[] = [];
  /** The parameters as recorded: SecureString values left out. */
  readonly recordedParameters: Readonly<Record<string, Value>>;
  readonly done: Promise<void>;

  private readonly parameters: Readonly<Record<string, Value>>;
  private readonly cancelController = new AbortController();
  private readonly outcomes = new Map<string, Outcome>();
  /** Secret strings seen in this run, scrubbed from any error message before it is recorded. */
  private readonly secrets = new Set<string>();

  constructor(
    readonly pipelineName: string,
    private readonly definition: PipelineDefinition,
    supplied: Readonly<Record<string, unknown>>,
    private readonly env: RunnerEnvironment,
  ) {
    const parameters: Record<string, Value> = {};
    const recorded: Record<string, Value> = {};
    for (const [name, spec] of Object.entries(definition.parameters)) {
      // Supplied names that the pipeline does not declare are ignored (undocumented; the service does not refuse them).
      const value = Object.prototype.hasOwnProperty.call(supplied, name) ? supplied[name] : spec.defaultValue;
      if (value === undefined) {
        throw new RunRequestError(`The pipeline parameter '${name}' has no default value and was not supplied with the run.`);
      }
      parameters[name] = value as Value;
      if (spec.type === 'SecureString') {
        if (typeof value === 'string' && value) {
          this.secrets.add(value);
        }
      } else {
        recorded[name] = value as Value;
      }
    }
    this.parameters = parameters;
    this.recordedParameters = recorded;
    this.done = Promise.resolve().then(() => this.execute());
  }

  get durationInMs(): number | undefined {
    return this.runEnd ? this.runEnd.getTime() - this.runStart.getTime() : undefined;
  }

  /** Cancels the run: the activity in flight ends Cancelled, nothing else starts. */
  cancel(): void {
    if (this.status === 'Queued' || this.status === 'InProgress') {
      this.status = 'Cancelling';
      this.touch();
      this.cancelController.abort();
    }
  }

  private touch(): void {
    this.lastUpdated = new Date();
  }

  private scale(ms: number): number {
    return Math.max(1, Math.round(ms * (this.env.timeScale ?? 1)));
  }

  /** A scaled timeout, but never under 2 s (or the timeout itself): a busy machine must not look like a dead peer. */
  private scaleTimeout(ms: number): number {
    return Math.max(this.scale(ms), Math.min(ms, 2000));
  }

  private async execute(): Promise<void> {
    this.status = this.status === 'Queued' ? 'InProgress' : this.status;
    this.touch();
    const pending = new Set(this.definition.activities.map((activity) => activity.name));
    const running = new Map<string, Promise<void>>();
    while (!this.cancelController.signal.aborted) {
      for (const activity of this.definition.activities) {
        if (!pending.has(activity.name) || !activity.dependsOn.every((dependency) => this.outcomes.has(dependency.activity))) {
          continue;
        }
        pending.delete(activity.name);
        if (activity.dependsOn.every((dependency) => dependency.dependencyConditions.some((condition) => meets(condition, this.outcomes.get(dependency.activity)?.status)))) {
          running.set(
            activity.name,
            this.runActivity(activity).then((outcome) => {
              this.outcomes.set(activity.name, outcome);
              running.delete(activity.name);
            }),
          );
        } else {
          this.skip(activity);
        }
      }
      if (running.size === 0) {
        break;
      }
      await Promise.race(running.values());
    }
    await Promise.all(running.values());
    this.finish();
  }

  private finish(): void {
    this.runEnd = new Date();
    if (this.cancelController.signal.aborted) {
      this.status = 'Cancelled';
      this.message = 'The pipeline run was cancelled.';
    } else {
      const failed = this.definition.activities.find((activity) => this.outcomes.get(activity.name)?.status === 'Failed');
      const succeeded = this.leavesSucceeded();
      this.status = succeeded ? 'Succeeded' : 'Failed';
      if (!succeeded && failed) {
        const error = [...this.activityRuns].reverse().find((record) => record.activityName === failed.name)?.error;
        this.message = `Operation on target ${failed.name} failed: ${error?.message ?? ''}`;
      } else if (!succeeded) {
        this.message = 'The pipeline run failed: no leaf activity succeeded.';
      }
    }
    this.touch();
  }

  /** A leaf decides the outcome; a skipped one hands the decision to its parents. */
  private leavesSucceeded(): boolean {
    const { activities } = this.definition;
    const byName = new Map(activities.map((activity) => [activity.name, activity]));
    const leaves = activities.filter((activity) => !activities.some((other) => other.dependsOn.some((dependency) => dependency.activity === activity.name)));
    const decide = (activity: ActivityDefinition, seen: Set<string>): boolean => {
      const status = this.outcomes.get(activity.name)?.status;
      if (status !== 'Skipped' || seen.has(activity.name)) {
        return status === 'Succeeded';
      }
      seen.add(activity.name);
      return activity.dependsOn.every((dependency) => {
        const parent = byName.get(dependency.activity);
        return parent ? decide(parent, seen) : true;
      });
    };
    return leaves.every((leaf) => decide(leaf, new Set()));
  }

  private skip(activity: ActivityDefinition): void {
    // Whether skipped activities are listed by queryActivityruns is undocumented; the monitor shows them as Skipped.
    const now = new Date();
    this.activityRuns.push({
      activityName: activity.name,
      activityType: activity.type,
      activityRunId: randomUUID(),
      status: 'Skipped',
      activityRunStart: now,
      activityRunEnd: now,
      durationInMs: 0,
      input: null,
      output: null,
      retryAttempt: null,
      lastUpdated: now,
    });
    this.outcomes.set(activity.name, { status: 'Skipped', visible: { output: null, error: null, status: 'Skipped' } });
    this.touch();
  }

  private async runActivity(activity: ActivityDefinition): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const record: ActivityRunRecord = {
        activityName: activity.name,
        activityType: activity.type,
        activityRunId: randomUUID(),
        status: 'InProgress',
        activityRunStart: new Date(),
        input: null,
        output: null,
        retryAttempt: attempt === 0 ? null : attempt,
        lastUpdated: new Date(),
      };
      this.activityRuns.push(record);
      this.touch();
      const result = await this.attempt(activity).catch((error: unknown): AttemptResult => {
        if (error instanceof ExpressionError) {
          return fail('InvalidTemplate', `${error.message} (activity '${activity.name}', expression '${error.expression}')`, 'UserError', null, false);
        }
        // A bug in the sandbox, not the pipeline: said as a system error rather than left to reject the run.
        return fail('SandboxInternalError', `The sandbox's runner failed: ${error instanceof Error ? error.message : String(error)}`, 'SystemError', null, false);
      });
      record.activityRunEnd = new Date();
      record.durationInMs = record.activityRunEnd.getTime() - record.activityRunStart.getTime();
      record.input = activity.policy.secureInput ? null : (result.input ?? null);
      record.lastUpdated = record.activityRunEnd;
      if (result.kind === 'succeeded') {
        record.status = 'Succeeded';
        record.output = activity.policy.secureOutput ? null : result.output;
        this.touch();
        return { status: 'Succeeded', visible: { output: result.output, error: null, status: 'Succeeded', ActivityRunId: record.activityRunId } };
      }
      if (result.kind === 'cancelled') {
        record.status = 'Cancelled';
        this.touch();
        return { status: 'Cancelled', visible: { output: null, error: null, status: 'Cancelled' } };
      }
      const error: ActivityError = { ...result.error, message: this.scrub(result.error.message), target: activity.name, details: '' };
      record.status = 'Failed';
      record.error = error;
      this.touch();
      const retriable = result.retriable !== false && attempt < activity.policy.retry;
      if (!retriable || !(await this.wait(this.scale(activity.policy.retryIntervalInSeconds * 1000)))) {
        return {
          status: this.cancelController.signal.aborted ? 'Cancelled' : 'Failed',
          visible: { output: null, error: { errorCode: error.errorCode, message: error.message, failureType: error.failureType }, status: 'Failed', ActivityRunId: record.activityRunId },
        };
      }
    }
  }

  /** Waits, or returns false when the run is cancelled meanwhile. */
  private wait(ms: number): Promise<boolean> {
    const signal = this.cancelController.signal;
    if (signal.aborted) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private scrub(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(SECRET_MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) {
        out = out.split(encoded).join(SECRET_MASK);
      }
    }
    return out;
  }

  private scope(activity: ActivityDefinition): ExpressionScope {
    const ancestors = ancestorsOf(this.definition, activity.name);
    return {
      pipeline: () => ({
        DataFactory: this.env.factoryName,
        Pipeline: this.pipelineName,
        RunId: this.runId,
        TriggerType: 'Manual',
        TriggerId: this.runId,
        TriggerName: 'Manual',
        TriggerTime: roundTripTimestamp(this.runStart),
        GroupId: this.runId,
        parameters: this.parameters,
      }),
      activity: (name) => {
        const outcome = this.outcomes.get(name);
        if (!ancestors.has(name) || !outcome) {
          const known = this.definition.activities.some((other) => other.name === name);
          throw new ExpressionError(
            known
              ? `The output of activity '${name}' can't be referenced in '${activity.name}': it is not an ancestor of '${activity.name}' (add it to dependsOn).`
              : `The activity '${name}' referenced in '${activity.name}' does not exist in the pipeline.`,
            `activity('${name}')`,
          );
        }
        return outcome.visible;
      },
    };
  }

  private async attempt(activity: ActivityDefinition): Promise<AttemptResult> {
    if (activity.type === 'Wait') {
      // Wait activity: typeProperties.waitTimeInSeconds (the spec examples' pipelines use it).
      const seconds = Number(evaluateValue(activity.typeProperties['waitTimeInSeconds'] ?? 0, this.scope(activity)));
      const input = { waitTimeInSeconds: seconds };
      if (!Number.isFinite(seconds) || seconds < 0) {
        return fail('InvalidTemplate', `Activity '${activity.name}': waitTimeInSeconds must be a number of seconds.`, 'UserError', input, false);
      }
      return (await this.wait(this.scale(seconds * 1000))) ? { kind: 'succeeded', input, output: {} } : { kind: 'cancelled', input };
    }
    if (activity.type !== 'WebActivity') {
      // The sandbox runs Web and Wait activities only: the exports use nothing else.
      return fail('SandboxUnsupportedActivity', `The sandbox runs Web and Wait activities only; '${activity.name}' is a ${activity.type}.`, 'UserError', undefined, false);
    }
    const attemptController = new AbortController();
    const onCancel = (): void => attemptController.abort(new Error('cancelled'));
    this.cancelController.signal.addEventListener('abort', onCancel, { once: true });
    const timeoutMs = this.scaleTimeout(activity.policy.timeoutMs);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptController.abort(new Error('timeout'));
    }, timeoutMs);
    try {
      const result = await runWebActivity(this.webActivityContext(), activity, attemptController.signal);
      if (this.cancelController.signal.aborted) {
        return { kind: 'cancelled', input: result.input };
      }
      if (timedOut) {
        return timeoutFailure(activity, result.input);
      }
      return result;
    } finally {
      clearTimeout(timer);
      this.cancelController.signal.removeEventListener('abort', onCancel);
    }
  }

  private webActivityContext(): WebActivityContext {
    return { env: this.env, definition: this.definition, secrets: this.secrets, scope: (activity) => this.scope(activity), scaleTimeout: (ms) => this.scaleTimeout(ms) };
  }
}


function meets(condition: DependencyCondition, status: Outcome['status'] | undefined): boolean {
  switch (condition) {
    case 'Succeeded':
      return status === 'Succeeded';
    case 'Failed':
      return status === 'Failed';
    case 'Skipped':
      return status === 'Skipped';
    case 'Completed':
      return status === 'Succeeded' || status === 'Failed';
  }
}

/** Evaluates a definition string outside a run (tests, previews). */
export { evaluateString };
