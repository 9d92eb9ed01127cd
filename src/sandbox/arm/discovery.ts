/**
 * ARM discovery routes: subscriptions, Key Vaults and Event Hubs namespaces of a subscription, and
 * a namespace's event hubs. Shapes from Azure/azure-rest-api-specs (Microsoft.Resources
 * subscriptions 2022-12-01, Microsoft.KeyVault 2024-11-01, Microsoft.EventHub 2024-01-01),
 * checked in test/unit/sandbox/armPeer.test.ts against the spec's examples and schemas.
 */
import type { ArmRequest, ArmRoute } from './server';

/** Stable api-versions with these operations that clients send; the newest is what ours sends. */
export const SUBSCRIPTIONS_API_VERSIONS = ['2016-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'] as const;
export const KEY_VAULT_ARM_API_VERSIONS = ['2019-09-01', '2021-10-01', '2022-07-01', '2023-02-01', '2023-07-01', '2024-11-01'] as const;
export const EVENT_HUB_ARM_API_VERSIONS = ['2017-04-01', '2021-11-01', '2022-10-01-preview', '2024-01-01'] as const;

function subscriptionJson(request: ArmRequest, sub: { subscriptionId: string; displayName: string; state: string }): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: sub.subscriptionId,
    tenantId: request.world.tenantId,
    displayName: sub.displayName,
    state: sub.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

function vaultJson(request: ArmRequest, subscriptionId: string): Record<string, unknown> {
  const { world } = request;
  // Through the proxy the vault has its real name; on loopback its URL is the peer's.
  const vaultUri = request.viaProxy ? `https://${world.vaultName}${request.cloud.keyVaultSuffix}/` : request.keyVaultUrl;
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${world.resourceGroup}/providers/Microsoft.KeyVault/vaults/${world.vaultName}`,
    name: world.vaultName,
    type: 'Microsoft.KeyVault/vaults',
    location: world.region,
    tags: {},
    systemData: { createdBy: 'admin@contoso.onmicrosoft.com', createdByType: 'User', createdAt: world.createdAt.toISOString(), lastModifiedBy: 'admin@contoso.onmicrosoft.com', lastModifiedByType: 'User', lastModifiedAt: world.createdAt.toISOString() },
    properties: {
      sku: { family: 'A', name: 'standard' },
      tenantId: world.tenantId,
      accessPolicies: [],
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      // The sandbox vault authorizes with Azure RBAC (Key Vault Secrets User), not access policies.
      enableRbacAuthorization: true,
      vaultUri,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
    },
  };
}

function namespaceJson(request: ArmRequest, subscriptionId: string): Record<string, unknown> {
  const { world, arm } = request;
  const created = world.createdAt.toISOString();
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${world.resourceGroup}/providers/Microsoft.EventHub/namespaces/${arm.namespaceName}`,
    name: arm.namespaceName,
    type: 'Microsoft.EventHub/Namespaces',
    location: 'West Europe',
    tags: {},
    sku: { name: 'Standard', tier: 'Standard', capacity: 1 },
    properties: {
      minimumTlsVersion: '1.2',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: false,
      zoneRedundant: true,
      isAutoInflateEnabled: false,
      maximumThroughputUnits: 0,
      kafkaEnabled: true,
      provisioningState: 'Succeeded',
      status: 'Active',
      createdAt: created,
      updatedAt: created,
      // The namespace's endpoint: its real host through the proxy, the peer's loopback address otherwise.
      serviceBusEndpoint: request.viaProxy ? `https://${arm.namespaceName}${request.cloud.eventHubsSuffix}:443/` : `https://${request.eventHubsNamespace}/`,
      metricId: `${subscriptionId}:${arm.namespaceName}`,
    },
  };
}

export function discoveryRoutes(): readonly ArmRoute[] {
  return [
    {
      method: 'GET',
      path: '/subscriptions',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      resourceType: 'subscriptions',
      handle(request) {
        // Only subscriptions where the caller holds a role (Subscriptions - List: "Gets all subscriptions for a tenant" the caller can see).
        request.page(request.arm.subscriptions.filter((s) => request.arm.roleOf(s, request.principal) !== undefined).map((s) => subscriptionJson(request, s)));
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      resourceType: 'subscriptions',
      handle(request) {
        const sub = request.subscriptionFor(request.params['subscriptionId'] ?? '', 'Microsoft.Resources/subscriptions/read');
        if (sub) {
          request.reply(200, subscriptionJson(request, sub));
        }
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/vaults',
      apiVersions: KEY_VAULT_ARM_API_VERSIONS,
      resourceType: 'vaults',
      handle(request) {
        const sub = request.subscriptionFor(request.params['subscriptionId'] ?? '', 'Microsoft.KeyVault/vaults/read');
        if (sub) {
          request.page(sub.subscriptionId === request.world.subscriptionId ? [vaultJson(request, sub.subscriptionId)] : []);
        }
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.EventHub/namespaces',
      apiVersions: EVENT_HUB_ARM_API_VERSIONS,
      resourceType: 'namespaces',
      handle(request) {
        const sub = request.subscriptionFor(request.params['subscriptionId'] ?? '', 'Microsoft.EventHub/namespaces/read');
        if (sub) {
          request.page(sub.subscriptionId === request.world.subscriptionId ? [namespaceJson(request, sub.subscriptionId)] : []);
        }
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.EventHub/namespaces/{namespaceName}/eventhubs',
      apiVersions: EVENT_HUB_ARM_API_VERSIONS,
      resourceType: 'namespaces/eventhubs',
      handle(request) {
        const { world, arm } = request;
        const subscriptionId = request.params['subscriptionId'] ?? '';
        const rg = request.params['resourceGroupName'] ?? '';
        const ns = request.params['namespaceName'] ?? '';
        const scope = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.EventHub/namespaces/${ns}`;
        const sub = request.subscriptionFor(subscriptionId, 'Microsoft.EventHub/namespaces/eventhubs/read', scope);
        if (!sub) {
          return;
        }
        if (sub.subscriptionId !== world.subscriptionId || rg.toLowerCase() !== world.resourceGroup.toLowerCase()) {
          request.error(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
          return;
        }
        if (ns.toLowerCase() !== arm.namespaceName.toLowerCase()) {
          request.error(404, 'ResourceNotFound', `The Resource 'Microsoft.EventHub/namespaces/${ns}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
          return;
        }
        const created = world.createdAt.toISOString();
        request.page([
          {
            id: `${scope.replace(`/namespaces/${ns}`, `/namespaces/${arm.namespaceName}`)}/eventhubs/${world.eventHubName}`,
            name: world.eventHubName,
            type: 'Microsoft.EventHub/Namespaces/EventHubs',
            location: 'West Europe',
            properties: {
              partitionIds: [...world.partitionIds],
              createdAt: created,
              updatedAt: created,
              partitionCount: world.partitionIds.length,
              status: 'Active',
              retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: 24 },
              messageRetentionInDays: 1,
            },
          },
        ]);
      },
    },
  ];
}
