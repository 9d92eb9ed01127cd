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
 * - Web activity (learn.microsoft.com/azure/data-factory/control-flow-web-activity): method, url,
 *   headers, body, authentication (MSI with a resource, ServicePrincipal, Basic); a JSON answer's
 *   properties become the output beside ADFWebActivityResponseHeaders, anything else is `Response`;
 *   the HTTP call times out after 1 minute unless httpRequestTimeout says otherwise.
 * - Failures: errorCode 2108 "Invoking Web Activity failed with HttpStatusCode - '403 : Forbidden',
 *   message - '<body>'" for an HTTP error, 2308 "No response from the endpoint…" when nothing answered
 *   (Web activity troubleshooting docs); pipeline message "Operation on target X failed: …".
 *
 * The runner keeps activity outputs in memory only for the expressions of the same run; the records
 * it publishes have secure input / output left out (null) and never carry a secret value.
 */
import { randomUUID } from 'node:crypto';
import { ancestorsOf, type ActivityDefinition, type DependencyCondition, type PipelineDefinition, parseTimespan } from './definition';
import { evaluateString, evaluateValue, ExpressionError, parseTemplate, referencedActivities, roundTripTimestamp, toText, type ExpressionScope, type Value } from './expression';
import { NoResponseError, sendWebRequest, type PeerRoute, type WebResponse } from './webRequest';

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

