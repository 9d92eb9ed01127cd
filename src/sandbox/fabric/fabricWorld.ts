/**
 * The Fabric side of the demo world: workspaces, their role assignments, items, and one
 * eventstream whose custom endpoint source and destination are the sandbox's own event hub
 * (the Event Hubs peer) and its entity-level SAS rule, as a real custom endpoint is an event hub
 * with a `key_…` rule (microsoft/fabric-rest-api-specs eventstream/examples/GetEventstreamSourceConnection.json).
 * Other route files (data pipelines, jobs) add their items to `items` and their state beside it.
 */
import { randomUUID } from 'node:crypto';
import type { World } from '../world';

/**
 * Workspace roles, least to most (learn.microsoft.com/fabric/fundamentals/roles-workspaces):
 * a Viewer reads items; Contributor and above write them (the source/destination connection
 * needs "read and write permissions for the eventstream": eventstream/swagger.json).
 */
export type WorkspaceRole = 'Viewer' | 'Contributor' | 'Member' | 'Admin';
export const WORKSPACE_ROLE_RANK: Readonly<Record<WorkspaceRole, number>> = { Viewer: 1, Contributor: 2, Member: 3, Admin: 4 };

export interface FabricWorkspace {
  readonly id: string;
  displayName: string;
  description: string;
  /** platform.json WorkspaceType: Personal, Workspace, AdminWorkspace. */
  readonly type: 'Workspace' | 'Personal';
  readonly capacityId?: string;
  /** Role assignments by principal: the token's `oid` for users, its `appid` for service principals. */
  readonly roles: Map<string, WorkspaceRole>;
}

export interface FabricItem {
  readonly id: string;
  readonly workspaceId: string;
  /** platform.json ItemType, e.g. Eventstream, DataPipeline. */
  readonly type: string;
  displayName: string;
  description: string;
}

/** Node status in the topology (eventstream/definitions/common.json RuntimeInformation.status). */
export type NodeStatus = 'Unknown' | 'Creating' | 'Created' | 'Updating' | 'Running' | 'Paused' | 'Failed' | 'Warning' | 'Deleting' | 'Pausing' | 'Resuming' | 'External';

/** A source or destination (source.json SourceResponse / destination.json DestinationResponse). */
export interface TopologyNode {
  readonly id: string;
  name: string;
  readonly type: string;
  properties: Record<string, unknown>;
  /** Destinations only (required there): the stream(s) they read. */
  inputNodes?: { name: string }[];
  status: NodeStatus;
  /** common.json ErrorInfo, on a failed or warning node. */
  error?: { errorCode?: string; errorMessage: string };
}

export interface EventstreamState {
  readonly sources: TopologyNode[];
  readonly destinations: TopologyNode[];
  /** Topology streams and operators, as the API returns them (kept as plain JSON). */
  readonly streams: Record<string, unknown>[];
  readonly operators: Record<string, unknown>[];
  compatibilityLevel: string;
  /** Per custom endpoint node: the event hub, SAS rule and consumer group behind it. */
  readonly endpoints: Map<string, CustomEndpointBinding>;
}

export interface CustomEndpointBinding {
  readonly eventHubName: string;
  /** Key name of the entity-level SAS rule in the sandbox world (world.sasRules). */
  readonly keyName: string;
  /** Destinations only: the consumer group the endpoint reads with. */
  readonly consumerGroupName?: string;
}

export const DEMO_WORKSPACE_NAME = 'Contoso Streaming';
export const DEMO_EVENTSTREAM_NAME = 'es-orders';
export const DEMO_SOURCE_NAME = 'orders-in';
export const DEMO_DESTINATION_NAME = 'orders-readback';

export class FabricWorld {
  readonly workspaces: FabricWorkspace[] = [];
  readonly items: FabricItem[] = [];
  readonly eventstreams = new Map<string, EventstreamState>();
  /**
   * Tenant setting "Service principals can use Fabric APIs" (admin portal, developer settings):
   * when off, every call made with a service principal's token is refused.
   */
  servicePrincipalsAllowed = true;
  /** Page size of the paged lists. The service's own is undocumented; small, so clients must follow continuations. */
  pageSize = 2;

  readonly demoWorkspaceId: string;
  readonly demoEventstreamId: string;
  readonly demoSourceId: string;
  readonly demoDestinationId: string;

