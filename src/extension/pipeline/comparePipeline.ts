/**
 * Compare Local Flow and Pipeline: the same flow run locally (the send of the sample event) and as
 * the pipeline, then both timelines side by side in a Markdown preview, saying where they disagree
 * and what differs between the two runs (identity, network, secret version).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { renderTemplate, SAMPLE_EVENT_TEMPLATE } from '../../core/events/template';
import { compareRuns, comparisonMarkdown } from '../../core/pipeline/index';
import { resolveProfile } from '../profiles/commandSupport';
import type { ExtensionServices } from '../services';
import { runDeployedPipeline } from './runPipeline';
import { pickTarget } from './target';

export async function comparePipeline(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to compare with its pipeline');
  const kind = await pickTarget(services, `Compare "${profile.name}" with its Pipeline`);
  // The pipeline sends the export's sample event; the local run sends the same template, rendered here.
  const body = JSON.parse(renderTemplate(SAMPLE_EVENT_TEMPLATE, { parameters: {}, runId: randomUUID(), pipelineName: profile.name })) as object;
  const local = await services.flows.run(profile.id, { target: 'send', send: { events: [{ body }] } });
  const pipeline = await runDeployedPipeline(services, profile, kind);
  const comparison = compareRuns(local, pipeline, profile, 'msi');
  const markdown = services.redactor.redact(comparisonMarkdown(comparison, `"${profile.name}": local flow vs ${kind === 'fabric' ? 'Fabric' : 'Data Factory'} pipeline`));
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  void vscode.window.showInformationMessage(comparison.summary);
}
