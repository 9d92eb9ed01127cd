/** Deploy as Pipeline…: the profile's tested flow created or updated as a Fabric or Data Factory pipeline. */
import * as vscode from 'vscode';
import { resolveProfile } from '../profiles/commandSupport';
import type { ExtensionServices } from '../services';
import { deploy } from './deployment';
import { destinationFor, pickTarget } from './target';

export async function deployAsPipeline(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to deploy as a pipeline');
  const kind = await pickTarget(services, `Deploy "${profile.name}" as a Pipeline`);
  const lifetime = new AbortController();
  try {
    const destination = await destinationFor(services, profile, kind, lifetime.signal);
    const { plan, deployed } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploying "${profile.name}" to ${destination.label}…`, cancellable: false },
      () => deploy(services, profile, destination, { keepIfDeclined: false }),
    );
    const what = plan.action === 'create' ? 'Created' : plan.action === 'update' ? 'Updated' : 'Already up to date:';
    void vscode.window.showInformationMessage(`${what} pipeline "${deployed.name}" in ${destination.label}. Secure input and output are on; it holds references, never a secret.`);
  } finally {
    lifetime.abort();
  }
}
