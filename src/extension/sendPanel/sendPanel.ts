import { describeLatency, latencySummary, type LatencySummary } from '../../core/events/latency';
import { SendTally, throughputOf, type SendCounts } from '../../core/events/sendTally';
import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isValidationError } from '../../core/errors/errors';
import { SAMPLE_EVENT_TEMPLATE } from '../../core/events/template';
import { STAGE_TITLES } from '../../core/flow/types';
import type { RoundTripResult } from '../../core/flow/roundTrip';
import type { FlowEvent, SendRequest } from '../../core/flow/types';
import type { Logger } from '../../core/logging/logger';
import {
  isParseError,
  PANEL_STAGES,
  parseWebviewMessage,
  SEND_PANEL_LIMITS,
  type HistoryEntry,
  type HostMessage,
  type PanelSettings,
  type PanelStageId,
  type ProfileOption,
  type ReadBackView,
  type RunSnapshot,
  type SendForm,
  type SendOutcome,
  type StageView,
  type WebviewMessage,
} from '../../shared/sendPanelProtocol';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { clampSize, SendPanelStore } from './history';
import { renderPanelHtml } from './html';
import { checkBody, isPanelStage, planSend, projectFlowEvent, projectReadBack, RefusalError } from './prepareEvents';

export const SEND_PANEL_VIEW_TYPE = 'eventstreamFlow.sendPanel';

interface MutableSnapshot {
  running: boolean;
  request: number;
  requests: number;
  stages: StageView[];
  result?: SendOutcome;
  readBack?: ReadBackView;
}

/**
 * The send-event panel: one per window. The webview is not retained while hidden (it costs memory
 * for a panel people leave open), so it re-announces `ready` after every reload and the host
 * answers with everything it needs: profiles, settings, saved form settings, history and the
 * current run. The draft body stays in the webview's own state.
 */
export class SendPanel implements vscode.Disposable {
  private static current: SendPanel | undefined;

  /** Opens (or reveals) the panel, preselecting `profileId` when given. */
  static show(services: ExtensionServices, profileId?: string): SendPanel {
    const existing = SendPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (profileId) {
        void existing.selectProfile(profileId);
      }
      return existing;
    }
    const panel = new SendPanel(services, profileId);
    SendPanel.current = panel;
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly store: SendPanelStore;
  private readonly log: Logger;
  private ready = false;
  private selectedProfileId: string | undefined;
  private running: vscode.CancellationTokenSource | undefined;
  private snapshot: MutableSnapshot | undefined;
  /** Docs links the host itself sent: the only URLs `openDocs` may open. */
  private readonly docsUrls = new Set<string>();

