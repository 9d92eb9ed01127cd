/**
 * Fabric data pipeline items and their definitions (create, list, get, delete, getDefinition,
 * updateDefinition), served by the sandbox's Fabric peer. getDefinition answers 200 directly; create
 * with a definition and updateDefinition answer as long-running operations (operations.ts).
 *
 * Contract (microsoft/fabric-rest-api-specs at 4a7d6e4): dataPipeline/swagger.json (create, get,
 * list, delete, getDefinition, updateDefinition, `/dataPipelines/{id}/jobs/execute/instances`),
 * platform/swagger.json (job scheduler `/items/{itemId}/jobs/instances?jobType=…`, get, cancel;
 * `/operations/{operationId}` and `/result`) and their examples. The definition part is
 * `pipeline-content.json`, `InlineBase64` (standard base64).
 *
 * This file serves the data pipeline items and their definitions; their runs are in pipelineJobs.ts,
 * the long-running operations in operations.ts, the definition parts in pipelineDefinitions.ts.
 */
import type { FabricItem, FabricWorld } from './fabricWorld';
import { acceptOperation } from './operations';
import { isRecord, platformPart, readParts, storedDefinitions, type DefinitionPart } from './pipelineDefinitions';
import type { FabricRequest, FabricRoute, FabricRouteModule } from './server';

export { dataPipelineDefinition, PIPELINE_CONTENT_PART } from './pipelineDefinitions';

function itemJson(item: FabricItem): Record<string, unknown> {
  return { id: item.id, type: item.type, displayName: item.displayName, description: item.description, workspaceId: item.workspaceId };
}

/** The pipeline item, if the caller may see it; answers otherwise. */
export function pipelineItem(request: FabricRequest, fabric: FabricWorld, minimal: 'Viewer' | 'Contributor', what: string, param = 'dataPipelineId'): FabricItem | undefined {
  const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', minimal, what);
  if (!ws) {
    return undefined;
  }
  const item = fabric.item(ws.id, request.params[param] ?? '');
  if (!item || item.type !== 'DataPipeline') {
    request.error(404, 'ItemNotFound', 'The requested item was not found.');
    return undefined;
  }
  return item;
}

export const dataPipelineRoutes: FabricRouteModule = (fabric) => {
  const definitions = storedDefinitions(fabric);
  const base = '/v1/workspaces/{workspaceId}/dataPipelines';

  const routes: FabricRoute[] = [
    {
      method: 'POST',
      path: base,
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Contributor', 'create a data pipeline');
        if (!ws) {
          return;
        }
        const body = request.json();
        if (!isRecord(body) || typeof body['displayName'] !== 'string' || !body['displayName'].trim()) {
          request.error(400, 'InvalidInput', "The request needs a 'displayName'.");
          return;
        }
        const displayName = body['displayName'];
        if (fabric.items.some((item) => item.workspaceId === ws.id && item.type === 'DataPipeline' && item.displayName.toLowerCase() === displayName.toLowerCase())) {
          request.error(409, 'ItemDisplayNameAlreadyInUse', `Requested '${displayName}' is already in use`);
          return;
        }
        let parts: DefinitionPart[] | undefined;
        if (body['definition'] !== undefined) {
          parts = readParts(request, body['definition'], displayName);
          if (!parts) {
            return;
          }
        }
        const item = fabric.addItem(ws.id, 'DataPipeline', displayName, typeof body['description'] === 'string' ? body['description'] : '');
        if (!parts) {
          request.reply(201, itemJson(item));
          return;
        }
        definitions.set(item.id, parts);
        acceptOperation(request, fabric, itemJson(item));
      },
    },
    {
      method: 'GET',
      path: base,
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Viewer', 'list data pipelines');
        if (ws) {
          request.page(fabric.items.filter((item) => item.workspaceId === ws.id && item.type === 'DataPipeline').map(itemJson));
        }
      },
    },
    {
      method: 'GET',
      path: `${base}/{dataPipelineId}`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'read the data pipeline');
        if (item) {
          request.reply(200, itemJson(item));
        }
      },
    },
    {
      method: 'DELETE',
      path: `${base}/{dataPipelineId}`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'delete the data pipeline');
        if (item) {
          fabric.items.splice(fabric.items.indexOf(item), 1);
          definitions.delete(item.id);
          request.reply(200, undefined);
        }
      },
    },
    {
      method: 'POST',
      path: `${base}/{dataPipelineId}/getDefinition`,
      handle(request) {
        // Reading a definition needs write permission on the item (the swagger: "read and write permissions").
        const item = pipelineItem(request, fabric, 'Contributor', 'read the data pipeline definition');
        if (item) {
          request.reply(200, { definition: { parts: definitions.get(item.id) ?? [platformPart(item.displayName)] } });
        }
      },
    },
    {
      method: 'POST',
      path: `${base}/{dataPipelineId}/updateDefinition`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'update the data pipeline definition');
        if (!item) {
          return;
        }
        const body = request.json();
        const parts = readParts(request, isRecord(body) ? body['definition'] : undefined, item.displayName);
        if (!parts) {
          return;
        }
        definitions.set(item.id, parts);
        acceptOperation(request, fabric);
      },
    },
  ];
  return routes;
};
