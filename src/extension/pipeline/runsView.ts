/**
 * The Pipeline Runs view: each run this window started (newest first) and, under it, its activities
 * as a timeline — status, duration, attempts, the local stage each one does, and for a failure the
 * explanation the local stage gets (in the tooltip and the description). Runs live in memory only.
 */
import * as vscode from 'vscode';
import { STAGE_TITLES } from '../../core/flow/stageId';
import type { PipelineRunResult, PipelineRunState, TimelineEntry } from '../../core/pipeline/index';

export const PIPELINE_RUNS_VIEW = 'eventstreamFlow.pipelineRuns';
const MAX_RUNS = 20;

export interface PipelineRunRecord {
  readonly key: number;
  readonly pipelineName: string;
  readonly target: string;
  /** The profile whose flow the pipeline runs (the send panel shows its runs beside its timeline). */
  readonly profileId?: string;
  state: PipelineRunState;
  timeline: readonly TimelineEntry[];
  result?: PipelineRunResult;
}

type Node = { readonly run: PipelineRunRecord } | { readonly run: PipelineRunRecord; readonly entry: TimelineEntry };

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function iconOf(status: string): vscode.ThemeIcon {
  switch (status) {
    case 'Succeeded':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'Failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'Skipped':
      return new vscode.ThemeIcon('debug-step-over');
    case 'Cancelled':
    case 'Cancelling':
      return new vscode.ThemeIcon('circle-slash');
    default:
      return new vscode.ThemeIcon('loading~spin');
  }
}

export class PipelineRunsProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly runs: PipelineRunRecord[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runChanged = new vscode.EventEmitter<PipelineRunRecord>();
  /** A run was added or updated (read-only: for the send panel's pipeline timeline). */
  readonly onDidChangeRun = this.runChanged.event;
  private next = 1;

  /** A new run at the top; returns its record, which `update` changes. */
  add(pipelineName: string, target: string, profileId?: string): PipelineRunRecord {
    const record: PipelineRunRecord = { key: this.next++, pipelineName, target, ...(profileId ? { profileId } : {}), state: { status: 'Queued' }, timeline: [] };
    this.runs.unshift(record);
    this.runs.splice(MAX_RUNS);
    this.changed.fire(undefined);
    this.runChanged.fire(record);
    return record;
  }

  update(record: PipelineRunRecord, state: PipelineRunState, timeline: readonly TimelineEntry[], result?: PipelineRunResult): void {
    record.state = state;
    record.timeline = timeline;
    if (result) {
      record.result = result;
    }
    this.changed.fire(undefined);
    this.runChanged.fire(record);
  }

  list(): readonly PipelineRunRecord[] {
    return this.runs;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return this.runs.map((run) => ({ run }));
    }
    return 'entry' in node ? [] : node.run.timeline.map((entry) => ({ run: node.run, entry }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (!('entry' in node)) {
      const { run } = node;
      const item = new vscode.TreeItem(`${run.pipelineName} — ${run.target}`, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `pipelineRun:${run.key}`;
      item.description = run.state.status;
      item.iconPath = iconOf(run.state.status);
      // The run's message carries the failed activity's error: shown, as the service gives it, in the tooltip only.
      item.tooltip = run.state.message ?? run.state.status;
      item.contextValue = 'pipelineRun';
      return item;
    }
    const { entry } = node;
    const item = new vscode.TreeItem(entry.activityName, vscode.TreeItemCollapsibleState.None);
    item.id = `pipelineRun:${node.run.key}:${entry.activityName}`;
    const stage = entry.stage ? STAGE_TITLES[entry.stage] : 'no local stage';
    const attempts = entry.attempts > 1 ? ` · ${entry.attempts} attempts` : '';
    item.description = `${entry.status} · ${formatMs(entry.durationMs)}${attempts} · ${stage}${entry.explained ? ` · ${entry.explained.explanation.summary}` : ''}`;
    item.iconPath = iconOf(entry.status);
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.isTrusted = false;
    tooltip.appendText(`${entry.activityName} (local stage: ${stage})\n${entry.status}${attempts}\n`);
    if (entry.error) {
      tooltip.appendText(`\n${entry.error.errorCode}: ${entry.explained?.explanation.summary ?? ''}\n`);
    }
    if (entry.explained) {
      tooltip.appendText(`Cause: ${entry.explained.explanation.cause}\nFix: ${entry.explained.explanation.fix}\n`);
    }
    item.tooltip = tooltip;
    item.contextValue = 'pipelineActivity';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    this.runChanged.dispose();
  }
}

const providers = new WeakMap<object, PipelineRunsProvider>();

export function registerPipelineRunsView(services: object): vscode.Disposable[] {
  const provider = new PipelineRunsProvider();
  providers.set(services, provider);
  const view = vscode.window.createTreeView(PIPELINE_RUNS_VIEW, { treeDataProvider: provider });
  return [provider, view];
}

export function pipelineRuns(services: object): PipelineRunsProvider | undefined {
  return providers.get(services);
}
