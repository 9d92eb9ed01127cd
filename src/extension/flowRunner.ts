/**
 * The editor's flow runs and its session (token cache, secret cache, kept-open AMQP producers):
 * runs the core flow with the editor's services and settings, behind a cancellable notification.
 * What the runs found is kept by StageResultsStore; the settings are read by runnerSettings.
 */
import * as vscode from 'vscode';
import { destinationsOf } from '../core/azure/credentialGuard';
import { CancelledError, createStageError } from '../core/errors/errors';
import { normalizeWarningDays } from '../core/diagnostics/secretHygiene';
import type { StageImplementation } from '../core/flow/stage';
import { describeProxy, proxySettingProblem, type ProxySettings } from '../core/azure/proxy';
import { AmqpSession } from '../core/azure/amqpSession';
import { SecretCache } from '../core/flow/secretCache';
import { TokenCache } from '../core/flow/tokenCache';
import type { RoundTripResult } from '../core/flow/roundTrip';
import type { AccessToken, EndpointInfo, FlowEvent, FlowResult, FlowServices, SecretValue, StageId, StageOutcome } from '../core/flow/types';
import { STAGE_TITLES } from '../core/flow/types';
import type { Logger } from '../core/logging/logger';
import type { Redactor } from '../core/logging/redact';
import type { ConnectionProfile, SecretReference } from '../core/model/profile';
import { SETTINGS } from './constants';
import { setContext } from './contextKeys';
import { affectsProxy, readProxySettings, requestsGoDirect } from './proxySettings';
import { changedPartitions, resultsFingerprint } from './resultFreshness';
import { keepConnectionsMs, readRunnerSettings, type RunnerSettings } from './runnerSettings';
import type { FlowRunner, FlowRunOptions, ProfileStore, SignedInAccount } from './services';
import { StageResultsStore, type StageResultsView } from './stageResultsStore';

export type { StageResultsView } from './stageResultsStore';

/** A run that is not a user-visible flow: the tree's Key Vault listing needs the stage-1 token. */
interface ExecuteExtras {
  readonly signal?: AbortSignal;
  readonly progress?: vscode.Progress<{ message?: string }>;
  readonly stages?: Partial<{ [S in StageId]: StageImplementation<S> }>;
  /** A listing the tree started by itself: results are recorded, but it is not "the last flow" (status bar). */
  readonly background?: boolean;
}

export class ProfileNotFoundError extends Error {
  readonly code = 'ProfileNotFound';
  constructor(profileId: string) {
    super(`The profile ${profileId} no longer exists (deleted in this or another window).`);
    this.name = 'ProfileNotFoundError';
  }
}

/**
 * Runs the core flow with the editor's services: timeouts from settings, one session TokenCache,
 * the signed-in account for `signedInUser` profiles, a cancellable progress notification whose
 * Cancel button aborts the run. Results are kept in memory only, per profile and stage.
 */
export class EditorFlowRunner implements FlowRunner, StageResultsView, vscode.Disposable {
  private readonly results = new StageResultsStore();
  readonly onDidChange = this.results.onDidChange;
  private readonly finished = new vscode.EventEmitter<{ profileId: string; profileName: string; target: StageId; result: FlowResult }>();
  readonly onDidFinish = this.finished.event;
  /** A profile's results were dropped (it was edited, removed, or its sandbox stopped): issue #11. */
  readonly onDidReset = this.results.onDidReset;

  private readonly tokenCache = new TokenCache();
  /** Producers kept open between sends (issue #8); closed on Refresh, sign-in changes and deactivation. */
  private readonly amqpSession = new AmqpSession(() => keepConnectionsMs());
  /** The two pipeline secrets, reused by warm sends for a few minutes (issue #8). */
  private readonly secretCache = new SecretCache();
  private readonly profileWatch: vscode.Disposable;
  private activeRuns = 0;
  private readonly log: Logger;
  private readonly configWatch: vscode.Disposable;

