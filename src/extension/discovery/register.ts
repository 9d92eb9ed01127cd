/**
 * The Fabric & Azure view and its refresh / sign-in commands. `activate` calls `registerDiscovery`
 * once; the command handlers find the view's provider through the services they are given.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { microsoftAccount } from './accounts';
import { DISCOVERY_VIEW, DiscoveryTreeProvider } from './discoveryTree';
import { pruneOrigins } from './fabricOrigins';

const providers = new WeakMap<ExtensionServices, DiscoveryTreeProvider>();

export function registerDiscovery(services: ExtensionServices): vscode.Disposable[] {
  const tree = new DiscoveryTreeProvider(services);
  providers.set(services, tree);
  const view = vscode.window.createTreeView(DISCOVERY_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  return [
    tree,
    view,
    // The sandbox's account comes and goes with it; a Microsoft sign-in changes what can be listed.
    services.sandbox.onDidChange(() => tree.refresh()),
    // A deleted profile (or Clear All Data) takes its Fabric origin with it.
    services.profiles.onDidChange(() => {
      void services.profiles
        .list()
        .then((list) => pruneOrigins(services.context.secrets, list.map((p) => p.id)))
        .catch((error: unknown) => services.logger.child('discovery').warn(`Could not prune Fabric origins: ${String(error)}`));
    }),
    vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === 'microsoft' || e.provider.id === 'microsoft-sovereign-cloud') {
        tree.refresh();
      }
    }),
  ];
}

export function discoveryTree(services: ExtensionServices): DiscoveryTreeProvider | undefined {
  return providers.get(services);
}

export function refreshDiscovery(services: ExtensionServices): Promise<void> {
  discoveryTree(services)?.refresh();
  return Promise.resolve();
}

/** Signs in to the Microsoft account (a user action, so VS Code may prompt), then lists again. */
export async function signInToDiscover(services: ExtensionServices): Promise<void> {
  await microsoftAccount(services, { createIfNone: true });
  discoveryTree(services)?.refresh();
}
