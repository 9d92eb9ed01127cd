/**
 * The Azure Resource Manager peer's registration point: each route file exports an ArmRouteModule
 * and is listed here once. The peer serves the union; `{param}` segments lose to literal ones.
 */
import { dataFactoryRoutes } from './dataFactory';
import { discoveryRoutes } from './discovery';
import type { ArmRouteModule } from './server';

export const ARM_ROUTE_MODULES: readonly ArmRouteModule[] = [
  discoveryRoutes,
  dataFactoryRoutes,
];

export { startArmPeer, armAudiences, type ArmPeer, type ArmRequest, type ArmRoute, type ArmRouteModule } from './server';
export { ArmWorld } from './armWorld';
