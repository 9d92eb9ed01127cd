/**
 * Registration as a satellite of the Fabric extension (`fabric.vscode-fabric`) for the Eventstream
 * item type: under each Eventstream of its workspace tree, the custom endpoint sources and
 * destinations (with status) and, on a source, Create Profile from Endpoint — through the core's
 * signed-in API client. Absent core, exports that are not the contract, an API version the core
 * refuses, or a core that does not allow this satellite: logged once, and our own Fabric section
 * (the Fabric & Azure view) stays the way in.
 */
import * as vscode from 'vscode';
import { FabricDiscovery, type EventstreamNode, type FabricTransport } from '../../core/discovery/fabric';
import { HttpResponseError } from '../../core/errors/errors';
import { COMMANDS } from '../constants';
import type { EndpointRef } from '../discovery/discoveryTree';
import type { ExtensionServices } from '../services';
import {
  FABRIC_CORE_EXTENSION_ID,
  FABRIC_SATELLITE_API_VERSION,
  isExtensionManager,
  type ArtifactTreeNodeLike,
  type FabricTreeNodeLike,
  type IArtifact,
  type IFabricApiClient,
  type IFabricTreeNodeProvider,
} from './contract';

export type SatelliteState =
  | { readonly state: 'absent' }
  | { readonly state: 'registered'; readonly coreVersion: string }
  | { readonly state: 'refused'; readonly reason: string };

/** The core's apiClient as the discovery code's transport (paths under /v1; Fabric's paging followed). */
export function coreTransport(client: IFabricApiClient): FabricTransport {
  const get = async (pathTemplate: string): Promise<Record<string, unknown>> => {
    const response = await client.sendRequest({ method: 'GET', pathTemplate });
    if (response.status !== 200) {
      throw new HttpResponseError('fabric', response.status, {}, response.bodyAsText ?? '');
    }
    const body = response.parsedBody ?? (response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined);
    if (typeof body !== 'object' || body === null) {
      throw new HttpResponseError('fabric', 502, {}, 'The answer was not a JSON object.');
    }
    return body as Record<string, unknown>;
  };
  return {
    get: (path) => get(`/v1${path}`),
    async list(path) {
      const items: Record<string, unknown>[] = [];
      let next: string | undefined = `/v1${path}`;
      for (let page = 0; next && page < 100; page++) {
        const body = await get(next);
        items.push(...(Array.isArray(body['value']) ? (body['value'] as Record<string, unknown>[]) : []));
        const token = body['continuationToken'];
        next = typeof token === 'string' && token ? `/v1${path}?continuationToken=${encodeURIComponent(token)}` : undefined;
      }
      return items;
    },
  };
}

/** A custom endpoint under an Eventstream in the core's tree; carries what the command needs. */
export class SatelliteEndpointNode extends vscode.TreeItem implements FabricTreeNodeLike {
  constructor(
    node: EventstreamNode,
    readonly endpoint: EndpointRef,
  ) {
    super(node.name, vscode.TreeItemCollapsibleState.None);
    const source = endpoint.kind === 'source';
    this.id = `esf:${endpoint.workspaceId}:${endpoint.eventstreamId}:${endpoint.kind}:${node.id}`;
    this.description = `${source ? 'custom endpoint source' : 'custom endpoint destination'} · ${node.status}`;
    this.contextValue = `eventstreamFlowEndpoint;${endpoint.kind}`;
    this.iconPath = new vscode.ThemeIcon(source ? 'arrow-circle-right' : 'arrow-circle-left');
    this.tooltip = source ? 'Source: pipelines send here. Click to create an Eventstream Flow profile.' : 'Destination: read back listens here.';
    if (source) {
      this.command = { command: COMMANDS.createProfileFromEndpoint, title: 'Create Profile from Endpoint', arguments: [this] };
    }
  }
  getChildNodes(): Promise<FabricTreeNodeLike[]> {
    return Promise.resolve([]);
  }
}

