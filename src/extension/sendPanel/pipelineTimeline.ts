/**
 * The send panel's pipeline timeline (#10.2): the latest run of the selected profile's pipeline
 * (Run Pipeline, Compare), read from the Pipeline Runs view as it changes, projected to what the
 * webview may see (activity, local stage, status, duration, attempts, and a failure's explanation,
 * all redacted) and posted. Activity inputs and outputs, and the service's raw messages, are never
 * forwarded.
 */
import type * as vscode from 'vscode';
import type { HostMessage } from '../../shared/sendPanelProtocol';
import { pipelineRuns, type PipelineRunRecord } from '../pipeline/runsView';
import type { ExtensionServices } from '../services';
import { projectPipelineRun } from './pipelineRunView';

/** Follows the Pipeline Runs view for the panel and posts the selected profile's latest run. */
export class PanelPipelineRuns implements vscode.Disposable {
  private readonly subscription: vscode.Disposable | undefined;
  /** Docs links of the explanations posted: `openDocs` may open these too. */
  private readonly docsUrls = new Set<string>();
  private lastPosted: number | undefined;

  constructor(
    private readonly services: ExtensionServices,
    private readonly post: (message: HostMessage) => void,
    private readonly selectedProfileId: () => string | undefined,
  ) {
    this.subscription = pipelineRuns(services)?.onDidChangeRun((record) => {
      if (record.profileId !== undefined && record.profileId === this.selectedProfileId()) {
        this.postRun(record);
      }
    });
  }

  /** Posts the selected profile's latest run, or that there is none (after `ready`, or a profile pick). */
  postLatest(): void {
    const profileId = this.selectedProfileId();
    const latest = profileId === undefined ? undefined : pipelineRuns(this.services)?.list().find((run) => run.profileId === profileId);
    this.lastPosted = undefined;
    if (latest) {
      this.postRun(latest);
    } else {
      this.post({ type: 'pipelineRun' });
    }
  }

  sentDocs(url: string): boolean {
    return this.docsUrls.has(url);
  }

  dispose(): void {
    this.subscription?.dispose();
  }

  private postRun(record: PipelineRunRecord): void {
    // An older run's late update never replaces a newer run on screen.
    if (this.lastPosted !== undefined && record.key < this.lastPosted) {
      return;
    }
    this.lastPosted = record.key;
    const run = projectPipelineRun(record, (text) => this.services.redactor.redact(text));
    for (const activity of run.activities) {
      if (activity.error?.docsUrl) {
        this.docsUrls.add(activity.error.docsUrl);
      }
    }
    this.post({ type: 'pipelineRun', run });
  }
}