  constructor(
    private readonly deps: {
      readonly profiles: ProfileStore;
      readonly logger: Logger;
      readonly redactor: Redactor;
      readonly account: SignedInAccount;
      readonly settings?: () => RunnerSettings;
    },
  ) {
    this.log = deps.logger.child('runner');
    // The proxy is read per run; say when it changes, so the log explains a different route.
    this.configWatch = vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsProxy(event)) {
        const proxy = readProxySettings(this.deps.redactor);
        this.log.info(proxy ? `Proxy for the next runs: ${describeProxy(proxy)} (${proxy.source ?? 'settings'})` : 'No proxy for the next runs.');
      }
    });
    // An edit here or in another window: results obtained with the old profile no longer hold.
    this.profileWatch = deps.profiles.onDidChange(() => void this.dropStaleResults());
  }

  dispose(): void {
    this.finished.dispose();
    this.configWatch.dispose();
    this.profileWatch.dispose();
    this.results.dispose();
    this.tokenCache.clear();
    this.secretCache.clear();
    void this.amqpSession.close();
  }

  // --- StageResults: kept by StageResultsStore --------------------------------------------------

  get(profileId: string, stage: StageId): StageOutcome | undefined {
    return this.results.get(profileId, stage);
  }

  lastFlow(profileId: string): FlowResult | undefined {
    return this.results.lastFlow(profileId);
  }

  isRunning(profileId: string, stage: StageId): boolean {
    return this.results.isRunning(profileId, stage);
  }

  lastEndpoint(profileId: string): EndpointInfo | undefined {
    return this.results.lastEndpoint(profileId);
  }

  /** Forgets partition listings (Refresh re-probes). Stage results stay until the window closes. */
  forgetEndpoints(profileId?: string): void {
    this.results.forgetEndpoints(profileId);
  }

  /** Drops every result of a profile (after an edit, or after the sandbox stopped). */
  forgetResults(profileId: string): void {
    this.results.forgetResults(profileId);
  }

  /** Results of profiles that were removed or changed since they ran are dropped. */
  private async dropStaleResults(): Promise<void> {
    for (const [profileId, print] of this.results.fingerprinted()) {
      let stored: ConnectionProfile | undefined;
      try {
        stored = await this.deps.profiles.get(profileId);
      } catch {
        continue; // unreadable now: the tree says so; keep what is known
      }
      if (!stored || resultsFingerprint(this.withTransportSetting(stored)) !== print) {
        this.log.debug(`Profile ${profileId} ${stored ? 'changed' : 'was removed'}: its results are cleared.`);
        this.results.forgetResults(profileId);
      }
    }
  }

  /** Drops cached tokens (after a profile edit or a sign-in change, the old ones may be wrong). */
  clearTokens(): void {
    this.tokenCache.clear();
    this.secretCache.clear();
    void this.amqpSession.clear();
  }

  // --- FlowRunner ----------------------------------------------------------------------------

  async run(profileId: string, options: FlowRunOptions): Promise<RoundTripResult> {
    const profile = await this.loadProfile(profileId);
    if (options.showProgress === false) {
      return this.execute(profile, options, {});
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: `${STAGE_TITLES[options.target]} — ${profile.name}` },
      (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort(new CancelledError()));
        return this.execute(profile, options, { signal: controller.signal, progress }).finally(() => {
          subscription.dispose();
        });
      },
    );
  }

  /** Runs to `target` without a notification and without touching the status bar (the tree's partition listing). */
  runInBackground(profileId: string, target: StageId): Promise<FlowResult> {
    return this.loadProfile(profileId).then((profile) => this.execute(profile, { target }, { background: true }));
  }

  /** The stage-1 token for the tree's Key Vault listing and for revealing a value (memory only). */
  async keyVaultToken(profileId: string, signal: AbortSignal): Promise<{ profile: ConnectionProfile; token: AccessToken }> {
    const profile = await this.loadProfile(profileId);
    const { STAGES } = await import('../core/flow/stages/index');
    let captured: AccessToken | undefined;
    const capture: StageImplementation<'keyVaultToken'> = {
      id: 'keyVaultToken',
      run: async (ctx, inputs, request) => {
        const result = await STAGES.keyVaultToken.run(ctx, inputs, request);
        captured = result.output;
        return result;
      },
    };
    const result = await this.execute(profile, { target: 'keyVaultToken' }, { signal, stages: { keyVaultToken: capture }, background: true });
    if (result.cancelled) {
      throw new CancelledError();
    }
    const failed = result.outcomes.find((o) => o.stage === 'keyVaultToken');
    if (!captured || !result.ok) {
      if (failed?.error) {
        throw createStageError('keyVaultToken', failed.error);
      }
      throw new Error('The Key Vault token stage produced no token.');
    }
    return { profile, token: captured };
  }

  /** One secret's value, for the explicit, confirmed Reveal command only. Registered with the redactor at once. */
  async readSecretValue(profileId: string, reference: SecretReference, signal: AbortSignal): Promise<SecretValue> {
    const { profile, token } = await this.keyVaultToken(profileId, signal);
    const [{ readSecret }, { keyVaultResourceOf }] = await Promise.all([import('../core/azure/keyVault'), import('../core/flow/stages/authority')]);
    const secret = await readSecret({
      vaultUrl: profile.keyVault.vaultUrl,
      name: reference.name,
      ...(reference.version ? { version: reference.version } : {}),
      token,
      audience: keyVaultResourceOf(profile),
      destination: destinationsOf(profile).keyVault,
      signal,
      ...(profile.trustedCaPem ? { trustedCaPem: profile.trustedCaPem } : {}),
      ...this.proxyOption(),
    });
    this.deps.redactor.add(secret.value);
    this.deps.redactor.add(secret.value.trim());
    return secret;
  }

  /** VS Code's http.proxy (or HTTPS_PROXY), as an option object for core calls. */
  proxyOption(): { proxy?: ProxySettings } {
    const proxy = readProxySettings(this.deps.redactor);
    // A malformed http.proxy is bad input with a fix, not a proxy that refused a tunnel at stage 1.
    const problem = proxy ? proxySettingProblem(proxy) : undefined;
    if (problem) {
      throw problem;
    }
    return proxy ? { proxy } : {};
  }

  async loadProfile(profileId: string): Promise<ConnectionProfile> {
    const stored = await this.deps.profiles.get(profileId);
    if (!stored) {
      throw new ProfileNotFoundError(profileId);
    }
    // The seed pipeline treats even client ids as secrets: so does the log.
    if (stored.keyVault.auth.kind === 'servicePrincipal') {
      this.deps.redactor.add(stored.keyVault.auth.clientId);
      this.deps.redactor.add(stored.keyVault.auth.clientSecret);
    }
    return this.withTransportSetting(stored);
  }

  private withTransportSetting(stored: ConnectionProfile): ConnectionProfile {
    const settings = (this.deps.settings ?? readRunnerSettings)();
    // The profile's own transport wins. For profiles without one the setting decides: `websockets` pins
    // WebSockets; `tcp` (the default) leaves it open, so a blocked 5671 falls back to WebSockets on 443.
    return stored.endpoint.amqpTransport || settings.amqpTransport !== 'websockets' ? stored : { ...stored, endpoint: { ...stored.endpoint, amqpTransport: 'websockets' } };
  }

  private async execute(profile: ConnectionProfile, options: FlowRunOptions, extras: ExecuteExtras): Promise<RoundTripResult> {
    const settings = (this.deps.settings ?? readRunnerSettings)();
    const controller = new AbortController();
    const abort = (): void => controller.abort(new CancelledError());
    const cleanups: (() => void)[] = [];
    if (extras.signal) {
      if (extras.signal.aborted) {
        abort();
      }
      extras.signal.addEventListener('abort', abort, { once: true });
      cleanups.push(() => extras.signal?.removeEventListener('abort', abort));
    }
    if (options.token) {
      const subscription = options.token.onCancellationRequested(abort);
      cleanups.push(() => {
        subscription.dispose();
      });
    }
    const services: FlowServices = {
      redactor: this.deps.redactor,
      logger: this.deps.logger,
      tokenCache: this.tokenCache,
      amqpSession: this.amqpSession,
      secretCache: this.secretCache,
      signedInUser: this.deps.account.tokenProvider(profile.cloud),
      stageTimeoutMs: settings.stageTimeoutMs,
      now: Date.now,
      ...(settings.keyVaultApiVersion ? { keyVaultApiVersion: settings.keyVaultApiVersion } : {}),
      ...this.proxyOption(),
      directConnections: requestsGoDirect(),
      secretExpiryWarningDays: normalizeWarningDays(vscode.workspace.getConfiguration().get<number>(SETTINGS.secretsExpiryWarningDays)),
    };
    const started = new Set<StageId>();
    const print = resultsFingerprint(profile);
    this.results.setFingerprint(profile.id, print);
    const onEvent = (event: FlowEvent): void => {
      this.results.record(profile.id, event, started);
      if (event.type === 'stageStarted') {
        extras.progress?.report({ message: `${STAGE_TITLES[event.stage]}…` });
      }
      options.onEvent?.(event);
    };

    this.setActive(+1);
    this.log.debug(`Run to '${options.target}' for profile "${profile.name}"${extras.background ? ' (tree listing)' : ''}`);
    try {
      // Without `readBack` this is runFlow itself.
      const { runFlowWithReadBack } = await import('../core/flow/roundTrip');
      const result = await runFlowWithReadBack(profile, services, {
        target: options.target,
        ...(options.readBack ? { readBack: options.readBack } : {}),
        signal: controller.signal,
        onEvent,
        ...(options.send ? { send: options.send } : {}),
        ...(extras.stages ? { stages: extras.stages } : {}),
      });
      // Stages that never started (a dependency failed, or the run was cancelled first) report here.
      for (const outcome of result.outcomes) {
        if (!started.has(outcome.stage) && (outcome.status === 'notRun' || outcome.status === 'cancelled')) {
          this.results.store(profile.id, outcome);
        }
      }
      if (this.results.fingerprintOf(profile.id) !== print) {
        // The profile was edited while this ran: what it found belongs to the old one.
        this.results.forgetResults(profile.id);
      } else {
        if (result.endpoint) {
          this.results.keepEndpoint(profile.id, result.endpoint);
        } else if (changedPartitions(options.target, result)) {
          // The partition listing no longer holds: the tree reads it again (issue #11).
          this.results.forgetEndpoints(profile.id);
        }
        if (options.target === 'send') {
          this.results.keepFlow(profile.id, result);
        }
      }
      this.results.fireChanged(profile.id);
      if (!extras.background) {
        this.finished.fire({ profileId: profile.id, profileName: profile.name, target: options.target, result });
      }
      return result;
    } finally {
      for (const stage of started) {
        this.results.unmarkRunning(profile.id, stage);
      }
      cleanups.forEach((c) => c());
      this.setActive(-1);
    }
  }

  private setActive(delta: number): void {
    const before = this.activeRuns;
    this.activeRuns += delta;
    if ((before === 0) !== (this.activeRuns === 0)) {
      void setContext('eventstreamFlow.flowRunning', this.activeRuns > 0);
    }
  }
}