class EventstreamArtifactNode extends vscode.TreeItem implements ArtifactTreeNodeLike {
  readonly isArtifactTreeNode = true as const;
  constructor(
    readonly artifact: IArtifact,
    private readonly discovery: () => FabricDiscovery,
  ) {
    super(artifact.displayName, vscode.TreeItemCollapsibleState.Collapsed);
    // The core's own id scheme (treeView.ts), so its view state survives.
    this.id = `art:${artifact.fabricEnvironment || 'unknown'}:${artifact.workspaceId}:${artifact.type}:${artifact.id}`;
    this.contextValue = `Item${artifact.type}`;
    this.tooltip = artifact.description ?? '';
  }
  async getChildNodes(): Promise<FabricTreeNodeLike[]> {
    const topology = await this.discovery().topology(this.artifact.workspaceId, this.artifact.id);
    const nodes = (list: readonly EventstreamNode[], kind: 'source' | 'destination'): SatelliteEndpointNode[] =>
      list
        .filter((n) => n.type === 'CustomEndpoint')
        .map(
          (n) =>
            new SatelliteEndpointNode(n, {
              accountId: 'fabric-core',
              workspaceId: this.artifact.workspaceId,
              workspaceName: this.artifact.workspaceId,
              eventstreamId: this.artifact.id,
              eventstreamName: this.artifact.displayName,
              nodeId: n.id,
              nodeName: n.name,
              kind,
            }),
        );
    return [...nodes(topology.sources, 'source'), ...nodes(topology.destinations, 'destination')];
  }
}

let coreFabric: (() => FabricDiscovery) | undefined;

/** The core's signed-in Fabric access, once registered (Create Profile from Endpoint uses it). */
export function coreFabricDiscovery(): FabricDiscovery | undefined {
  return coreFabric?.();
}

export async function registerFabricSatellite(services: ExtensionServices): Promise<SatelliteState> {
  const log = services.logger.child('fabric-satellite');
  const core = vscode.extensions.getExtension(FABRIC_CORE_EXTENSION_ID);
  if (!core) {
    log.debug(`${FABRIC_CORE_EXTENSION_ID} is not installed: the Fabric & Azure view is the way to Fabric`);
    return { state: 'absent' };
  }
  const version = (core.packageJSON as { version?: unknown }).version;
  const coreVersion = typeof version === 'string' ? version : 'unknown';
  try {
    const exports: unknown = core.isActive ? core.exports : await core.activate();
    if (!isExtensionManager(exports)) {
      throw new Error('its exports are not the satellite contract (no addExtension)');
    }
    // Filled by addExtension; the tree asks for children only after it.
    const granted: { apiClient?: IFabricApiClient } = {};
    const discovery = (): FabricDiscovery => {
      if (!granted.apiClient) {
        throw new Error('The Fabric extension gave no API client.');
      }
      return new FabricDiscovery(coreTransport(granted.apiClient), undefined, (secret) => services.redactor.add(secret));
    };
    const provider: IFabricTreeNodeProvider = {
      artifactType: 'Eventstream',
      createArtifactTreeNode: (artifact) => Promise.resolve(new EventstreamArtifactNode(artifact, discovery)),
    };
    // The core checks identity (its allow list), that we are installed, and major.minor of apiVersion: it throws otherwise.
    const collection = exports.addExtension({ identity: services.context.extension.id, apiVersion: FABRIC_SATELLITE_API_VERSION, artifactTypes: ['Eventstream'], treeNodeProviders: [provider] });
    granted.apiClient = collection.apiClient;
    coreFabric = discovery;
    log.info(`Registered as a satellite of ${FABRIC_CORE_EXTENSION_ID} ${coreVersion} for Eventstream items`);
    return { state: 'registered', coreVersion };
  } catch (error) {
    const reason = services.redactor.redact(error instanceof Error ? error.message : String(error));
    // e.g. "Extension … is not compatible with Microsoft Fabric extension (version …)" or "… is not allowed".
    log.warn(`Not registered with ${FABRIC_CORE_EXTENSION_ID} ${coreVersion}: ${reason}. The Fabric & Azure view stays the way to Fabric.`);
    return { state: 'refused', reason };
  }
}
