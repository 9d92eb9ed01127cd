/**
 * Deploy step shared by Deploy as Pipeline…, Run Pipeline and Compare: build the export for the
 * profile, create the pipeline, or — when one with another definition exists — show the diff of the
 * definitions in an editor and update only when the user says so.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import { buildPipeline, type PipelineResource } from '../../core/export/pipeline';
import type { ConnectionProfile } from '../../core/model/profile';
import { applyDeploy, planDeploy, type DeployedPipeline, type DeployPlan } from '../../core/pipeline/index';
import type { ExtensionServices } from '../services';
import type { PipelineDestination } from './target';

/** The modal's buttons (the in-host tests answer with them). */
export const UPDATE_CHOICES = { update: 'Update Pipeline', keep: 'Keep the Deployed One' } as const;

export interface Deployment {
  readonly resource: PipelineResource;
  readonly plan: DeployPlan;
  readonly deployed: DeployedPipeline;
}

export async function deploy(services: ExtensionServices, profile: ConnectionProfile, destination: PipelineDestination, options: { keepIfDeclined: boolean }): Promise<Deployment> {
  const resource = buildPipeline(profile);
  const plan = await planDeploy(destination.client, resource);
  if (plan.action === 'update') {
    // The diff holds definitions only: references and expressions, never a secret value.
    const document = await vscode.workspace.openTextDocument({ language: 'diff', content: plan.diff });
    await vscode.window.showTextDocument(document, { preview: true });
    const choice = await services.input.showWarningMessage(
      `The pipeline "${resource.name}" in ${destination.label} has another definition (the diff is open). Update it from the profile?`,
      { modal: true },
      UPDATE_CHOICES.update,
      UPDATE_CHOICES.keep,
    );
    if (choice === UPDATE_CHOICES.keep && options.keepIfDeclined) {
      return { resource, plan, deployed: plan.existing };
    }
    if (choice !== UPDATE_CHOICES.update) {
      throw new CancelledError();
    }
  }
  const deployed = await applyDeploy(destination.client, plan, resource);
  services.logger.child('pipeline').info(`Pipeline ${resource.name}: ${plan.action} in ${destination.label}.`);
  return { resource, plan, deployed };
}