  constructor(readonly world: World) {
    const capacityId = randomUUID();
    const demo = this.addWorkspace(DEMO_WORKSPACE_NAME, 'The sandbox eventstream, its custom endpoints and pipelines.', capacityId);
    this.addWorkspace('Sales Analytics', 'A workspace with no eventstreams.', capacityId);
    this.addWorkspace('Finance Reporting', '', capacityId);
    this.demoWorkspaceId = demo.id;
    // The vault reader service principal stands in for the user who discovers: it can read the
    // connection (Contributor); the pipeline principal can only view, so its connection call is refused.
    for (const ws of this.workspaces) {
      ws.roles.set(world.readerClientId, 'Contributor');
    }
    demo.roles.set(world.pipelineClientId, 'Viewer');

    const eventstream = this.addItem(demo.id, 'Eventstream', DEMO_EVENTSTREAM_NAME, 'Orders from the pipeline, read back for checks.');
    this.addItem(demo.id, 'Eventstream', 'es-telemetry', 'An eventstream with no custom endpoint.');
    this.demoEventstreamId = eventstream.id;
    this.demoSourceId = randomUUID();
    this.demoDestinationId = randomUUID();
    const state = this.eventstreams.get(eventstream.id) as EventstreamState;
    state.sources.push({ id: this.demoSourceId, name: DEMO_SOURCE_NAME, type: 'CustomEndpoint', properties: {}, status: 'Running' });
    // A source that is not a custom endpoint: its connection call fails ("Only custom endpoints sources are supported").
    state.sources.push({
      id: randomUUID(),
      name: 'bikes-sample',
      type: 'SampleData',
      properties: { type: 'Bicycles' },
      status: 'Running',
    });
    const streamName = `${DEMO_EVENTSTREAM_NAME}-stream`;
    state.destinations.push({ id: this.demoDestinationId, name: DEMO_DESTINATION_NAME, type: 'CustomEndpoint', properties: {}, inputNodes: [{ name: streamName }], status: 'Running' });
    // stream.json StreamResponse: no runtime status on streams.
    state.streams.push({ id: randomUUID(), name: streamName, type: 'DefaultStream', properties: {}, inputNodes: [{ name: DEMO_SOURCE_NAME }] });
    state.endpoints.set(this.demoSourceId, { eventHubName: world.eventHubName, keyName: world.sasKeyName });
    // The destination reads with the GUID-named consumer group, as Fabric custom endpoint destinations do.
    state.endpoints.set(this.demoDestinationId, { eventHubName: world.eventHubName, keyName: world.sasKeyName, consumerGroupName: world.consumerGroups[1] ?? '$Default' });

    const other = this.eventstreams.get(this.items[1]?.id ?? '') as EventstreamState;
    other.sources.push({ id: randomUUID(), name: 'bikes', type: 'SampleData', properties: { type: 'Bicycles' }, status: 'Paused' });
  }

  addWorkspace(displayName: string, description: string, capacityId?: string): FabricWorkspace {
    const ws: FabricWorkspace = { id: randomUUID(), displayName, description, type: 'Workspace', ...(capacityId ? { capacityId } : {}), roles: new Map() };
    this.workspaces.push(ws);
    return ws;
  }

  addItem(workspaceId: string, type: string, displayName: string, description = ''): FabricItem {
    const item: FabricItem = { id: randomUUID(), workspaceId, type, displayName, description };
    this.items.push(item);
    if (type === 'Eventstream') {
      // The spec's topology example answers 1.1 (common.json CompatibilityLevel is an open enum).
      this.eventstreams.set(item.id, { sources: [], destinations: [], streams: [], operators: [], compatibilityLevel: '1.1', endpoints: new Map() });
    }
    return item;
  }

  workspace(id: string): FabricWorkspace | undefined {
    const lower = id.toLowerCase();
    return this.workspaces.find((ws) => ws.id === lower);
  }

  item(workspaceId: string, itemId: string, type?: string): FabricItem | undefined {
    const lower = itemId.toLowerCase();
    return this.items.find((item) => item.workspaceId === workspaceId && item.id === lower && (type === undefined || item.type === type));
  }

  /** The caller's role in a workspace: a service principal by appid, a user by oid. */
  roleOf(workspace: FabricWorkspace, principal: { appid: string; oid: string }): WorkspaceRole | undefined {
    return workspace.roles.get(principal.appid.toLowerCase()) ?? workspace.roles.get(principal.oid.toLowerCase());
  }

  setWorkspaceRole(workspaceId: string, principalId: string, role: WorkspaceRole | undefined): void {
    const ws = this.workspace(workspaceId);
    if (!ws) {
      throw new Error(`No workspace ${workspaceId} in the sandbox.`);
    }
    if (role) {
      ws.roles.set(principalId.toLowerCase(), role);
    } else {
      ws.roles.delete(principalId.toLowerCase());
    }
  }
}
