import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

/** Starts the local Azure peers (Entra ID, Key Vault, Event Hubs) and adds the "Local sandbox" profile. */
export async function startSandbox(services: ExtensionServices): Promise<void> {
  if (services.sandbox.current) {
    void vscode.window.showInformationMessage('The local sandbox is already running.');
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the local sandbox…' }, () => services.sandbox.start());
  void vscode.window.showInformationMessage('Local sandbox started: the "Local sandbox" profile talks to it. Try Run Full Flow on it.');
}