  private constructor(
    private readonly services: ExtensionServices,
    profileId: string | undefined,
  ) {
    const { extensionUri } = services.context;
    this.store = new SendPanelStore(services.context.workspaceState);
    this.log = services.logger.child('sendPanel');
    this.selectedProfileId = profileId;
    this.panel = vscode.window.createWebviewPanel(
      SEND_PANEL_VIEW_TYPE,
      'Send Events',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        // A hidden panel's webview is torn down; it says `ready` again when shown.
        if (!webviewPanel.visible) {
          this.ready = false;
        }
      }),
      this.panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      services.profiles.onDidChange(() => void this.postProfiles()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.historySize)) {
          this.post({ type: 'history', entries: this.store.history(this.settings().historySize) });
        }
      }),
    );
  }

  dispose(): void {
    if (SendPanel.current === this) {
      SendPanel.current = undefined;
    }
    this.running?.cancel();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }

  private html(): string {
    const { webview } = this.panel;
    const { extensionUri } = this.services.context;
    const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: uri('dist', 'webview', 'sendPanel.js'),
      styleUri: uri('media', 'sendPanel.css'),
      codiconsUri: uri('dist', 'webview', 'codicons', 'codicon.css'),
    });
  }

  /** Everything from the webview is untrusted: parsed field by field, and dropped (and logged) if malformed. */
  private receive(data: unknown): void {
    const message = parseWebviewMessage(data);
    if (isParseError(message)) {
      const type = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type).slice(0, 40) : typeof data;
      this.log.warn(`Dropped an invalid message from the send panel (type ${type}): ${message.error}`);
      return;
    }
    this.handle(message).catch((error: unknown) => this.log.error(`Handling '${message.type}' failed`, error));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.postInit();
        return;
      case 'send':
        await this.send(message.form);
        return;
      case 'cancel':
        this.running?.cancel();
        return;
      case 'pickProfile':
        await this.selectProfile(message.profileId, false);
        return;
      case 'validateBody':
        this.post({ type: 'bodyValidation', requestId: message.requestId, ...checkBody(message.body, message.parameters, message.contentType) });
        return;
      case 'saveForm':
        await this.store.saveForm(message.form);
        return;
      case 'clearHistory':
        await this.store.clearHistory();
        this.post({ type: 'history', entries: [] });
        return;
      case 'openLog':
        this.services.log.show(true);
        return;
      case 'openDocs':
        if (this.docsUrls.has(message.url)) {
          await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        } else {
          this.log.warn('Refused to open a link the panel was not given.');
        }
        return;
    }
  }

  private post(message: HostMessage): void {
    if (this.ready) {
      void this.panel.webview.postMessage(message);
    }
  }

  private settings(): PanelSettings {
    const config = vscode.workspace.getConfiguration();
    const protocol = config.get<string>(SETTINGS.defaultProtocol);
    return {
      historySize: clampSize(config.get<number>(SETTINGS.historySize, 20)),
      defaultProtocol: protocol === 'amqp' ? 'amqp' : 'rest',
      maxBodyBytes: SEND_PANEL_LIMITS.maxBodyBytes,
      maxCount: SEND_PANEL_LIMITS.maxCount,
      sampleBody: SAMPLE_EVENT_TEMPLATE,
    };
  }

  private async profileOptions(): Promise<ProfileOption[]> {
    return (await this.services.profiles.list()).map((p) => ({ id: p.id, name: p.name }));
  }

  /** The explicit choice if it still exists, else the saved one, else the first profile. */
  private pickSelected(profiles: readonly ProfileOption[]): string | undefined {
    const exists = (id: string | undefined): id is string => id !== undefined && profiles.some((p) => p.id === id);
    const saved = this.store.form()?.profileId;
    const chosen = exists(this.selectedProfileId) ? this.selectedProfileId : exists(saved) ? saved : profiles[0]?.id;
    this.selectedProfileId = chosen;
    return chosen;
  }

  private async postInit(): Promise<void> {
    const profiles = await this.profileOptions();
    const selected = this.pickSelected(profiles);
    const settings = this.settings();
    const form = this.store.form();
    this.post({
      type: 'init',
      profiles,
      ...(selected ? { selectedProfileId: selected } : {}),
      settings,
      ...(form ? { form } : {}),
      history: this.store.history(settings.historySize),
      ...(this.snapshot ? { run: this.snapshotView(this.snapshot) } : {}),
    });
  }

  private async postProfiles(): Promise<void> {
    const profiles = await this.profileOptions();
    const selected = this.pickSelected(profiles);
    this.post({ type: 'profiles', profiles, ...(selected ? { selectedProfileId: selected } : {}) });
  }

  private async selectProfile(profileId: string, announce = true): Promise<void> {
    this.selectedProfileId = profileId;
    if (announce) {
      await this.postProfiles();
    }
  }

  private snapshotView(s: MutableSnapshot): RunSnapshot {
    return {
      running: s.running,
      request: s.request,
      requests: s.requests,
      stages: [...s.stages],
      ...(s.result ? { result: s.result } : {}),
      ...(s.readBack ? { readBack: s.readBack } : {}),
    };
  }

  private refuse(form: SendForm, message: string, fix: string): void {
    const result: SendOutcome = {
      status: 'refused',
      protocol: form.protocol,
      eventsRequested: form.count,
      eventsAccepted: 0,
      requests: 0,
      bytes: 0,
      durationMs: 0,
      message,
      fix,
      at: Date.now(),
    };
    this.post({ type: 'sendResult', result });
  }

  private async send(form: SendForm): Promise<void> {
    if (this.running) {
      this.refuse(form, 'A send is already running.', 'Wait for it to finish, or cancel it.');
      return;
    }
    const profile = (await this.services.profiles.list()).find((p) => p.id === form.profileId);
    if (!profile) {
      this.refuse(form, 'The selected profile no longer exists.', 'Choose another profile.');
      return;
    }
    this.selectedProfileId = profile.id;
    const planned = planSend(form, randomUUID());
    if (!planned.ok) {
      this.refuse(form, planned.refusal.message, planned.refusal.fix);
      return;
    }
    const { plan } = planned;
    const cts = new vscode.CancellationTokenSource();
    this.running = cts;
    const snapshot: MutableSnapshot = { running: true, request: 0, requests: plan.requests, stages: pendingStages() };
    this.snapshot = snapshot;
    this.docsUrls.clear();
    const started = Date.now();
    let accepted = 0;
    let bytes = 0;
    let requests = 0;
    // Where the events stand after a cancel or a failure (from the send's tally).
    let unsettled: { inFlight: number; neverSent: number } | undefined;
    let status: HistoryEntry['status'] = 'ok';
    let failedStage: PanelStageId | undefined;
    let message: string | undefined;
    let fix: string | undefined;
    this.log.info(`Sending ${plan.events} event(s) to '${profile.name}' over ${form.protocol} in ${plan.requests} request(s)`);

    try {
      for (let r = 0; r < plan.requests; r++) {
        if (cts.token.isCancellationRequested) {
          status = 'cancelled';
          break;
        }
        const tally = new SendTally(plan.requests === 1 ? plan.events : 1);
        const planned = { ...plan.request(r), tally };
        snapshot.request = r + 1;
        snapshot.stages = pendingStages();
        this.post({ type: 'runStarted', request: r + 1, requests: plan.requests, events: tally.total });
        const progress = plan.requests === 1 && plan.events > 1 ? this.postProgress(tally, planned) : undefined;
        const request = progress?.measured ?? planned;
        // One round trip per send: the last request's event is read back.
        const readBack = form.readBack === true && r === plan.requests - 1;
        if (readBack) {
          this.updateReadBack(snapshot, { status: 'running' });
        }
        const result: RoundTripResult = await this.services.flows.run(profile.id, {
          target: 'send',
          send: request,
          ...(readBack ? { readBack: {} } : {}),
          showProgress: false,
          token: cts.token,
          onEvent: (event) => this.onFlowEvent(snapshot, event),
        });
        const latency = progress?.stop();
        if (latency && latency.samples > 0 && result.ok) {
          message = `Send latency ${describeLatency(latency)} over ${latency.samples.toLocaleString('en-US')} requests${result.send?.throttled ? `; throttled ${result.send.throttled} times, sent again` : ''}.`;
        }
        if (!result.ok && result.sendCounts) {
          const later = plan.requests - r - 1;
          unsettled = { inFlight: result.sendCounts.inFlight, neverSent: result.sendCounts.neverSent + later };
          accepted += result.sendCounts.acknowledged;
          bytes += result.sendCounts.bytes;
          requests += result.sendCounts.requests;
        }
        // Stages that never started because an earlier one failed.
        for (const outcome of result.outcomes) {
          if (outcome.status === 'notRun' && isPanelStage(outcome.stage)) {
            this.updateStage(snapshot, { stage: outcome.stage, status: 'notRun' });
          }
        }
        if (result.readBack) {
          this.updateReadBack(snapshot, projectReadBack(result.readBack, (text) => this.services.redactor.redact(text)));
        }
        if (result.cancelled) {
          status = 'cancelled';
          unsettled ??= { inFlight: 0, neverSent: plan.events - accepted };
          break;
        }
        if (!result.ok) {
          status = 'failed';
          failedStage = result.failedStage && isPanelStage(result.failedStage) ? result.failedStage : undefined;
          const failed = snapshot.stages.find((s) => s.stage === failedStage)?.error;
          message = failedStage ? `${STAGE_TITLES[failedStage]} failed${failed ? `: ${failed.summary}` : '.'}` : 'The flow failed.';
          fix = failed?.fix;
          break;
        }
        accepted += result.send?.eventsAccepted ?? 0;
        bytes += result.send?.bytes ?? 0;
        requests += result.send?.requests ?? 1;
      }
    } catch (error) {
      if (error instanceof RefusalError) {
        status = 'failed';
        message = error.refusal.message;
        fix = error.refusal.fix;
      } else if (isValidationError(error)) {
        // A profile the engine refuses to run (e.g. an extra CA on a profile that reaches Azure).
        status = 'failed';
        message = this.services.redactor.redact(`${error.field} ${error.problem}`);
        fix = error.fix;
      } else {
        status = cts.token.isCancellationRequested ? 'cancelled' : 'failed';
        message = this.services.redactor.redact(error instanceof Error ? error.message : String(error)).slice(0, 500);
        fix = 'See the log for details.';
        this.log.error('Send failed', error);
      }
    } finally {
      cts.dispose();
      this.running = undefined;
    }

    const outcome: SendOutcome = {
      status,
      protocol: form.protocol,
      eventsRequested: plan.events,
      eventsAccepted: accepted,
      requests,
      bytes,
      durationMs: Date.now() - started,
      ...(unsettled ? { eventsInFlight: unsettled.inFlight, eventsNeverSent: unsettled.neverSent } : {}),
      ...(failedStage ? { failedStage } : {}),
      ...(message ? { message } : {}),
      ...(fix ? { fix } : {}),
      at: Date.now(),
    };
    snapshot.running = false;
    snapshot.result = outcome;
    this.post({ type: 'sendResult', result: outcome });
    this.log.info(`Send ${status}: ${accepted}/${plan.events} event(s) accepted, ${bytes} bytes, ${outcome.durationMs} ms`);

    const entry: HistoryEntry = {
      at: outcome.at,
      profileName: profile.name,
      protocol: form.protocol,
      count: plan.events,
      batch: form.batch,
      eventsAccepted: accepted,
      bytes,
      durationMs: outcome.durationMs,
      status,
      ...(failedStage ? { failedStage } : {}),
    };
    const limit = this.settings().historySize;
    this.post({ type: 'history', entries: limit > 0 ? await this.store.addHistory(entry, limit) : this.store.history(0) });
  }

  /**
   * Posts a long send's figures at most four times a second (with a rate: recent latency and the
   * pace); returns the stop, which gives the whole run's latency.
   */
  private postProgress(tally: SendTally, request: SendRequest): { stop(): LatencySummary | undefined; measured: SendRequest } {
    let last = 0;
    const latencies: number[] = [];
    let pace = request.pace?.eventsPerSecond;
    const post = (counts: SendCounts): void => {
      const recent = pace !== undefined ? latencySummary(latencies.slice(-2000)) : undefined;
      this.post({
        type: 'sendProgress',
        progress: {
          total: counts.total,
          generated: counts.generated,
          acknowledged: counts.acknowledged,
          inFlight: counts.inFlight,
          eventsPerSecond: Math.round(throughputOf(counts)),
          ...(recent && recent.samples > 0 ? { latency: { p50: recent.p50, p95: recent.p95, p99: recent.p99 } } : {}),
          ...(pace !== undefined ? { rate: Math.round(pace) } : {}),
        },
      });
    };
    const unsubscribe = tally.onChange((counts) => {
      const now = Date.now();
      if (now - last >= 250) {
        last = now;
        post(counts);
      }
    });
    const measured: SendRequest = request.pace
      ? {
          ...request,
          onLatency: (ms) => latencies.push(ms),
          onRateChange: (rate) => {
            pace = rate;
          },
        }
      : request;
    return {
      measured,
      stop: () => {
        unsubscribe();
        post(tally.counts());
        return request.pace ? latencySummary(latencies) : undefined;
      },
    };
  }

  private onFlowEvent(snapshot: MutableSnapshot, event: FlowEvent): void {
    const view = projectFlowEvent(event, (text) => this.services.redactor.redact(text));
    if (!view) {
      return;
    }
    if (view.error?.docsUrl) {
      this.docsUrls.add(view.error.docsUrl);
    }
    this.updateStage(snapshot, view);
  }

  private updateReadBack(snapshot: MutableSnapshot, view: ReadBackView): void {
    snapshot.readBack = view;
    if (view.error?.docsUrl) {
      this.docsUrls.add(view.error.docsUrl);
    }
    if (this.snapshot === snapshot) {
      this.post({ type: 'readBack', view });
    }
  }

  private updateStage(snapshot: MutableSnapshot, view: StageView): void {
    snapshot.stages = snapshot.stages.map((s) => (s.stage === view.stage ? view : s));
    if (this.snapshot === snapshot) {
      this.post({ type: 'flowEvent', event: view });
    }
  }
}

function pendingStages(): StageView[] {
  return PANEL_STAGES.map((stage) => ({ stage, status: 'pending' as const }));
}
