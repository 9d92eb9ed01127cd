import * as vscode from 'vscode';
import { secretPortalLinkForProfile } from '../../core/diagnostics/portalLink';
import type { ExtensionServices } from '../services';
import { SecretNode } from '../tree/secretNode';
import { SecretVersionNode } from '../tree/secretVersionNode';

/**
 * Opens a secret (or one version) in the Azure portal of the profile's cloud, in the vault's
 * directory. The local sandbox's vault has no portal page: that is said instead of opening a
 * broken link.
 */
export async function openSecretInPortal(services: ExtensionServices, node?: unknown): Promise<void> {
  if (!(node instanceof SecretNode) && !(node instanceof SecretVersionNode)) {
    void vscode.window.showInformationMessage('Run Open in Azure Portal from a secret or a secret version in the Eventstream Flow view.');
    return;
  }
  const profile = await services.profiles.get(node.profileId);
  if (!profile) {
    throw new Error(`The profile of this secret no longer exists (deleted in this or another window).`);
  }
  const name = node instanceof SecretNode ? node.label : node.secretName;
  const version = node instanceof SecretNode ? node.pinnedVersion : node.version;
  const link = secretPortalLinkForProfile(profile, { vaultUrl: node.vaultUrl, name, ...(version ? { version } : {}) });
  if (!link.ok) {
    void vscode.window.showInformationMessage(`Cannot open "${name}" in the Azure portal: ${link.reason}. Its state and versions are shown here in the tree.`);
    return;
  }
  services.logger.child('portal').info(`Opening ${name}${version ? ` (version ${version.slice(0, 8)}…)` : ''} in the Azure portal`);
  // The string, not a vscode.Uri: a Uri re-encodes the fragment ('@', ':' and '/' become %40, %3A,
  // %2F), and the extension host passes a string through unchanged (microsoft/vscode#85930).
  await vscode.env.openExternal(link.url as unknown as vscode.Uri);
}
