import { parseConnectionString } from '../azure/connectionString';
import { preconnect } from '../azure/http';
import { proxySecrets } from '../azure/proxy';
import { inspectToken, likelyCausesOf, summarizeInspection, tokenStageFor, type InspectedStage, type TokenInspection } from '../diagnostics/tokenInspector';
import { explainError } from '../errors/explain';
import type { ExplainedError } from '../errors/errors';
import { raceAbort } from '../util/abort';
import { eventCount } from '../events/eventSource';
import { SendTally } from '../events/sendTally';
import type { ConnectionProfile } from '../model/profile';
import { canonicalProfile, validateTrustedCa } from '../model/validate';
import { dependenciesOf, PIPELINE_STAGES, planFor, skipReason, STAGE_ORDER } from './plan';
import type { FlowRequest, StageImplementation } from './stage';
import { STAGES } from './stages';
import type { FlowEvent, FlowResult, FlowServices, StageContext, StageId, StageOutcome, StageOutputs } from './types';
import { STAGE_TITLES } from './types';
import { TokenCache } from './tokenCache';

// The engine: runs the stages a target needs in dependency order, with timeouts, cancel, redaction, token inspection and explained failures.
export interface RunFlowOptions extends FlowRequest {
  /** The last stage to run; its dependencies run first. Default `send` (the whole pipeline). */
  readonly target?: StageId;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: FlowEvent) => void;
  /** Reuse nothing from earlier runs (no cached token, secret or kept connection). */
  readonly fresh?: boolean;
  /** Replace stage implementations (tests). */
  readonly stages?: Partial<{ [S in StageId]: StageImplementation<S> }>;
  /**
   * Awaited before a stage starts, outside its timing and timeout, with the outputs so far: the
   * round trip (roundTrip.ts) opens its consumer here before `send`. Failures are its own business.
   */
  readonly beforeStage?: (stage: StageId, ctx: StageContext, outputs: Partial<StageOutputs>) => Promise<void>;
}

