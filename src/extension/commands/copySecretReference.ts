import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { SecretNode } from '../tree/secretNode';
import { SecretVersionNode } from '../tree/secretVersionNode';

/**
 * Copies the secret's identifier URI (`{vault}/secrets/{name}[/{version}]`), the reference a
 * pipeline or a Key Vault reference uses. Never the value: this command does not read one.
 */
export async function copySecretReference(_services: ExtensionServices, node?: unknown): Promise<void> {
  if (node instanceof SecretVersionNode) {
    await vscode.env.clipboard.writeText(node.referenceUri);
    vscode.window.setStatusBarMessage(`$(copy) Copied the reference of ${node.secretName} version ${node.version.slice(0, 8)}…`, 3000);
    return;
  }
  if (!(node instanceof SecretNode)) {
    void vscode.window.showInformationMessage('Run Copy Secret Reference from a secret in the Eventstream Flow view.');
    return;
  }
  await vscode.env.clipboard.writeText(node.referenceUri);
  vscode.window.setStatusBarMessage(`$(copy) Copied the reference of ${node.info?.name ?? node.secretName}`, 3000);
}