const WEB_ACTIVITY_HTTP_TIMEOUT_MS = 60_000;
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
      const result = await this.webActivity(activity, attemptController.signal);
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

  private async webActivity(activity: ActivityDefinition, signal: AbortSignal): Promise<AttemptResult> {
    const scope = this.scope(activity);
    const props = activity.typeProperties;
    let method: string;
    let url: URL;
    let headers: Record<string, string>;
    let body: string | undefined;
    let input: Value;
    let authentication: Value;
    try {
      method = toText(evaluateValue(props['method'] ?? 'GET', scope)).toUpperCase();
      const urlText = toText(evaluateValue(props['url'], scope));
      try {
        url = new URL(urlText);
      } catch {
        return fail('2108', `The URL '${urlText}' of '${activity.name}' is not a valid absolute URL.`, 'UserError', null, false);
      }
      const rawHeaders = evaluateValue(props['headers'] ?? {}, scope);
      headers = {};
      if (typeof rawHeaders === 'object' && rawHeaders !== null && !Array.isArray(rawHeaders)) {
        for (const [name, value] of Object.entries(rawHeaders as Record<string, Value>)) {
          headers[name] = toText(value);
        }
      }
      if (props['body'] !== undefined && method !== 'GET') {
        const value = evaluateValue(props['body'], scope);
        body = typeof value === 'string' ? value : toText(value);
      }
      authentication = props['authentication'] === undefined ? null : evaluateValue(props['authentication'], scope);
      input = { method, url: url.href, headers, ...(body !== undefined ? { body } : {}), ...(authentication !== null ? { authentication: redactAuthentication(authentication) } : {}) };
    } catch (error) {
      if (error instanceof ExpressionError) {
        return fail('InvalidTemplate', `${error.message} (activity '${activity.name}', expression '${error.expression}')`, 'UserError', null, false);
      }
      throw error;
    }
    if (this.env.strictSecrets !== false && !activity.policy.secureInput) {
      const leaked = this.leakedIn(activity, JSON.stringify(input));
      if (leaked) {
        return fail(
          'SandboxSecureInputRequired',
          `Sandbox rule (not the service's): activity '${activity.name}' has secureInput off, but its input carries a secret from ${leaked}; the run history would show it. Turn secureInput on.`,
          'UserError',
          null,
          false,
        );
      }
    }
    const httpTimeout = typeof props['httpRequestTimeout'] === 'string' ? (parseTimespan(props['httpRequestTimeout']) ?? WEB_ACTIVITY_HTTP_TIMEOUT_MS) : WEB_ACTIVITY_HTTP_TIMEOUT_MS;
    const auth = await this.authenticate(authentication, signal, this.scaleTimeout(httpTimeout));
    if ('failure' in auth) {
      return { ...auth.failure, input };
    }
    let response: WebResponse;
    try {
      response = await sendWebRequest(this.env.route, this.env.caPem, {
        method,
        url,
        headers: { ...headers, ...(auth.header ? { Authorization: auth.header } : {}) },
        ...(body !== undefined ? { body } : {}),
        timeoutMs: this.scaleTimeout(httpTimeout),
        signal,
      });
    } catch (error) {
      return noResponse(error, url, input, signal);
    }
    if (response.status < 200 || response.status >= 300) {
      return fail('2108', `Invoking Web Activity failed with HttpStatusCode - '${response.status} : ${reasonOf(response)}', message - '${response.text}'`, 'UserError', input);
    }
    const output = webOutput(response);
    const secretFields = credentialFields(url, output);
    for (const field of secretFields) {
      const value = (output as Record<string, Value>)[field];
      if (typeof value === 'string' && value) {
        this.secrets.add(value);
      }
    }
    if (this.env.strictSecrets !== false && !activity.policy.secureOutput && secretFields.length > 0) {
      const readers = this.readersOf(activity.name);
      return fail(
        'SandboxSecureOutputRequired',
        `Sandbox rule (not the service's): activity '${activity.name}' has secureOutput off, but its output carries a secret (${secretFields.join(', ')}) the run history would show${readers ? `; it is read by ${readers}` : ''}. Turn secureOutput on.`,
        'UserError',
        input,
        false,
      );
    }
    return { kind: 'succeeded', input, output };
  }

  /** Which earlier secret an input carries: a SecureString parameter or a secure output, named by expression. */
  private leakedIn(activity: ActivityDefinition, text: string): string | undefined {
    if (![...this.secrets].some((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)))) {
      return undefined;
    }
    const sources = templatesOf(activity.typeProperties).filter((source) => /activity\(|parameters/i.test(source));
    return sources.length > 0 ? sources.map((source) => `'${source}'`).join(', ') : 'an earlier activity';
  }

  /** The expressions of other activities that read `name`'s output, for the message. */
  private readersOf(name: string): string {
    const found: string[] = [];
    for (const other of this.definition.activities) {
      for (const source of templatesOf(other.typeProperties)) {
        try {
          const template = parseTemplate(source);
          const nodes = template.kind === 'expression' ? [template.node] : template.kind === 'interpolation' ? template.parts.flatMap((part) => ('node' in part ? [part.node] : [])) : [];
          if (nodes.some((node) => referencedActivities(node).includes(name))) {
            found.push(`'${other.name}' (${source})`);
          }
        } catch {
          // Not an expression.
        }
      }
    }
    return found.join(', ');
  }

  private async authenticate(authentication: Value, signal: AbortSignal, timeoutMs: number): Promise<{ header?: string } | { failure: AttemptFailure }> {
    if (authentication === null) {
      return {};
    }
    if (typeof authentication !== 'object' || Array.isArray(authentication)) {
      return { failure: failure('2108', 'The authentication of the Web activity must be an object.', 'UserError', false) };
    }
    const auth = authentication as Record<string, Value>;
    const type = toText(auth['type'] ?? '');
    const resource = toText(auth['resource'] ?? '');
    if (type === 'Basic') {
      const password = secureValue(auth['password']);
      return { header: `Basic ${Buffer.from(`${toText(auth['username'] ?? '')}:${password}`).toString('base64')}` };
    }
    if (type !== 'MSI' && type !== 'ServicePrincipal') {
      return { failure: failure('2108', `The sandbox's Web activity knows authentication MSI, ServicePrincipal and Basic, not '${type}'.`, 'UserError', false) };
    }
    if (!resource) {
      return { failure: failure('2108', `Authentication ${type} needs a resource.`, 'UserError', false) };
    }
    const identity = this.env.managedIdentity;
    const clientId = type === 'MSI' ? identity.clientId : toText(auth['username'] ?? '');
    const clientSecret = type === 'MSI' ? identity.clientSecret : secureValue(auth['password']);
    const tenant = type === 'MSI' ? identity.tenantId : toText(auth['userTenant'] ?? auth['tenant'] ?? identity.tenantId);
    // The factory's managed identity is a service principal of the tenant; the sandbox asks the Entra
    // peer for its token like any client (how the real service obtains it is internal: undocumented).
    const tokenUrl = new URL(`${identity.authorityHost}/${encodeURIComponent(tenant)}/oauth2/token`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, resource }).toString();
    let response: WebResponse;
    try {
      response = await sendWebRequest(this.env.route, this.env.caPem, {
        method: 'POST',
        url: tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
        timeoutMs,
        signal,
      });
    } catch (error) {
      const result = noResponse(error, tokenUrl, null, signal);
      return { failure: result.kind === 'failed' ? result : failure('2308', 'The run was cancelled while the token was requested.', 'UserError', false) };
    }
    if (response.status !== 200) {
      // The service's wording for a failed managed identity token is undocumented; the Entra answer is kept whole.
      return {
        failure: failure(
          '2108',
          `Failed to get an access token with ${type === 'MSI' ? "the managed identity" : 'the service principal'} for resource '${resource}': HttpStatusCode - '${response.status} : ${reasonOf(response)}', message - '${response.text}'`,
          'UserError',
        ),
      };
    }
    let token = '';
    try {
      const parsed = (JSON.parse(response.text) as { access_token?: unknown }).access_token;
      token = typeof parsed === 'string' ? parsed : '';
    } catch {
      token = '';
    }
    if (!token) {
      return { failure: failure('2108', `The token endpoint answered without an access_token for resource '${resource}'.`, 'SystemError') };
    }
    this.secrets.add(token);
    return { header: `Bearer ${token}` };
  }
}

