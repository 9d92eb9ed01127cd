import * as vscode from 'vscode';
import { skipReason } from '../../core/flow/plan';
import type { StageId } from '../../core/flow/types';
import { STAGE_TITLES } from '../../core/flow/types';
import type { ConnectionProfile } from '../../core/model/profile';
import { SANDBOX_PROFILE_ID } from '../sandboxManager';
import type { ProfileSummary } from '../services';
import { EndpointNode } from './endpointNode';
import { MessageNode } from './messageNode';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { escapeMarkdown, formatDuration } from './presentation';
import { StageNode } from './stageNode';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';
import { VaultNode } from './vaultNode';
import { explainError } from '../../core/errors/explain';

/**
 * A profile, with the flow in pipeline order beneath it: Key Vault token, the vault and its
 * secrets, the two reads, the Event Hubs token, the endpoint (probe, partitions) and the send.
 */
export class ProfileNode implements TreeNode, ProfileScoped {
  readonly id: string;
  private children: Promise<TreeNode[]> | undefined;

  constructor(
    private readonly ctx: TreeContext,
    readonly summary: ProfileSummary,
  ) {
    this.id = nodeIds.profile(summary.id);
  }

  readonly parent = undefined;

  get profileId(): string {
    return this.summary.id;
  }

  get isSandbox(): boolean {
    return this.summary.id === SANDBOX_PROFILE_ID;
  }

  getTreeItem(): vscode.TreeItem {
    const sandboxStopped = this.isSandbox && !this.ctx.sandbox.current;
    const item = new vscode.TreeItem(this.summary.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const last = this.ctx.results.lastFlow(this.profileId);
    const running = this.ctx.results.isRunning(this.profileId, 'send');
    item.iconPath = new vscode.ThemeIcon(
      running ? 'loading~spin' : this.isSandbox ? 'beaker' : 'plug',
      last && !last.ok && !last.cancelled ? new vscode.ThemeColor('testing.iconFailed') : last?.ok ? new vscode.ThemeColor('testing.iconPassed') : undefined,
    );
    const lastText = last
      ? last.ok
        ? `flow passed · ${formatDuration(last.totalMs)}`
        : last.cancelled
          ? 'flow cancelled'
          : `flow failed at ${last.failedStage ? STAGE_TITLES[last.failedStage] : 'a stage'}`
      : '';
    item.description = [sandboxStopped ? 'sandbox stopped' : this.isSandbox ? 'local sandbox' : '', lastText].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [`**${escapeMarkdown(this.summary.name)}**`, '', sandboxStopped ? 'The local sandbox is not running: start it to use this profile.' : lastText ? `Last full flow: ${lastText}` : 'No full flow run yet in this session.'].join('\n'),
    );
    item.contextValue = composeContextValue(CONTEXT.profile, this.isSandbox && CONTEXT.sandbox, sandboxStopped && CONTEXT.sandboxStopped);
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    this.children ??= this.build();
    return this.children;
  }

  private async build(): Promise<TreeNode[]> {
    let profile: ConnectionProfile;
    try {
      profile = await this.ctx.flows.loadProfile(this.profileId);
    } catch (error) {
      return [MessageNode.error(this, explainError(error), (s) => this.ctx.redactor.redact(s))];
    }
    const stage = (id: StageId): StageNode => this.ctx.register(new StageNode(this.ctx, this, this.profileId, id, skipReason(id, profile)));
    return [
      stage('keyVaultToken'),
      this.ctx.register(new VaultNode(this.ctx, this, this.profileId, profile)),
      stage('readClientId'),
      stage('readClientSecret'),
      stage('eventHubsToken'),
      this.ctx.register(new EndpointNode(this.ctx, this, this.profileId, profile)),
      stage('send'),
    ];
  }
}
