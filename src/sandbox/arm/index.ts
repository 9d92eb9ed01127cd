/**
 * The Azure Resource Manager peer's registration point: each route file exports an ArmRouteModule
 * and is listed here once. The peer serves the union; `{param}` segments lose to literal ones.
 */
import { discoveryRoutes } from './discovery';
import type { ArmRouteModule } from './server';

export const ARM_ROUTE_MODULES: readonly ArmRouteModule[] = [
  discoveryRoutes,
  // Data Factory pipelines and runs (#10) register here.
];

export { startArmPeer, armAudiences, type ArmPeer, type ArmRequest, type ArmRoute, type ArmRouteModule } from './server';
export { ArmWorld } from './armWorld';
