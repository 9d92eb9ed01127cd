import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { toShareableProfile } from '../../core/model/shareable';
import type { ExtensionServices } from '../services';
import { resolveProfile } from '../profiles/commandSupport';

/**
 * Export Profile (without secrets)…: writes `toShareableProfile` output, which Import Profiles and
 * the CLI's `--profile` read. Never a secret: the client secret, SAS key and connection string are
 * emptied, and the text is checked for the stored values before it is written.
 */
export async function exportProfile(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to export');
  const fileName = `${profile.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'profile'}.profile.json`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const uri = await services.input.showSaveDialog({
    title: 'Export Profile (without secrets)',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder, fileName),
    filters: { 'Profile JSON': ['json'] },
  });
  if (!uri) {
    throw new CancelledError();
  }
  const text = `${JSON.stringify(toShareableProfile(profile), null, 2)}\n`;
  assertNoSecret(text, profile);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  services.logger.child('profiles').info(`Exported profile ${profile.id} without secrets.`);
  void vscode.window.showInformationMessage(
    `Exported "${profile.name}" to ${uri.path.split('/').pop() ?? fileName} without secrets: the client secret, SAS key and connection string stay in SecretStorage. The file still names the tenant, client id, vault and endpoint.`,
  );
}

/** Defence in depth: refuse to write if any stored secret value made it into the text. */
function assertNoSecret(text: string, profile: ConnectionProfile): void {
  const kv = profile.keyVault.auth;
  const ep = profile.endpoint.auth;
  const secrets = [kv.kind === 'servicePrincipal' ? kv.clientSecret : '', ep.kind === 'sas' ? ep.key : '', ep.kind === 'connectionString' ? ep.connectionString : ''];
  if (secrets.some((s) => s.length >= 4 && text.includes(JSON.stringify(s).slice(1, -1)))) {
    throw new Error('Export stopped: the exported text would contain a secret. Nothing was written.');
  }
}
