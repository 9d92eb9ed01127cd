import * as vscode from 'vscode';
import { cloudOf, type CloudName } from '../../core/model/cloud';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { profileIdOf } from './commandContext';

/**
 * Signs in to the Microsoft account VS Code knows (a user action, so `createIfNone` is allowed),
 * for the node's profile's cloud and tenant, then refreshes the tree so sign-in nodes go away.
 */
export async function signIn(services: ExtensionServices, node?: unknown): Promise<void> {
  const profileId = profileIdOf(node);
  const profile = profileId ? await services.profiles.get(profileId) : undefined;
  const cloud: CloudName = profile?.cloud ?? vscode.workspace.getConfiguration().get<CloudName>(SETTINGS.defaultCloud, 'public');
  const auth = profile?.keyVault.auth;
  const tenantId = auth && auth.kind !== 'servicePrincipal' ? auth.tenantId : undefined;
  const provider = services.account.tokenProvider(cloud, { createIfNone: true });
  const controller = new AbortController();
  await provider.getToken([`${cloudOf(cloud).keyVaultResource}/.default`], { ...(tenantId ? { tenantId } : {}), signal: controller.signal });
  services.tree.refresh();
}
