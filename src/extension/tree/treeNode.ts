import type * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import type { Redactor } from '../../core/logging/redact';
import type { StageResultsView } from '../flowRunner';
import type { FlowRunner, ProfileStore, SandboxManager } from '../services';
import type { AccessToken, FlowResult, StageId } from '../../core/flow/types';
import type { ConnectionProfile } from '../../core/model/profile';
import type { ProxySettings } from '../../core/azure/proxy';

/** A tree element: it knows its own item and children; the provider only delegates. */
export interface TreeNode {
  /** Stable and hierarchical (see `nodeIds`); also the TreeItem id, so expansion state survives refreshes. */
  readonly id: string;
  readonly parent: TreeNode | undefined;
  getTreeItem(): vscode.TreeItem;
  getChildren(): Promise<TreeNode[]>;
}

/** What nodes need from the extension; built once by the provider. */
export interface TreeContext {
  readonly profiles: ProfileStore;
  readonly results: StageResultsView;
  readonly flows: FlowRunner & {
    keyVaultToken(profileId: string, signal: AbortSignal): Promise<{ profile: ConnectionProfile; token: AccessToken }>;
    loadProfile(profileId: string): Promise<ConnectionProfile>;
    runInBackground(profileId: string, target: StageId): Promise<FlowResult>;
    /** VS Code's http.proxy (or HTTPS_PROXY) for listings the tree makes itself. */
    proxyOption(): { proxy?: ProxySettings };
  };
  readonly sandbox: SandboxManager;
  readonly redactor: Redactor;
  readonly logger: Logger;
  /** Per-request time limit for listings the tree starts by itself (no Cancel button there). */
  timeoutMs(): number;
  /** `eventstreamFlow.secrets.expiryWarningDays`, read when an item is rendered. */
  expiryWarningDays(): number;
  /** Re-renders one node's item (e.g. the vault once its secrets are known); its children stay cached. */
  changed(node: TreeNode): void;
  /** Makes a node findable by id, so result changes refresh just that node. */
  register<T extends TreeNode>(node: T): T;
  /** Progress in the view itself (the tree's own loads never raise a notification). */
  withViewProgress<T>(task: () => Promise<T>): Promise<T>;
}

/** Every profile-scoped node carries its profile id, so commands run from it know the profile. */
export interface ProfileScoped {
  readonly profileId: string;
}
