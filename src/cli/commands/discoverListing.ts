/**
 * What `discover` lists and how it reads as text: Fabric workspaces → eventstreams → sources and
 * destinations, and Azure subscriptions → Key Vaults / Event Hubs namespaces → hubs. An error stays on
 * the node it happened at; only a cancel ends the listing.
 */
import type { AzureDiscovery, AzureSubscription } from '../../core/discovery/arm';
import { filterSubscriptions } from '../../core/discovery/arm';
import type { EventstreamNode, FabricDiscovery, FabricEventstream, FabricWorkspace } from '../../core/discovery/fabric';
import { explainError } from '../../core/errors/explain';
import { isCancelledError, type ExplainedError } from '../../core/errors/errors';

/** A node of the listing; errors stay where they happened, so one unreadable workspace does not hide the rest. */
export interface FabricListing {
  readonly workspaces: {
    readonly workspace: FabricWorkspace;
    readonly error?: ExplainedError;
    readonly eventstreams: { readonly eventstream: FabricEventstream; readonly error?: ExplainedError; readonly sources: EventstreamNode[]; readonly destinations: EventstreamNode[] }[];
  }[];
}

export async function listFabric(client: FabricDiscovery, secrets: Iterable<string>): Promise<FabricListing> {
  const workspaces: FabricListing['workspaces'][number][] = [];
  for (const workspace of await client.workspaces()) {
    try {
      const eventstreams: FabricListing['workspaces'][number]['eventstreams'][number][] = [];
      for (const eventstream of await client.eventstreams(workspace.id)) {
        try {
          const topology = await client.topology(workspace.id, eventstream.id);
          eventstreams.push({ eventstream, sources: [...topology.sources], destinations: [...topology.destinations] });
        } catch (error) {
          rethrowCancel(error);
          eventstreams.push({ eventstream, error: explainError(error, { secrets }), sources: [], destinations: [] });
        }
      }
      workspaces.push({ workspace, eventstreams });
    } catch (error) {
      rethrowCancel(error);
      workspaces.push({ workspace, error: explainError(error, { secrets }), eventstreams: [] });
    }
  }
  return { workspaces };
}

export interface AzureListing {
  readonly subscriptions: {
    readonly subscription: AzureSubscription;
    readonly error?: ExplainedError;
    readonly vaults: { name: string; vaultUri: string; resourceGroup: string; tenantId: string; authorization: 'rbac' | 'accessPolicies' }[];
    readonly namespaces: { name: string; host: string; resourceGroup: string; hubs: string[]; error?: ExplainedError }[];
  }[];
}

export async function listAzure(client: AzureDiscovery, selected: readonly string[], secrets: Iterable<string>): Promise<AzureListing> {
  const all = await client.subscriptions();
  const subscriptions: AzureListing['subscriptions'][number][] = [];
  for (const subscription of filterSubscriptions(all, selected)) {
    const entry = { subscription, vaults: [] as AzureListing['subscriptions'][number]['vaults'], namespaces: [] as AzureListing['subscriptions'][number]['namespaces'] };
    if (subscription.state === 'Disabled' || subscription.state === 'Deleted') {
      subscriptions.push(entry);
      continue; // A disabled subscription answers reads with errors; nothing to pick there.
    }
    try {
      for (const vault of await client.keyVaults(subscription.subscriptionId)) {
        entry.vaults.push({ name: vault.name, vaultUri: vault.vaultUri, resourceGroup: vault.resourceGroup, tenantId: vault.tenantId, authorization: vault.rbacAuthorization ? 'rbac' : 'accessPolicies' });
      }
      for (const namespace of await client.eventHubsNamespaces(subscription.subscriptionId)) {
        try {
          const hubs = await client.eventHubs(namespace.id);
          entry.namespaces.push({ name: namespace.name, host: namespace.host, resourceGroup: namespace.resourceGroup, hubs: hubs.map((h) => h.name) });
        } catch (error) {
          rethrowCancel(error);
          entry.namespaces.push({ name: namespace.name, host: namespace.host, resourceGroup: namespace.resourceGroup, hubs: [], error: explainError(error, { secrets }) });
        }
      }
      subscriptions.push(entry);
    } catch (error) {
      rethrowCancel(error);
      subscriptions.push({ ...entry, error: explainError(error, { secrets }) });
    }
  }
  return { subscriptions };
}

function rethrowCancel(error: unknown): void {
  if (isCancelledError(error)) {
    throw error;
  }
}

const oneLine = (e: ExplainedError): string => `${e.explanation.summary} [${e.code}] ${e.explanation.fix}`;
export const isCustomEndpoint = (node: EventstreamNode): boolean => node.type === 'CustomEndpoint';

export function fabricText(listing: FabricListing, where: string): string {
  const lines = [`Fabric (${where})`];
  if (listing.workspaces.length === 0) {
    lines.push('  No workspace this identity can see.');
  }
  for (const { workspace, error, eventstreams } of listing.workspaces) {
    lines.push(`  ${workspace.displayName}   workspace ${workspace.id}`);
    if (error) {
      lines.push(`    ! ${oneLine(error)}`);
      continue;
    }
    if (eventstreams.length === 0) {
      lines.push('    (no eventstreams)');
    }
    for (const { eventstream, error: esError, sources, destinations } of eventstreams) {
      lines.push(`    ${eventstream.displayName}   eventstream ${eventstream.id}`);
      if (esError) {
        lines.push(`      ! ${oneLine(esError)}`);
        continue;
      }
      const endpoints = [...sources.filter(isCustomEndpoint).map((n) => ['source', n] as const), ...destinations.filter(isCustomEndpoint).map((n) => ['destination', n] as const)];
      for (const [kind, node] of endpoints) {
        lines.push(`      ${kind.padEnd(11)} ${node.name.padEnd(24)} ${node.status}${node.errorMessage ? `  (${node.errorMessage})` : ''}`);
      }
      const others = sources.length + destinations.length - endpoints.length;
      if (endpoints.length === 0) {
        lines.push('      (no custom endpoint)');
      }
      if (others > 0) {
        lines.push(`      + ${others} other source${others === 1 ? '' : 's'}/destination${others === 1 ? '' : 's'} (not custom endpoints)`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function azureText(listing: AzureListing, where: string): string {
  const lines = [`Azure (${where})`];
  if (listing.subscriptions.length === 0) {
    lines.push('  No subscription this identity can read (or none matched --subscription).');
  }
  for (const { subscription, error, vaults, namespaces } of listing.subscriptions) {
    lines.push(`  ${subscription.displayName}   subscription ${subscription.subscriptionId}   ${subscription.state}`);
    if (error) {
      lines.push(`    ! ${oneLine(error)}`);
      continue;
    }
    for (const vault of vaults) {
      lines.push(`    vault      ${vault.name.padEnd(24)} ${vault.vaultUri}   ${vault.authorization === 'rbac' ? 'Azure RBAC' : 'access policies'}   tenant ${vault.tenantId}`);
    }
    for (const namespace of namespaces) {
      lines.push(`    namespace  ${namespace.name.padEnd(24)} ${namespace.host}`);
      if (namespace.error) {
        lines.push(`      ! ${oneLine(namespace.error)}`);
      }
      for (const hub of namespace.hubs) {
        lines.push(`      hub      ${hub}`);
      }
    }
    if (vaults.length === 0 && namespaces.length === 0) {
      lines.push('    (no Key Vaults or Event Hubs namespaces)');
    }
  }
  return `${lines.join('\n')}\n`;
}
