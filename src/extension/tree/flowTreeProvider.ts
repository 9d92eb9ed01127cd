import * as vscode from 'vscode';
import { explainError } from '../../core/errors/explain';
import { SETTINGS, VIEWS } from '../constants';
import { setContext } from '../contextKeys';
import { changedPartitions } from '../resultFreshness';
import { EndpointNode } from './endpointNode';
import { MessageNode } from './messageNode';
import { nodeIds } from './nodeIds';
import { ProfileNode } from './profileNode';
import type { TreeContext, TreeNode } from './treeNode';

// The Profiles tree: profiles, their stages, vault and secrets, and refreshing what a run or send changed.
type ProviderDeps = Omit<TreeContext, 'register' | 'withViewProgress' | 'changed'>;

/** Sends in quick succession (the panel's repeats) read the partitions again once, after the last. */
const PARTITION_REFRESH_DELAY_MS = 400;

/**
 * The Profiles view. It only delegates to nodes, remembers them by id (so one stage's result
 * change refreshes just that node) and rebuilds everything on profile or sandbox changes.
 */
export class FlowTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, TreeNode>();
  private roots: Promise<TreeNode[]> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly ctx: TreeContext;
  private readonly partitionRefresh = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(deps: ProviderDeps) {
    this.ctx = {
      ...deps,
      timeoutMs: () => deps.timeoutMs(),
      expiryWarningDays: () => deps.expiryWarningDays(),
      changed: (node) => this.changed.fire(node),
      register: (node) => {
        this.nodes.set(node.id, node);
        return node;
      },
      withViewProgress: (task) => Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEWS.profiles } }, task)),
    };
    this.subscriptions.push(
      deps.results.onDidChange(({ profileId, stage }) => {
        const node = this.nodes.get(stage ? nodeIds.stage(profileId, stage) : nodeIds.profile(profileId));
        if (node) {
          this.changed.fire(node);
        }
        if (stage === 'send' || !stage) {
          const profile = this.nodes.get(nodeIds.profile(profileId));
          if (profile && profile !== node) {
            this.changed.fire(profile);
          }
        }
      }),
      // A send changed what the partitions hold: an expanded endpoint reads them again by itself.
      deps.flows.onDidFinish(({ profileId, target, result }) => {
        if (changedPartitions(target, result)) {
          this.schedulePartitionRefresh(profileId);
        }
      }),
      deps.profiles.onDidChange(() => this.refresh()),
      deps.sandbox.onDidChange(() => this.refresh()),
      // A new warning window only changes how known secrets look: re-render, do not list again.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.secretsExpiryWarningDays)) {
          this.changed.fire(undefined);
        }
      }),
    );
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) {
      return node.getChildren();
    }
    this.roots ??= this.loadRoots();
    return this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The node with this id, if it has been shown (tests and reveal use it). */
  find(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  /** Rebuilds from the profile store: new node instances, so listings are fetched again when expanded. */
  refresh(): void {
    this.roots = undefined;
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  private schedulePartitionRefresh(profileId: string): void {
    clearTimeout(this.partitionRefresh.get(profileId));
    const timer = setTimeout(() => {
      this.partitionRefresh.delete(profileId);
      const endpoint = this.nodes.get(nodeIds.endpoint(profileId));
      if (endpoint instanceof EndpointNode) {
        endpoint.forgetPartitions();
        this.changed.fire(endpoint);
      }
    }, PARTITION_REFRESH_DELAY_MS);
    this.partitionRefresh.set(profileId, timer);
  }

  private async loadRoots(): Promise<TreeNode[]> {
    try {
      const profiles = await this.ctx.profiles.list();
      void setContext('eventstreamFlow.hasProfiles', profiles.length > 0);
      return [...profiles].sort((a, b) => a.name.localeCompare(b.name)).map((p) => this.ctx.register(new ProfileNode(this.ctx, p)));
    } catch (error) {
      this.ctx.logger.child('tree').error('Loading profiles failed', error);
      return [MessageNode.error(undefined, explainError(error), (s) => this.ctx.redactor.redact(s), 'error', 'Cannot load profiles: ')];
    }
  }

  dispose(): void {
    for (const timer of this.partitionRefresh.values()) {
      clearTimeout(timer);
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.changed.dispose();
  }
}
