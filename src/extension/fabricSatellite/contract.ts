/**
 * The part of the Fabric VS Code extension's satellite contract this extension uses, written from
 * its published API package `@microsoft/vscode-fabric-api` 0.39.0-preview (repository
 * microsoft/vscode-fabric @ 09a0436e7dbc33ca34660498450e1a6fa3997611: api/src/index.ts,
 * fabricExtension.ts, satelliteFabricExtension.ts, FabricApiClient.ts, treeView.ts;
 * docs/extensibility-overview.md, docs/api-compatibility.md). Types only: the package itself is not
 * a dependency (it needs `vscode` and a core that may be absent), and every call is guarded.
 */
import type * as vscode from 'vscode';

/** The core extension's id (publisher.name). */
export const FABRIC_CORE_EXTENSION_ID = 'fabric.vscode-fabric';
/** api/src/index.ts `apiVersion`: the core refuses a satellite whose major.minor differs. */
export const FABRIC_SATELLITE_API_VERSION = '0.7';

/** api/src/FabricApiClient.ts IArtifact (the members used here). */
export interface IArtifact {
  id: string;
  type: string;
  displayName: string;
  description?: string;
  workspaceId: string;
  fabricEnvironment: string;
}

/** IApiClientRequestOptions: `pathTemplate` is appended to the signed-in environment's base (e.g. /v1/…). */
export interface IApiClientRequestOptions {
  url?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pathTemplate?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeout?: number;
}

export interface IApiClientResponse {
  bodyAsText?: string;
  parsedBody?: unknown;
  status: number;
  url?: string;
}

export interface IFabricApiClient {
  sendRequest(options: IApiClientRequestOptions): Promise<IApiClientResponse>;
}

/** What `addExtension` returns (the members used here: the signed-in API client). */
export interface IFabricExtensionServiceCollection {
  apiClient: IFabricApiClient;
}

/**
 * treeView.ts FabricTreeNode / ArtifactTreeNode: TreeItems the core asks for children with
 * `getChildNodes()`; an artifact node carries `artifact` and `isArtifactTreeNode`.
 */
export interface FabricTreeNodeLike extends vscode.TreeItem {
  getChildNodes(): Promise<FabricTreeNodeLike[]>;
}

export interface ArtifactTreeNodeLike extends FabricTreeNodeLike {
  readonly isArtifactTreeNode: true;
  readonly artifact: IArtifact;
}

/** satelliteFabricExtension.ts IFabricTreeNodeProvider. */
export interface IFabricTreeNodeProvider {
  artifactType: string;
  createArtifactTreeNode(artifact: IArtifact): Promise<ArtifactTreeNodeLike>;
}

/** satelliteFabricExtension.ts IFabricExtension. */
export interface IFabricExtension {
  identity: string;
  apiVersion: string;
  artifactTypes: string[];
  treeNodeProviders?: IFabricTreeNodeProvider[];
}

/** fabricExtension.ts IFabricExtensionManager: the core's exports. */
export interface IFabricExtensionManager {
  addExtension(extension: IFabricExtension): IFabricExtensionServiceCollection;
}

/** The exports are another extension's: trust nothing until checked. */
export function isExtensionManager(value: unknown): value is IFabricExtensionManager {
  return typeof value === 'object' && value !== null && typeof (value as { addExtension?: unknown }).addExtension === 'function';
}
