/**
 * One Send from the panel, from the form to the result: the events planned, the flow run once per
 * request through the editor's runner, each stage, the read back and a long send's live figures
 * posted as they happen (redacted), the outcome and the history entry. It keeps the run the panel
 * is doing or last did, so a reloaded webview can redraw it.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isValidationError } from '../../core/errors/errors';
import { describeLatency, latencySummary, type LatencySummary } from '../../core/events/latency';
import { SendTally, throughputOf, type SendCounts } from '../../core/events/sendTally';
import type { RoundTripResult } from '../../core/flow/roundTrip';
import { STAGE_TITLES, type FlowEvent, type SendRequest } from '../../core/flow/types';
import type { Logger } from '../../core/logging/logger';
import {
  PANEL_STAGES,
  type HistoryEntry,
  type HostMessage,
  type PanelStageId,
  type ReadBackView,
  type RunSnapshot,
  type SendForm,
  type SendOutcome,
  type StageView,
} from '../../shared/sendPanelProtocol';
import type { ExtensionServices } from '../services';
import type { SendPanelStore } from './history';
import { isPanelStage, planSend, projectFlowEvent, projectReadBack, RefusalError } from './prepareEvents';

/** The profile a send uses: its id and name (the runner loads the rest). */
export interface ProfileInfo {
  readonly id: string;
  readonly name: string;
}

interface MutableSnapshot {
  running: boolean;
  request: number;
  requests: number;
  stages: StageView[];
  result?: SendOutcome;
  readBack?: ReadBackView;
}

export class PanelSends {
  private running: vscode.CancellationTokenSource | undefined;
  private snapshot: MutableSnapshot | undefined;
  /** Docs links the host itself sent: the only URLs `openDocs` may open. */
  private readonly docsUrls = new Set<string>();

  constructor(
    private readonly services: ExtensionServices,
    private readonly store: SendPanelStore,
    private readonly log: Logger,
    private readonly post: (message: HostMessage) => void,
    private readonly historySize: () => number,
  ) {}

  cancel(): void {
    this.running?.cancel();
  }

  /** Whether the host sent this docs link (only those are opened). */
  sentDocs(url: string): boolean {
    return this.docsUrls.has(url);
  }

  /** The run being done or last done, for a reloaded webview; undefined before the first. */
  view(): RunSnapshot | undefined {
    const s = this.snapshot;
    if (!s) {
      return undefined;
    }
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

  /** Sends the form's events with the profile (`undefined`: it no longer exists), posting each step. */
  async send(form: SendForm, profile: ProfileInfo | undefined): Promise<void> {
    if (this.running) {
      this.refuse(form, 'A send is already running.', 'Wait for it to finish, or cancel it.');
      return;
    }
    if (!profile) {
      this.refuse(form, 'The selected profile no longer exists.', 'Choose another profile.');
      return;
    }
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
    const limit = this.historySize();
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
