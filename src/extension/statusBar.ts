import * as vscode from 'vscode';
import type { FlowResult, StageId, StageOutcome } from '../core/flow/types';
import { STAGE_TITLES } from '../core/flow/types';
import type { Redactor } from '../core/logging/redact';
import { COMMANDS } from './constants';
import { isFailureSuperseded } from './resultFreshness';
import type { FlowRunner } from './services';
import { runSummary, stagePresentation } from './tree/presentation';

/** What the status bar follows besides finished runs: results that change or are dropped later. */
export interface StatusBarSource extends FlowRunner {
  get(profileId: string, stage: StageId): StageOutcome | undefined;
  readonly onDidChange: vscode.Event<{ profileId: string; stage?: StageId }>;
  readonly onDidReset: vscode.Event<{ profileId: string }>;
}

/**
 * One status-bar item with the last run's result (hidden until something ran). Clicking it opens
 * the log, where the stage-by-stage record of that run is. It never outlives its truth: a failure
 * whose stage has passed since turns into that pass, and a profile edited (or its sandbox stopped)
 * hides it.
 */
export class FlowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('eventstreamFlow.lastFlow', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The run shown, if any. */
  private shown: { readonly profileId: string; readonly profileName: string; readonly result: FlowResult } | undefined;

  constructor(
    private readonly runner: StatusBarSource,
    private readonly redactor: Redactor,
  ) {
    this.item.name = 'Eventstream Flow: last run';
    this.item.command = COMMANDS.showLog;
    this.subscriptions.push(
      runner.onDidFinish((e) => {
        this.shown = { profileId: e.profileId, profileName: e.profileName, result: e.result };
        this.show(e.profileName, e.target, e.result);
      }),
      runner.onDidChange(({ profileId, stage }) => this.onResultChanged(profileId, stage)),
      runner.onDidReset(({ profileId }) => {
        if (this.shown?.profileId === profileId) {
          this.shown = undefined;
          this.item.hide();
        }
      }),
    );
  }

  /** Text and colour shown now (tests read them). */
  get state(): { readonly visible: boolean; readonly text: string; readonly error: boolean } {
    return { visible: this.shown !== undefined, text: this.item.text, error: this.item.backgroundColor !== undefined };
  }

  private onResultChanged(profileId: string, stage: StageId | undefined): void {
    const shown = this.shown;
    if (!shown || shown.profileId !== profileId || stage === undefined || stage !== shown.result.failedStage) {
      return;
    }
    if (isFailureSuperseded(shown.result, (s) => this.runner.get(profileId, s))) {
      const outcome = this.runner.get(profileId, stage);
      const passed: FlowResult = { ok: true, cancelled: false, outcomes: outcome ? [outcome] : [], totalMs: outcome?.durationMs ?? 0 };
      this.shown = { ...shown, result: passed };
      this.show(shown.profileName, stage, passed);
    }
  }

  show(profileName: string, target: StageId, result: FlowResult): void {
    const name = this.redactor.redact(profileName);
    const summary = runSummary(target, result);
    this.item.text = `$(${summary.icon}) ${summary.text}`;
    this.item.backgroundColor = summary.icon === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    // Each stage in the words and figures of its tree row.
    const lines = result.outcomes.map((o) => `- ${STAGE_TITLES[o.stage]}: ${stagePresentation(o.stage, o).description}`);
    const failure = result.outcomes.find((o) => o.error)?.error;
    const tooltip = new vscode.MarkdownString(
      [`**Eventstream Flow — ${escape(name)}**`, '', ...lines, ...(failure ? ['', escape(this.redactor.redact(failure.explanation.summary))] : []), '', 'Click to show the log.'].join('\n'),
    );
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Eventstream Flow, ${name}: ${this.item.text.replace(/\$\([^)]+\)\s*/, '')}` };
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.item.dispose();
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
