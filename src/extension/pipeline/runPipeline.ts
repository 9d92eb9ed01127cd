/**
 * Run Pipeline: deploy (as Deploy as Pipeline… does), start a run, watch it with a cancellable
 * progress (Cancel cancels the run at the service), and show its activities in the Pipeline Runs
 * view beside the local stages, a failure explained as the local stage's is.
 */
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/model/profile';
import { startAndWatch, type PipelineRunResult } from '../../core/pipeline/index';
import { resolveProfile } from '../profiles/commandSupport';
import type { ExtensionServices } from '../services';
import { deploy } from './deployment';
import { pipelineRuns, PIPELINE_RUNS_VIEW } from './runsView';
import { destinationFor, pickTarget } from './target';

export async function runPipeline(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile whose pipeline to run');
  const kind = await pickTarget(services, `Run "${profile.name}" as a Pipeline`);
  const result = await runDeployedPipeline(services, profile, kind);
  notify(result, profile);
}

/** Deploy, run and watch; the Pipeline Runs view shows it as it goes. Used by Compare too. */
export async function runDeployedPipeline(services: ExtensionServices, profile: ConnectionProfile, kind: 'fabric' | 'adf'): Promise<PipelineRunResult> {
  const lifetime = new AbortController();
  try {
    const destination = await destinationFor(services, profile, kind, lifetime.signal);
    const { deployed } = await deploy(services, profile, destination, { keepIfDeclined: true });
    const view = pipelineRuns(services);
    const record = view?.add(deployed.name, destination.label, profile.id);
    void vscode.commands.executeCommand(`${PIPELINE_RUNS_VIEW}.focus`);
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Running pipeline "${deployed.name}" (${destination.label})`, cancellable: true },
      async (progress, token) => {
        const cancel = new AbortController();
        token.onCancellationRequested(() => cancel.abort());
        const result = await startAndWatch(destination.client, deployed, {}, {
          signal: cancel.signal,
          pollMs: destination.sandbox ? 250 : 3000,
          onUpdate: (state, timeline) => {
            if (record) {
              view?.update(record, state, timeline);
            }
            const running = timeline.find((entry) => entry.status === 'InProgress');
            progress.report({ message: running ? `${state.status}: ${running.activityName}…` : state.status });
          },
        });
        if (record) {
          view?.update(record, { status: result.status, ...(result.message ? { message: services.redactor.redact(result.message) } : {}) }, result.timeline, result);
        }
        const failed = result.timeline.find((entry) => entry.status === 'Failed');
        const at = failed ? ` at '${failed.activityName}'${failed.stage ? ` (local stage ${failed.stage})` : ''}: ${failed.explained ? `${failed.explained.code} — ${failed.explained.explanation.summary}` : (failed.error?.errorCode ?? '')}` : '';
        // The activities in one line each: name, status, attempts; the logger redacts.
        const activities = result.timeline.map((entry) => `${entry.activityName}=${entry.status}${entry.attempts > 1 ? `×${entry.attempts}` : ''}`).join(', ');
        services.logger.child('pipeline').info(`Pipeline run ${result.runId} of ${deployed.name}: ${result.status}${at}. Activities: ${activities}.`);
        return result;
      },
    );
  } finally {
    lifetime.abort();
  }
}

function notify(result: PipelineRunResult, profile: ConnectionProfile): void {
  if (result.status === 'Succeeded') {
    void vscode.window.showInformationMessage(`Pipeline run of "${profile.name}" succeeded: every activity passed (see Pipeline Runs).`);
    return;
  }
  if (result.cancelledByUser || result.status === 'Cancelled') {
    void vscode.window.showInformationMessage(`Pipeline run of "${profile.name}" was cancelled.`);
    return;
  }
  const failed = result.timeline.find((entry) => entry.status === 'Failed');
  const summary = failed?.explained ? `${failed.activityName}: ${failed.explained.explanation.summary} Fix: ${failed.explained.explanation.fix}` : (result.message ?? 'see Pipeline Runs');
  void vscode.window.showErrorMessage(`Pipeline run of "${profile.name}" failed at ${summary}`);
}
