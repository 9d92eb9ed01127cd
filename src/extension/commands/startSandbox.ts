import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SANDBOX_PROFILE_NAME } from '../profiles/sandboxProfileId';
import type { ExtensionServices } from '../services';

// Start Local Sandbox: the peers started and the sandbox profile added (or refreshed, asking before it replaces edits).
export const KEEP_EDITED_COPY = 'Keep My Edits as a Copy';
export const REPLACE_EDITS = 'Replace Them';

/** Starts the local Azure peers (Entra ID, Key Vault, Event Hubs) and adds the "Local sandbox" profile. */
export async function startSandbox(services: ExtensionServices): Promise<void> {
  if (services.sandbox.current) {
    void vscode.window.showInformationMessage('The local sandbox is already running.');
    return;
  }
  // The new peers have new ports and keys, so the profile is saved afresh: never over edits unasked.
  const edited = await services.sandbox.editedProfile();
  if (edited) {
    const choice = await services.input.showWarningMessage(
      `The stopped "${SANDBOX_PROFILE_NAME}" profile has edits. Starting the sandbox gives it the new peers' addresses and keys, which replaces them.`,
      { modal: true },
      KEEP_EDITED_COPY,
      REPLACE_EDITS,
    );
    if (choice === undefined) {
      return;
    }
    if (choice === KEEP_EDITED_COPY) {
      await services.profiles.save({ ...edited, id: randomUUID(), name: `${edited.name} (edited copy)` });
    }
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the local sandbox…' }, () => services.sandbox.start());
  void vscode.window.showInformationMessage('Local sandbox started: the "Local sandbox" profile talks to it. Try Run Full Flow on it.');
}
