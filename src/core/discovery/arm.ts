/**
 * Azure discovery through Resource Manager: subscriptions → Key Vaults and Event Hubs namespaces →
 * event hubs. Shapes and api-versions: Azure/azure-rest-api-specs (endpoints.ts ARM_API_VERSIONS).
 */
import { type DiscoveryContext, listAll } from './rest';
import { ARM_API_VERSIONS, type DiscoveryService } from './endpoints';

export interface AzureSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string;
  /** Enabled, Warned, PastDue, Disabled, Deleted. */
  readonly state: string;
}

export interface AzureKeyVault {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly vaultUri: string;
  readonly tenantId: string;
  /** true: Azure RBAC; false: access policies. */
  readonly rbacAuthorization: boolean;
}

export interface AzureEventHubsNamespace {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** host[:port] of properties.serviceBusEndpoint (the port only when not 443). */
  readonly host: string;
  readonly status?: string;
}

export interface AzureEventHub {
  readonly id: string;
  readonly name: string;
  readonly partitionCount?: number;
  readonly status?: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const props = (item: Record<string, unknown>): Record<string, unknown> => (item['properties'] ?? {}) as Record<string, unknown>;

/** The resource group named in an ARM resource id (`/subscriptions/…/resourceGroups/<rg>/…`). */
export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

/** host[:port] of a serviceBusEndpoint such as `https://ns.servicebus.windows.net:443/`. */
export function hostOfEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.port && url.port !== '443' ? `${url.hostname}:${url.port}` : url.hostname;
  } catch {
    return '';
  }
}

/**
 * The subscription filter the Azure extensions keep (setting `azureResourceGroups.selectedSubscriptions`,
 * entries `tenantId/subscriptionId`): absent or empty means all.
 */
export function filterSubscriptions(subscriptions: readonly AzureSubscription[], selected: readonly string[] | undefined): AzureSubscription[] {
  if (!selected || selected.length === 0) {
    return [...subscriptions];
  }
  const ids = new Set(selected.map((entry) => (entry.split('/').at(-1) ?? entry).toLowerCase()));
  return subscriptions.filter((s) => ids.has(s.subscriptionId.toLowerCase()));
}

export class AzureDiscovery {
  constructor(
    private readonly service: DiscoveryService,
    private readonly context: DiscoveryContext,
  ) {}

  private url(path: string, apiVersion: string): string {
    return `${this.service.baseUrl}${path}?api-version=${apiVersion}`;
  }

  async subscriptions(): Promise<AzureSubscription[]> {
    const items = await listAll(this.service, this.url('/subscriptions', ARM_API_VERSIONS.subscriptions), this.context);
    return items.map((s) => ({ subscriptionId: text(s['subscriptionId']), displayName: text(s['displayName']), tenantId: text(s['tenantId']), state: text(s['state']) }));
  }

  async keyVaults(subscriptionId: string): Promise<AzureKeyVault[]> {
    const items = await listAll(this.service, this.url(`/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.KeyVault/vaults`, ARM_API_VERSIONS.keyVault), this.context);
    return items.map((v) => ({
      id: text(v['id']),
      name: text(v['name']),
      resourceGroup: resourceGroupOf(text(v['id'])),
      location: text(v['location']),
      vaultUri: text(props(v)['vaultUri']),
      tenantId: text(props(v)['tenantId']),
      rbacAuthorization: props(v)['enableRbacAuthorization'] === true,
    }));
  }

  async eventHubsNamespaces(subscriptionId: string): Promise<AzureEventHubsNamespace[]> {
    const items = await listAll(this.service, this.url(`/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.EventHub/namespaces`, ARM_API_VERSIONS.eventHub), this.context);
    return items.map((n) => ({
      id: text(n['id']),
      name: text(n['name']),
      resourceGroup: resourceGroupOf(text(n['id'])),
      location: text(n['location']),
      host: hostOfEndpoint(text(props(n)['serviceBusEndpoint'])),
      ...(typeof props(n)['status'] === 'string' ? { status: props(n)['status'] as string } : {}),
    }));
  }

  /** The hubs of a namespace, by the namespace's resource id. */
  async eventHubs(namespaceId: string): Promise<AzureEventHub[]> {
    if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.EventHub\/namespaces\/[^/]+$/i.test(namespaceId)) {
      throw new Error(`Not an Event Hubs namespace resource id: ${namespaceId}`);
    }
    const items = await listAll(this.service, this.url(`${namespaceId}/eventhubs`, ARM_API_VERSIONS.eventHub), this.context);
    return items.map((h) => ({
      id: text(h['id']),
      name: text(h['name']),
      ...(typeof props(h)['partitionCount'] === 'number' ? { partitionCount: props(h)['partitionCount'] as number } : {}),
      ...(typeof props(h)['status'] === 'string' ? { status: props(h)['status'] as string } : {}),
    }));
  }
}