type AttemptFailure = { readonly kind: 'failed'; readonly error: Omit<ActivityError, 'target' | 'details'>; readonly retriable?: boolean; readonly input?: Value };
type AttemptResult = { readonly kind: 'succeeded'; readonly input: Value; readonly output: Value } | { readonly kind: 'cancelled'; readonly input?: Value } | AttemptFailure;

function failure(errorCode: string, message: string, failureType: ActivityError['failureType'], retriable?: boolean): AttemptFailure {
  return { kind: 'failed', error: { errorCode, message, failureType }, ...(retriable === false ? { retriable } : {}) };
}

function fail(errorCode: string, message: string, failureType: ActivityError['failureType'], input?: Value, retriable?: boolean): AttemptFailure {
  return { ...failure(errorCode, message, failureType, retriable), ...(input !== undefined ? { input } : {}) };
}

function timeoutFailure(activity: ActivityDefinition, input: Value | undefined): AttemptFailure {
  // The error code of an activity that outlives policy.timeout is undocumented; the message names the policy.
  return fail('ActivityTimedOut', `Activity '${activity.name}' timed out: it ran longer than its policy.timeout.`, 'UserError', input ?? null);
}

function noResponse(error: unknown, url: URL, input: Value, signal: AbortSignal): AttemptResult {
  if (signal.aborted) {
    const reason = (signal.reason as Error | undefined)?.message;
    return reason === 'timeout' ? fail('ActivityTimedOut', `The activity timed out calling '${url.host}': it ran longer than its policy.timeout.`, 'UserError', input) : { kind: 'cancelled', input };
  }
  const code = error instanceof NoResponseError ? error.code : 'ERROR';
  const detail = error instanceof Error ? error.message : String(error);
  // The documented text, then what the sandbox saw (the service adds its own exception detail).
  return fail('2308', `No response from the endpoint. Possible causes: network connectivity, DNS failure, server certificate validation or timeout. Endpoint: '${url.host}'. Details: ${code}: ${detail}`, 'UserError', input);
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** .NET's HttpStatusCode name, as the 2108 message shows it ('401 : Unauthorized'). */
function reasonOf(response: WebResponse): string {
  return REASONS[response.status] ?? response.statusText.replace(/\s+/g, '');
}

/** A JSON object's properties plus the response headers; anything else under `Response`. */
function webOutput(response: WebResponse): Value {
  let parsed: unknown;
  try {
    parsed = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    parsed = undefined;
  }
  const base = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Value>) : { Response: response.text };
  return {
    ...base,
    ADFWebActivityResponseHeaders: response.headers,
    effectiveIntegrationRuntime: 'AutoResolveIntegrationRuntime (West Europe)',
    executionDuration: 0,
    durationInQueue: { integrationRuntimeQueue: 0 },
  };
}

/** Fields of an output that are credentials: a token's access_token, a Key Vault secret's value. */
function credentialFields(url: URL, output: Value): string[] {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    return [];
  }
  const record = output as Record<string, Value>;
  const fields: string[] = [];
  for (const name of ['access_token', 'refresh_token', 'id_token']) {
    if (typeof record[name] === 'string') {
      fields.push(name);
    }
  }
  if (/\/secrets\/[^/]+/i.test(url.pathname) && typeof record['value'] === 'string') {
    fields.push('value');
  }
  return fields;
}

/** `{ type: 'SecureString', value }` or a plain string (Web activity password forms). */
function secureValue(value: Value | undefined): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return toText((value as Record<string, Value>)['value'] ?? '');
  }
  return toText(value ?? '');
}

function redactAuthentication(value: Value): Value {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value;
  }
  const { password: _password, pfx: _pfx, ...rest } = value as Record<string, Value>;
  return rest;
}

/** Every string under a value that holds an expression (`@…` or an `@{…}`). */
function templatesOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.startsWith('@') || value.includes('@{') ? [value] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap(templatesOf);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(templatesOf);
  }
  return [];
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
