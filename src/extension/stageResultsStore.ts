/**
 * What the editor knows of each profile's stages, in memory only: the last outcome of each stage,
 * which stages run right now, the last send's result, the partition listing, and which version of
 * the profile they were obtained with. It turns a run's FlowEvents into these and says when they change.
 */
import * as vscode from 'vscode';
import type { EndpointInfo, FlowEvent, FlowResult, StageId, StageOutcome } from '../core/flow/types';
import { STAGE_TITLES } from '../core/flow/types';
import { isFailureSuperseded } from './resultFreshness';
import type { StageResults } from './services';


/** What the tree needs beyond `StageResults`: which stages run right now, and the last probe. */
export interface StageResultsView extends StageResults {
  isRunning(profileId: string, stage: StageId): boolean;
  lastEndpoint(profileId: string): EndpointInfo | undefined;
}

export class StageResultsStore implements StageResultsView, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<{ profileId: string; stage?: StageId }>();
  readonly onDidChange = this.changed.event;
  /** A profile's results were dropped (it was edited, removed, or its sandbox stopped): issue #11. */
  private readonly resetting = new vscode.EventEmitter<{ profileId: string }>();
  readonly onDidReset = this.resetting.event;
  private readonly outcomes = new Map<string, Map<StageId, StageOutcome>>();
  private readonly running = new Map<string, Map<StageId, number>>();
  private readonly flows = new Map<string, FlowResult>();
  private readonly endpoints = new Map<string, EndpointInfo>();
  /** What each profile's results were obtained with (`resultsFingerprint`); memory only. */
  private readonly fingerprints = new Map<string, string>();

  dispose(): void {
    this.changed.dispose();
    this.resetting.dispose();
  }

  get(profileId: string, stage: StageId): StageOutcome | undefined {
    return this.outcomes.get(profileId)?.get(stage);
  }

  lastFlow(profileId: string): FlowResult | undefined {
    return this.flows.get(profileId);
  }

  isRunning(profileId: string, stage: StageId): boolean {
    return (this.running.get(profileId)?.get(stage) ?? 0) > 0;
  }

  lastEndpoint(profileId: string): EndpointInfo | undefined {
    return this.endpoints.get(profileId);
  }

  /** Forgets partition listings (Refresh re-probes). Stage results stay until the window closes. */
  forgetEndpoints(profileId?: string): void {
    if (profileId === undefined) {
      this.endpoints.clear();
    } else {
      this.endpoints.delete(profileId);
    }
  }

  /**
   * Drops every result of a profile (stages, last flow, partitions): after an edit they describe a
   * profile that no longer exists, and after the sandbox stopped, peers that are gone.
   */
  forgetResults(profileId: string): void {
    const had = this.outcomes.has(profileId) || this.flows.has(profileId) || this.endpoints.has(profileId);
    this.outcomes.delete(profileId);
    this.flows.delete(profileId);
    this.endpoints.delete(profileId);
    this.fingerprints.delete(profileId);
    if (!had) {
      return;
    }
    for (const stage of Object.keys(STAGE_TITLES) as StageId[]) {
      this.changed.fire({ profileId, stage });
    }
    this.changed.fire({ profileId });
    this.resetting.fire({ profileId });
  }


  /** The fingerprint (`resultsFingerprint`) of the profile a profile's results were obtained with. */
  fingerprintOf(profileId: string): string | undefined {
    return this.fingerprints.get(profileId);
  }

  setFingerprint(profileId: string, print: string): void {
    this.fingerprints.set(profileId, print);
  }

  /** Every profile with results, with its fingerprint (a copy: results may be forgotten while it is read). */
  fingerprinted(): [string, string][] {
    return [...this.fingerprints];
  }

  keepEndpoint(profileId: string, endpoint: EndpointInfo): void {
    this.endpoints.set(profileId, endpoint);
  }

  /** The last send's result: the profile's verdict in the tree and status bar. */
  keepFlow(profileId: string, result: FlowResult): void {
    this.flows.set(profileId, result);
  }

  fireChanged(profileId: string): void {
    this.changed.fire({ profileId });
  }

  /** One FlowEvent of a run: `started` collects the stages this run has started and not yet finished. */
  record(profileId: string, event: FlowEvent, started: Set<StageId>): void {
    switch (event.type) {
      case 'stageStarted': {
        started.add(event.stage);
        const perProfile = this.running.get(profileId) ?? new Map<StageId, number>();
        perProfile.set(event.stage, (perProfile.get(event.stage) ?? 0) + 1);
        this.running.set(profileId, perProfile);
        this.changed.fire({ profileId, stage: event.stage });
        return;
      }
      case 'stageSucceeded':
        this.finishStage(profileId, event.stage, started, {
          stage: event.stage,
          status: 'succeeded',
          durationMs: event.durationMs,
          summary: event.summary,
          ...(event.inspection ? { inspection: event.inspection } : {}),
        });
        return;
      case 'stageFailed':
        this.finishStage(profileId, event.stage, started, { stage: event.stage, status: 'failed', durationMs: event.durationMs, error: event.error });
        return;
      case 'stageCancelled':
        this.finishStage(profileId, event.stage, started, { stage: event.stage, status: 'cancelled', durationMs: event.durationMs });
        return;
      case 'stageSkipped':
        this.store(profileId, { stage: event.stage, status: 'skipped', summary: event.reason });
        return;
    }
  }

  private finishStage(profileId: string, stage: StageId, started: Set<StageId>, outcome: StageOutcome): void {
    started.delete(stage);
    this.unmarkRunning(profileId, stage, false);
    this.store(profileId, outcome);
  }

  unmarkRunning(profileId: string, stage: StageId, fire = true): void {
    const perProfile = this.running.get(profileId);
    const count = perProfile?.get(stage) ?? 0;
    if (perProfile && count > 0) {
      perProfile.set(stage, count - 1);
      if (fire) {
        this.changed.fire({ profileId, stage });
      }
    }
  }

  store(profileId: string, outcome: StageOutcome): void {
    const perProfile = this.outcomes.get(profileId) ?? new Map<StageId, StageOutcome>();
    perProfile.set(outcome.stage, outcome);
    this.outcomes.set(profileId, perProfile);
    this.changed.fire({ profileId, stage: outcome.stage });
    // A failed flow whose failing stage has passed since is no longer the profile's verdict.
    if (isFailureSuperseded(this.flows.get(profileId), (stage) => perProfile.get(stage))) {
      this.flows.delete(profileId);
      this.changed.fire({ profileId });
    }
  }
}
