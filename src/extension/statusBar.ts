import * as vscode from 'vscode';
import type { FlowResult, StageId } from '../core/flow/types';
import { STAGE_TITLES } from '../core/flow/types';
import type { Redactor } from '../core/logging/redact';
import { COMMANDS } from './constants';
import type { FlowRunner } from './services';
import { formatDuration } from './tree/presentation';

/**
 * One status-bar item with the last run's result (hidden until something ran). Clicking it opens
 * the log, where the stage-by-stage record of that run is.
 */
export class FlowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('eventstreamFlow.lastFlow', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(runner: FlowRunner, private readonly redactor: Redactor) {
    this.item.name = 'Eventstream Flow: last run';
    this.item.command = COMMANDS.showLog;
    this.subscriptions.push(runner.onDidFinish((e) => this.show(e.profileName, e.target, e.result)));
  }

  show(profileName: string, target: StageId, result: FlowResult): void {
    const what = target === 'send' ? 'Flow' : STAGE_TITLES[target];
    const name = this.redactor.redact(profileName);
    if (result.cancelled) {
      this.item.text = `$(circle-slash) ${what} cancelled`;
      this.item.backgroundColor = undefined;
    } else if (result.ok) {
      this.item.text = `$(pass) ${what}: ${formatDuration(result.totalMs)}`;
      this.item.backgroundColor = undefined;
    } else {
      const failed = result.failedStage ? STAGE_TITLES[result.failedStage] : 'a stage';
      this.item.text = `$(error) ${what} failed at ${failed}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    const lines = result.outcomes.map((o) => `- ${STAGE_TITLES[o.stage]}: ${o.status}${o.durationMs !== undefined ? ` (${formatDuration(o.durationMs)})` : ''}`);
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
