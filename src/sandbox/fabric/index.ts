/**
 * The Fabric REST peer's registration point: each route file exports a FabricRouteModule and is
 * listed here once. The peer serves the union; `{param}` segments lose to literal ones.
 */
import { dataPipelineRoutes } from './dataPipelines';
import { eventstreamRoutes } from './eventstreams';
import { operationRoutes } from './operations';
import { pipelineJobRoutes } from './pipelineJobs';
import type { FabricRouteModule } from './server';

export const FABRIC_ROUTE_MODULES: readonly FabricRouteModule[] = [
  eventstreamRoutes,
  dataPipelineRoutes,
  pipelineJobRoutes,
  operationRoutes,
];

export { startFabricPeer, FABRIC_AUDIENCES, FABRIC_HOST, type FabricPeer, type FabricRequest, type FabricRoute, type FabricRouteModule } from './server';
export { FabricWorld } from './fabricWorld';
