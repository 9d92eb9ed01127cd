import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import type { ExtensionServices } from '../services';
import { forgetCachedTokens } from '../profiles/wizardHost';

// Clear All Stored Profiles and Secrets….
const DELETE_ALL = 'Delete All';

/**
 * Clear All Stored Profiles and Secrets…: after a modal confirmation, deletes every profile and the
 * index from SecretStorage and drops the session's cached tokens. Settings (preferences only) stay.
 */
export async function clearAllData(services: ExtensionServices, _node?: unknown): Promise<void> {
  const count = (await services.profiles.list()).length;
  const answer = await services.input.showWarningMessage(
    'Delete every Eventstream Flow profile and secret stored on this machine?',
    {
      modal: true,
      detail: `${count === 1 ? '1 profile' : `${count} profiles`} and every client secret, SAS key and connection string in them are removed from SecretStorage, and cached tokens are forgotten. Settings and Key Vault are not touched. This cannot be undone; export profiles first to keep them (without secrets).`,
    },
    DELETE_ALL,
  );
  if (answer !== DELETE_ALL) {
    throw new CancelledError();
  }
  await services.profiles.clear();
  forgetCachedTokens(services);
  const results = services.results as Partial<{ forgetEndpoints(): void }>;
  if (typeof results.forgetEndpoints === 'function') {
    results.forgetEndpoints();
  }
  void vscode.window.showInformationMessage('Deleted every stored profile and secret.');
}
