/**
 * The "Fabric & Azure" view: under each account that can discover (the local sandbox, the signed-in
 * Microsoft account), a Fabric section (workspaces → eventstreams → custom endpoint sources and
 * destinations, each with its status) and an Azure section (subscriptions, filtered as the Azure
 * extensions filter them → Key Vaults and Event Hubs namespaces → hubs). Labels, descriptions and
 * tooltips carry names, ids, hosts and states only: a connection's keys are never fetched here.
 */
import * as vscode from 'vscode';
import { filterSubscriptions, type AzureEventHubsNamespace, type AzureKeyVault, type AzureSubscription } from '../../core/discovery/arm';
import type { EventstreamNode, FabricEventstream, FabricWorkspace } from '../../core/discovery/fabric';
import { explainError } from '../../core/errors/explain';
import { CLOUDS } from '../../core/model/cloud';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import { discoveryAccounts, selectedSubscriptions, type DiscoveryAccount } from './accounts';

export const DISCOVERY_VIEW = 'eventstreamFlow.discovery';

export interface DiscoveryNode {
  readonly id: string;
  getTreeItem(): vscode.TreeItem;
  getChildren(): Promise<DiscoveryNode[]>;
}

/** A custom endpoint node: what Create Profile from Endpoint needs to find it again. */
export interface EndpointRef {
  readonly accountId: string;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly eventstreamId: string;
  readonly eventstreamName: string;
  readonly nodeId: string;
  readonly nodeName: string;
  readonly kind: 'source' | 'destination';
}

const enc = encodeURIComponent;
const timeout = (): AbortSignal => AbortSignal.timeout(vscode.workspace.getConfiguration().get<number>('eventstreamFlow.stageTimeoutSeconds', 30) * 1000);

class MessageNode implements DiscoveryNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly options: { description?: string; tooltip?: string; icon?: string; command?: vscode.Command; contextValue?: string } = {},
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = this.options.contextValue ?? 'discoveryMessage';
    item.iconPath = new vscode.ThemeIcon(this.options.icon ?? 'info');
    if (this.options.description) {
      item.description = this.options.description;
    }
    if (this.options.tooltip) {
      item.tooltip = this.options.tooltip;
    }
    if (this.options.command) {
      item.command = this.options.command;
    }
    return item;
  }
  getChildren(): Promise<DiscoveryNode[]> {
    return Promise.resolve([]);
  }
}

/** A node whose children come from one listing; a failure becomes one explained message child. */
abstract class ListingNode implements DiscoveryNode {
  private cached: Promise<DiscoveryNode[]> | undefined;
  constructor(
    readonly id: string,
    protected readonly services: ExtensionServices,
  ) {}
  abstract getTreeItem(): vscode.TreeItem;
  protected abstract load(): Promise<DiscoveryNode[]>;
  getChildren(): Promise<DiscoveryNode[]> {
    this.cached ??= this.load().catch((error: unknown) => {
      const explained = explainError(error);
      this.services.logger.child('discovery').warn(`${this.id}: ${explained.explanation.summary} [${explained.code}]`);
      const redact = (s: string): string => this.services.redactor.redact(s);
      return [
        new MessageNode(`${this.id}/error`, redact(explained.explanation.summary), {
          icon: 'warning',
          tooltip: redact(`${explained.explanation.cause}\n\nFix: ${explained.explanation.fix}`),
          contextValue: 'discoveryError',
        }),
      ];
    });
    return this.cached;
  }
}

function item(node: DiscoveryNode, label: string, state: vscode.TreeItemCollapsibleState, icon: string, contextValue: string, description?: string, tooltip?: string): vscode.TreeItem {
  const out = new vscode.TreeItem(label, state);
  out.id = node.id;
  out.iconPath = new vscode.ThemeIcon(icon);
  out.contextValue = contextValue;
  if (description) {
    out.description = description;
  }
  if (tooltip) {
    out.tooltip = tooltip;
  }
  return out;
}

class AccountNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    readonly account: DiscoveryAccount,
  ) {
    super(`discovery/${enc(account.id)}`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, this.account.label, vscode.TreeItemCollapsibleState.Expanded, this.account.kind === 'sandbox' ? 'beaker' : 'account', `discoveryAccount;${this.account.kind}`, CLOUDS[this.account.cloud].displayName);
  }
  protected load(): Promise<DiscoveryNode[]> {
    const fabric: DiscoveryNode = CLOUDS[this.account.cloud].fabricApiEndpoint
      ? new FabricSectionNode(this.services, this.account, this.id)
      : new MessageNode(`${this.id}/fabric`, 'Fabric', { description: `no Fabric REST API in ${CLOUDS[this.account.cloud].displayName}`, icon: 'circle-slash' });
    return Promise.resolve([fabric, new AzureSectionNode(this.services, this.account, this.id)]);
  }
}

class FabricSectionNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
  ) {
    super(`${parentId}/fabric`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, 'Fabric', vscode.TreeItemCollapsibleState.Collapsed, 'layers', 'discoveryFabric');
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const client = this.account.fabric(timeout());
    const workspaces = client ? await client.workspaces() : [];
    return workspaces.length === 0 ? [new MessageNode(`${this.id}/none`, 'No workspace this account can see')] : workspaces.map((w) => new WorkspaceNode(this.services, this.account, this.id, w));
  }
}

class WorkspaceNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
    readonly workspace: FabricWorkspace,
  ) {
    super(`${parentId}/ws/${enc(workspace.id)}`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, this.workspace.displayName, vscode.TreeItemCollapsibleState.Collapsed, 'folder-library', 'fabricWorkspace', undefined, `Workspace ${this.workspace.id}`);
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const eventstreams = (await this.account.fabric(timeout())?.eventstreams(this.workspace.id)) ?? [];
    return eventstreams.length === 0 ? [new MessageNode(`${this.id}/none`, 'No eventstreams')] : eventstreams.map((e) => new EventstreamNodeItem(this.services, this.account, this.id, this.workspace, e));
  }
}

class EventstreamNodeItem extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
    private readonly workspace: FabricWorkspace,
    readonly eventstream: FabricEventstream,
  ) {
    super(`${parentId}/es/${enc(eventstream.id)}`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, this.eventstream.displayName, vscode.TreeItemCollapsibleState.Collapsed, 'pulse', 'fabricEventstream', undefined, `Eventstream ${this.eventstream.id}`);
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const topology = await this.account.fabric(timeout())?.topology(this.workspace.id, this.eventstream.id);
    const custom = (nodes: readonly EventstreamNode[] | undefined, kind: 'source' | 'destination'): DiscoveryNode[] =>
      (nodes ?? [])
        .filter((n) => n.type === 'CustomEndpoint')
        .map(
          (n) =>
            new EndpointNode(`${this.id}/${kind}/${enc(n.id)}`, n, {
              accountId: this.account.id,
              workspaceId: this.workspace.id,
              workspaceName: this.workspace.displayName,
              eventstreamId: this.eventstream.id,
              eventstreamName: this.eventstream.displayName,
              nodeId: n.id,
              nodeName: n.name,
              kind,
            }),
        );
    const children = [...custom(topology?.sources, 'source'), ...custom(topology?.destinations, 'destination')];
    const others = (topology?.sources.length ?? 0) + (topology?.destinations.length ?? 0) - children.length;
    if (others > 0) {
      children.push(new MessageNode(`${this.id}/others`, `${others} other source${others === 1 ? '' : 's'} or destination${others === 1 ? '' : 's'}`, { description: 'not custom endpoints' }));
    }
    return children.length === 0 ? [new MessageNode(`${this.id}/none`, 'No custom endpoint')] : children;
  }
}

/** A custom endpoint source (where pipelines send) or destination (where read back listens). */
export class EndpointNode implements DiscoveryNode {
  constructor(
    readonly id: string,
    private readonly node: EventstreamNode,
    readonly endpoint: EndpointRef,
  ) {}
  getTreeItem(): vscode.TreeItem {
    const source = this.endpoint.kind === 'source';
    const out = item(
      this,
      this.node.name,
      vscode.TreeItemCollapsibleState.None,
      this.node.status === 'Running' ? (source ? 'arrow-circle-right' : 'arrow-circle-left') : 'warning',
      `fabricEndpoint;${this.endpoint.kind}`,
      `${source ? 'custom endpoint source' : 'custom endpoint destination'} · ${this.node.status}`,
      `${source ? 'Source: pipelines send here' : 'Destination: read back listens here'}\nStatus: ${this.node.status}${this.node.errorMessage ? ` (${this.node.errorMessage})` : ''}\nEventstream ${this.endpoint.eventstreamName} in ${this.endpoint.workspaceName}`,
    );
    return out;
  }
  getChildren(): Promise<DiscoveryNode[]> {
    return Promise.resolve([]);
  }
}

class AzureSectionNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
  ) {
    super(`${parentId}/azure`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, 'Azure', vscode.TreeItemCollapsibleState.Collapsed, 'azure', 'discoveryAzure');
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const subscriptions = filterSubscriptions(await this.account.azure(timeout()).subscriptions(), this.account.kind === 'sandbox' ? [] : selectedSubscriptions());
    return subscriptions.length === 0 ? [new MessageNode(`${this.id}/none`, 'No subscription this account can read')] : subscriptions.map((s) => new SubscriptionNode(this.services, this.account, this.id, s));
  }
}

class SubscriptionNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
    readonly subscription: AzureSubscription,
  ) {
    super(`${parentId}/sub/${enc(subscription.subscriptionId)}`, services);
  }
  getTreeItem(): vscode.TreeItem {
    const enabled = this.subscription.state === 'Enabled' || this.subscription.state === 'Warned';
    return item(this, this.subscription.displayName, enabled ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None, 'key', 'azureSubscription', enabled ? undefined : this.subscription.state, `Subscription ${this.subscription.subscriptionId}\nTenant ${this.subscription.tenantId}`);
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const client = this.account.azure(timeout());
    const [vaults, namespaces] = await Promise.all([client.keyVaults(this.subscription.subscriptionId), client.eventHubsNamespaces(this.subscription.subscriptionId)]);
    const nodes: DiscoveryNode[] = [...vaults.map((v) => new VaultNode(`${this.id}/vault/${enc(v.id)}`, v)), ...namespaces.map((n) => new NamespaceNode(this.services, this.account, this.id, n))];
    return nodes.length === 0 ? [new MessageNode(`${this.id}/none`, 'No Key Vaults or Event Hubs namespaces')] : nodes;
  }
}

export class VaultNode implements DiscoveryNode {
  constructor(
    readonly id: string,
    readonly vault: AzureKeyVault,
  ) {}
  getTreeItem(): vscode.TreeItem {
    return item(this, this.vault.name, vscode.TreeItemCollapsibleState.None, 'lock', 'azureVault', this.vault.vaultUri, `Key Vault ${this.vault.vaultUri}\n${this.vault.rbacAuthorization ? 'Azure RBAC' : 'Access policies'} · tenant ${this.vault.tenantId}\nResource group ${this.vault.resourceGroup}`);
  }
  getChildren(): Promise<DiscoveryNode[]> {
    return Promise.resolve([]);
  }
}

class NamespaceNode extends ListingNode {
  constructor(
    services: ExtensionServices,
    private readonly account: DiscoveryAccount,
    parentId: string,
    readonly namespace: AzureEventHubsNamespace,
  ) {
    super(`${parentId}/ns/${enc(namespace.id)}`, services);
  }
  getTreeItem(): vscode.TreeItem {
    return item(this, this.namespace.name, vscode.TreeItemCollapsibleState.Collapsed, 'server', 'azureNamespace', this.namespace.host, `Event Hubs namespace ${this.namespace.host}\nResource group ${this.namespace.resourceGroup}`);
  }
  protected async load(): Promise<DiscoveryNode[]> {
    const hubs = await this.account.azure(timeout()).eventHubs(this.namespace.id);
    return hubs.map((h) => new MessageNode(`${this.id}/hub/${enc(h.name)}`, h.name, { icon: 'symbol-event', description: h.partitionCount !== undefined ? `${h.partitionCount} partitions` : undefined, contextValue: 'azureEventHub' }));
  }
}

export class DiscoveryTreeProvider implements vscode.TreeDataProvider<DiscoveryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DiscoveryNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: Promise<DiscoveryNode[]> | undefined;

  constructor(private readonly services: ExtensionServices) {}

  refresh(): void {
    this.roots = undefined;
    this.emitter.fire(undefined);
  }

  getTreeItem(node: DiscoveryNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: DiscoveryNode): Promise<DiscoveryNode[]> {
    if (node) {
      return node.getChildren();
    }
    this.roots ??= discoveryAccounts(this.services).then((accounts) => {
      const nodes: DiscoveryNode[] = accounts.map((a) => new AccountNode(this.services, a));
      if (!accounts.some((a) => a.kind === 'microsoft')) {
        nodes.push(
          new MessageNode('discovery/signIn', 'Sign in to Microsoft to discover Fabric and Azure…', {
            icon: 'sign-in',
            contextValue: 'discoverySignIn',
            command: { command: COMMANDS.signInToDiscover, title: 'Sign In' },
          }),
        );
      }
      return nodes;
    });
    return this.roots;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
