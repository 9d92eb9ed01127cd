/**
 * Fabric discovery routes: workspaces, eventstreams, topology, and the custom endpoint
 * source/destination connections (microsoft/fabric-rest-api-specs platform/swagger.json and
 * eventstream/swagger.json; shapes from their definitions and examples, checked in
 * test/unit/sandbox/fabricPeer.test.ts against the spec files).
 */
import type { FabricItem, FabricWorld, TopologyNode } from './fabricWorld';
import type { FabricRequest, FabricRoute } from './server';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** platform.json Item / eventstream definitions.json Eventstream: id, displayName, description, type, workspaceId. */
function itemJson(item: FabricItem): Record<string, unknown> {
  return { id: item.id, displayName: item.displayName, description: item.description, type: item.type, workspaceId: item.workspaceId };
}

function nodeJson(node: TopologyNode): Record<string, unknown> {
  return {
    id: node.id,
    name: node.name,
    type: node.type,
    properties: node.properties,
    ...(node.inputNodes ? { inputNodes: node.inputNodes } : {}),
    status: node.status,
    ...(node.error ? { error: node.error } : {}),
  };
}

/** The path's GUIDs, or an answer: Fabric refuses a malformed id with 400 (text undocumented). */
function ids(request: FabricRequest, ...names: string[]): boolean {
  for (const name of names) {
    const value = request.params[name] ?? '';
    if (!GUID.test(value)) {
      request.error(400, 'InvalidParameter', `The parameter '${name}' must be a GUID, got '${value}'.`);
      return false;
    }
  }
  return true;
}

/** The eventstream of the path, for a caller with at least `role`; answers and returns undefined otherwise. */
function eventstreamOf(request: FabricRequest, role: 'Viewer' | 'Contributor', what: string): { item: FabricItem; fabric: FabricWorld } | undefined {
  if (!ids(request, 'workspaceId', 'eventstreamId')) {
    return undefined;
  }
  const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Viewer', 'read the workspace');
  if (!ws) {
    return undefined;
  }
  const item = request.fabric.item(ws.id, request.params['eventstreamId'] ?? '', 'Eventstream');
  if (!item) {
    request.error(404, 'ItemNotFound', 'The requested item was not found.', { relatedResource: { resourceId: (request.params['eventstreamId'] ?? '').toLowerCase(), resourceType: 'Eventstream' } });
    return undefined;
  }
  // Read and write on the eventstream is Contributor or above on its workspace (item permissions
  // shared directly are not modelled).
  if (role === 'Contributor' && !request.workspaceWithRole(ws.id, 'Contributor', what)) {
    return undefined;
  }
  return { item, fabric: request.fabric };
}

function connection(request: FabricRequest, kind: 'source' | 'destination'): void {
  const idName = kind === 'source' ? 'sourceId' : 'destinationId';
  if (!ids(request, 'workspaceId', 'eventstreamId', idName)) {
    return;
  }
  const found = eventstreamOf(request, 'Contributor', `read the ${kind} connection of this eventstream (read and write permissions are required)`);
  if (!found) {
    return;
  }
  const state = found.fabric.eventstreams.get(found.item.id);
  const nodes = kind === 'source' ? state?.sources : state?.destinations;
  const node = nodes?.find((n) => n.id === (request.params[idName] ?? '').toLowerCase());
  if (!state || !node) {
    request.error(404, 'ItemNotFound', `The requested ${kind} was not found.`, { relatedResource: { resourceId: (request.params[idName] ?? '').toLowerCase(), resourceType: kind === 'source' ? 'Source' : 'Destination' } });
    return;
  }
  const binding = state.endpoints.get(node.id);
  if (node.type !== 'CustomEndpoint' || !binding) {
    // "Only custom endpoints sources are supported" (swagger Limitations); the code is the sandbox's choice.
    request.error(400, 'InvalidInput', `Only custom endpoint ${kind}s have a connection; '${node.name}' is ${node.type}.`);
    return;
  }
  const rule = request.world.sasRules.get(binding.keyName);
  if (!rule) {
    throw new Error(`custom endpoint ${node.name} names a missing SAS rule`);
  }
  // Fabric shows the same key as primary and secondary until one is regenerated; the sandbox's rule has one key.
  const namespace = request.eventHubsNamespace;
  const connectionString = `Endpoint=sb://${namespace}/;SharedAccessKeyName=${binding.keyName};SharedAccessKey=${rule.key};EntityPath=${binding.eventHubName}`;
  request.reply(200, {
    fullyQualifiedNamespace: namespace,
    eventHubName: binding.eventHubName,
    ...(kind === 'destination' ? { consumerGroupName: binding.consumerGroupName ?? '$Default' } : {}),
    accessKeys: { primaryKey: rule.key, secondaryKey: rule.key, primaryConnectionString: connectionString, secondaryConnectionString: connectionString },
  });
}

export function eventstreamRoutes(): readonly FabricRoute[] {
  return [
    {
      method: 'GET',
      path: '/v1/workspaces',
      handle(request) {
        // Only the workspaces the caller has a role in (platform swagger: "Returns a list of workspaces the principal can access").
        const visible = request.fabric.workspaces.filter((ws) => request.fabric.roleOf(ws, request.principal) !== undefined);
        request.page(
          visible.map((ws) => ({ id: ws.id, displayName: ws.displayName, description: ws.description, type: ws.type, ...(ws.capacityId ? { capacityId: ws.capacityId } : {}) })),
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/eventstreams',
      handle(request) {
        if (!ids(request, 'workspaceId')) {
          return;
        }
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Viewer', 'list eventstreams');
        if (ws) {
          request.page(request.fabric.items.filter((item) => item.workspaceId === ws.id && item.type === 'Eventstream').map(itemJson));
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/eventstreams/{eventstreamId}',
      handle(request) {
        const found = eventstreamOf(request, 'Viewer', 'read the eventstream');
        if (found) {
          request.reply(200, itemJson(found.item));
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/eventstreams/{eventstreamId}/topology',
      handle(request) {
        const found = eventstreamOf(request, 'Viewer', 'read the eventstream topology');
        const state = found ? found.fabric.eventstreams.get(found.item.id) : undefined;
        if (found && state) {
          request.reply(200, {
            compatibilityLevel: state.compatibilityLevel,
            sources: state.sources.map(nodeJson),
            destinations: state.destinations.map(nodeJson),
            streams: state.streams,
            operators: state.operators,
          });
        }
      },
    },
    { method: 'GET', path: '/v1/workspaces/{workspaceId}/eventstreams/{eventstreamId}/sources/{sourceId}/connection', handle: (request) => connection(request, 'source') },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/eventstreams/{eventstreamId}/destinations/{destinationId}/connection',
      handle: (request) => connection(request, 'destination'),
    },
  ];
}