/** Thrown into a stage's signal when it overruns `stageTimeoutMs`; parseError reads `code`. */
export class StageTimeoutError extends Error {
  readonly code = 'StageTimeout';
  constructor(stage: StageId, timeoutMs: number) {
    super(`${STAGE_TITLES[stage]} did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'StageTimeoutError';
  }
}

/**
 * Runs the stages needed for `target` in dependency order. Independent stages (the two Key Vault
 * reads) run in parallel; a failed stage stops only the stages that depend on it, so both reads
 * report even if one fails. Every stage gets its own timeout; the caller's signal cancels all.
 */
export async function runFlow(input: ConnectionProfile, services: FlowServices, options: RunFlowOptions = {}): Promise<FlowResult> {
  // Every request of the run is built from the canonical hosts, never from the profile's text.
  const profile = canonicalProfile(input);
  const target = options.target ?? 'send';
  const plan = planFor(target, profile);
  const runSignal = options.signal ?? new AbortController().signal;
  // The send's tally is the caller's if it brought one: either way it outlives a cancel or a failure.
  const sendRequest = options.send && !options.send.tally ? { ...options.send, tally: new SendTally(eventCount(options.send.events), services.now) } : options.send;
  const request: RunFlowOptions = sendRequest ? { ...options, send: sendRequest } : options;
  const implementations: { [S in StageId]: StageImplementation<S> } = { ...STAGES, ...options.stages };
  const log = services.logger.child('flow');
  const started = services.now();

  registerProfileSecrets(profile, services);
  // A proxy URL may carry credentials (http://user:password@proxy:port): never printed either.
  for (const secret of proxySecrets(services.proxy)) {
    services.redactor.add(secret);
  }
  // Defence in depth: a stored profile must not smuggle a CA in for remote hosts.
  const caProblem = validateTrustedCa(profile)[0];
  if (caProblem) {
    throw caProblem;
  }
  for (const stage of plan) {
    implementations[stage].prepare?.(profile, request);
  }
  const emit = (event: FlowEvent): void => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      log.error('An event listener failed', error);
    }
  };

  // Pipeline stages this endpoint does not need are shown as skipped rather than silently missing.
  if (target === 'send' || target === 'probe') {
    for (const stage of PIPELINE_STAGES) {
      const reason = skipReason(stage, profile);
      if (reason && !plan.includes(stage)) {
        emit({ type: 'stageSkipped', stage, reason });
      }
    }
  }

  const outputs: Partial<StageOutputs> = {};
  const outcomes = new Map<StageId, StageOutcome>();
  const running = new Map<StageId, Promise<boolean>>();
  // The stage under test always runs fresh: "Test Key Vault Token" must ask Entra, not the cache.
  // Only a send (or the probe) may reuse tokens, secrets and connections of an earlier run.
  const freshServices: FlowServices = { ...services, tokenCache: new TokenCache(), secretCache: undefined, amqpSession: undefined };
  const servicesFor = (stage: StageId): FlowServices => (stage === target && target !== 'send' && target !== 'probe') || options.fresh ? freshServices : services;
  const ctxFor = (signal: AbortSignal, stage?: StageId): StageContext => ({ profile, services: stage ? servicesFor(stage) : services, redactor: services.redactor, signal });
  if (!runSignal.aborted) {
    openEarly(plan, (stage) => implementations[stage].connectsTo?.(ctxFor(runSignal, stage), request), profile, services);
  }
  // What each token stage's token says, kept (redacted, without the token) to explain a later refusal.
  const inspections = new Map<InspectedStage, TokenInspection>();
  const inspect = (stage: StageId): TokenInspection | undefined => {
    if (stage !== 'keyVaultToken' && stage !== 'eventHubsToken') {
      return undefined;
    }
    const token = outputs[stage]?.token;
    if (token === undefined) {
      return undefined;
    }
    const clientId = stage === 'eventHubsToken' ? outputs.readClientId?.value.trim() : undefined;
    // The token's appid is the client id in lower case; the redactor must know that spelling too.
    services.redactor.add(clientId?.toLowerCase());
    const inspection = inspectToken(token, { stage, profile, now: services.now(), ...(clientId !== undefined ? { expectedClientId: clientId } : {}) });
    // Value by value, not over the JSON text: a short secret inside a number or a key would break the JSON.
    const safe = redactValues(inspection, (text) => services.redactor.redact(text));
    inspections.set(stage, safe);
    log.info(`${STAGE_TITLES[stage]}: token inspected: ${summarizeInspection(safe)}`);
    return safe;
  };

  const runStage = async (stage: StageId): Promise<boolean> => {
    const stageStart = services.now();
    const elapsed = (): number => services.now() - stageStart;
    const timeout = new AbortController();
    const expire = (): void => timeout.abort(new StageTimeoutError(stage, services.stageTimeoutMs));
    let timer = setTimeout(expire, services.stageTimeoutMs);
    // A long send (a million events, a load run) is timed out only when it stops making progress.
    const stopWatching =
      stage === 'send'
        ? sendRequest?.tally?.onChange(() => {
            clearTimeout(timer);
            timer = setTimeout(expire, services.stageTimeoutMs);
          })
        : undefined;
    const signal = AbortSignal.any([runSignal, timeout.signal]);
    emit({ type: 'stageStarted', stage, at: stageStart });
    log.info(`${STAGE_TITLES[stage]}: started`);
    try {
      const implementation = implementations[stage] as StageImplementation;
      // raceAbort: a cancelled run returns at once even if the stage's own I/O ignores the signal.
      const result = await raceAbort(implementation.run(ctxFor(signal, stage), outputs, request), signal);
      (outputs as Record<StageId, unknown>)[stage] = result.output;
      const durationMs = elapsed();
      const inspection = inspect(stage);
      const inspected = inspection ? { inspection } : {};
      outcomes.set(stage, { stage, status: 'succeeded', durationMs, summary: result.summary, ...inspected });
      emit({ type: 'stageSucceeded', stage, durationMs, summary: result.summary, ...(result.cached ? { cached: true } : {}), ...inspected });
      log.info(`${STAGE_TITLES[stage]}: succeeded in ${durationMs} ms (${result.summary})`);
      return true;
    } catch (error) {
      const durationMs = elapsed();
      if (runSignal.aborted) {
        outcomes.set(stage, { stage, status: 'cancelled', durationMs });
        emit({ type: 'stageCancelled', stage, durationMs });
        log.info(`${STAGE_TITLES[stage]}: cancelled`);
        return false;
      }
      const cause: unknown = timeout.signal.aborted ? timeout.signal.reason : error;
      const explained: ExplainedError = explainError(cause, { stage, secrets: [], endpointAuth: profile.endpoint.auth.kind });
      // The explanation quotes the service's message ("It said: …"), so every text is redacted with the run's secrets.
      const redact = (text: string): string => services.redactor.redact(text);
      const { explanation } = explained;
      const tokenStage = tokenStageFor(stage);
      const likelyCauses = tokenStage ? likelyCausesOf(explained, inspections.get(tokenStage)).map((c) => ({ tokenStage, claim: c.claim, reason: c.reason, fix: c.fix })) : [];
      const safe: ExplainedError = {
        ...explained,
        message: redact(explained.message),
        ...(explained.details ? { details: Object.fromEntries(Object.entries(explained.details).map(([name, value]) => [name, redact(value)])) } : {}),
        explanation: { ...explanation, summary: redact(explanation.summary), cause: redact(explanation.cause), fix: redact(explanation.fix) },
        ...(likelyCauses.length > 0 ? { likelyCauses } : {}),
      };
      outcomes.set(stage, { stage, status: 'failed', durationMs, error: safe });
      emit({ type: 'stageFailed', stage, durationMs, error: safe });
      const likely = likelyCauses.map((c) => ` Likely cause (${STAGE_TITLES[c.tokenStage]}, ${c.claim}): ${c.reason}`).join('');
      log.error(`${STAGE_TITLES[stage]}: failed in ${durationMs} ms [${safe.code}] ${safe.explanation.summary}${likely}`, cause);
      return false;
    } finally {
      clearTimeout(timer);
      stopWatching?.();
    }
  };

  const schedule = (stage: StageId): Promise<boolean> => {
    let pending = running.get(stage);
    if (!pending) {
      pending = (async () => {
        const deps = dependenciesOf(stage, profile).filter((d) => plan.includes(d));
        const depsOk = await Promise.all(deps.map(schedule));
        if (runSignal.aborted) {
          outcomes.set(stage, { stage, status: 'cancelled' });
          return false;
        }
        if (!depsOk.every(Boolean)) {
          outcomes.set(stage, { stage, status: 'notRun' });
          return false;
        }
        await options.beforeStage?.(stage, ctxFor(runSignal), outputs).catch((error: unknown) => log.error(`Before ${STAGE_TITLES[stage]}: a hook failed`, error));
        return runStage(stage);
      })();
      running.set(stage, pending);
    }
    return pending;
  };

  await Promise.all(plan.map(schedule));

  const ordered = STAGE_ORDER.filter((s) => outcomes.has(s)).map((s) => outcomes.get(s) as StageOutcome);
  const failed = ordered.find((o) => o.status === 'failed');
  if (failed) {
    // A failure may come from a rotated secret or a revoked right: the next run starts afresh.
    services.secretCache?.clear();
  }
  const cancelled = runSignal.aborted;
  const result: FlowResult = {
    ok: !failed && !cancelled && ordered.every((o) => o.status === 'succeeded'),
    cancelled,
    outcomes: ordered,
    totalMs: services.now() - started,
    ...(failed ? { failedStage: failed.stage } : {}),
    ...(outputs.send ? { send: outputs.send } : {}),
    ...(sendRequest?.tally && outcomes.get('send')?.durationMs !== undefined ? { sendCounts: sendRequest.tally.counts() } : {}),
    ...(outputs.probe ? { endpoint: outputs.probe } : {}),
  };
  log.info(`Flow to '${target}' ${result.ok ? 'succeeded' : cancelled ? 'was cancelled' : 'failed'} in ${result.totalMs} ms`);
  return result;
}

/**
 * Opens the connections of the stages that must wait for others (the two Key Vault reads, a REST
 * send) while the first stage waits for its token: on a real network each new connection costs
 * two round trips (TCP, TLS) that would otherwise add to the flow's time (issue #8, `npm run bench`).
 * A stage that waits for nothing opens its own connection at once, so gains nothing from this.
 */
function openEarly(plan: readonly StageId[], originOf: (stage: StageId) => string | undefined, profile: ConnectionProfile, services: FlowServices): void {
  // A profile with an extra CA reaches loopback hosts only (validateTrustedCa), which no proxy support re-routes.
  if (!services.directConnections && !profile.trustedCaPem) {
    return;
  }
  try {
    const wanted = new Map<string, number>();
    for (const stage of plan) {
      const waits = dependenciesOf(stage, profile).some((d) => plan.includes(d));
      const origin = waits ? originOf(stage) : undefined;
      if (origin) {
        wanted.set(origin, (wanted.get(origin) ?? 0) + 1);
      }
    }
    for (const [origin, count] of wanted) {
      preconnect(origin, { count, trustedCaPem: profile.trustedCaPem, ...(services.proxy ? { proxy: services.proxy } : {}) });
    }
  } catch (error) {
    // Only a head start: the stages open their own connections and report their own errors.
    services.logger.child('flow').debug(`Opening connections early failed: ${String(error)}`);
  }
}

/** Everything in the profile that must never be printed. */
export function registerProfileSecrets(profile: ConnectionProfile, services: Pick<FlowServices, 'redactor'>): void {
  const { auth } = profile.keyVault;
  if (auth.kind === 'servicePrincipal') {
    services.redactor.add(auth.clientSecret);
  }
  const endpointAuth = profile.endpoint.auth;
  if (endpointAuth.kind === 'sas') {
    services.redactor.add(endpointAuth.key);
  } else if (endpointAuth.kind === 'connectionString') {
    services.redactor.add(endpointAuth.connectionString);
    try {
      const parsed = parseConnectionString(endpointAuth.connectionString);
      services.redactor.add(parsed.key);
      services.redactor.add(parsed.sharedAccessSignature);
    } catch {
      // A malformed string fails at the send stage; the whole string is registered above.
    }
  }
}

/** Every string in plain data (arrays, objects) redacted; numbers, booleans and keys as they are. */
function redactValues<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') {
    return redact(value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => redactValues(item, redact)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValues(item as unknown, redact)])) as T;
  }
  return value;
}
