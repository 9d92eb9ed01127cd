import * as vscode from 'vscode';
import { endpointAuthAdvisory, formatAdvisory } from '../../core/diagnostics/leastPrivilege';
import { explainError } from '../../core/errors/explain';
import type { PartitionInfo } from '../../core/flow/types';
import type { ConnectionProfile } from '../../core/model/profile';
import { SANDBOX_PROFILE_ID } from '../profiles/sandboxProfileId';
import { MessageNode } from './messageNode';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { escapeMarkdown, stagePresentation } from './presentation';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

/**
 * The Eventstream (Event Hubs-compatible) endpoint. It is also the probe stage's node: its icon and
 * description show the last probe, and its children are the partitions the probe read through
 * `$management`. Expanding it probes once if this session has no listing yet.
 */
export class EndpointNode implements TreeNode, ProfileScoped {
  readonly id: string;
  private children: Promise<TreeNode[]> | undefined;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: TreeNode,
    readonly profileId: string,
    private readonly profile: ConnectionProfile,
  ) {
    this.id = nodeIds.endpoint(profileId);
  }

  getTreeItem(): vscode.TreeItem {
    const { endpoint } = this.profile;
    const p = stagePresentation('probe', this.ctx.results.get(this.profileId, 'probe'), {
      running: this.ctx.results.isRunning(this.profileId, 'probe'),
      redact: (s) => this.ctx.redactor.redact(s),
    });
    const item = new vscode.TreeItem('Eventstream endpoint', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(p.status === 'idle' ? 'radio-tower' : p.icon, p.color ? new vscode.ThemeColor(p.color) : undefined);
    const auth = { entra: 'Entra ID', sas: 'SAS key', connectionString: 'connection string' }[endpoint.auth.kind];
    const advisory = endpointAuthAdvisory(endpoint.auth);
    item.description = `${endpoint.eventHubName} · ${endpoint.protocol.toUpperCase()}${p.status === 'idle' ? '' : ` · ${p.description}`}`;
    const tooltip = new vscode.MarkdownString(
      [
        `**Eventstream endpoint** \`${endpoint.namespace}\` / \`${endpoint.eventHubName}\``,
        '',
        `Sends over ${endpoint.protocol.toUpperCase()}${endpoint.protocol === 'amqp' ? ` (${endpoint.amqpTransport ?? 'tcp, WebSockets on 443 if 5671 is blocked'})` : ''}, authenticated with ${auth}.`,
        ...(advisory ? ['', `$(warning) **Least privilege:** ${escapeMarkdown(formatAdvisory(advisory))}`] : []),
        '',
        '---',
        '',
        p.tooltipMarkdown.replace(/^\*\*Probe endpoint\*\*/, '**Probe** (AMQP `$management`, sends nothing)'),
      ].join('\n'),
    );
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.contextValue = composeContextValue(CONTEXT.endpoint, CONTEXT.stage('probe'), CONTEXT.status(p.status), this.profileId === SANDBOX_PROFILE_ID && CONTEXT.onSandbox);
    return item;
  }

  /** After a send: the next expansion (or the refresh that follows) probes again. */
  forgetPartitions(): void {
    this.children = undefined;
  }

  /** Cached per node instance, so a probe finishing refreshes this node without probing again. */
  getChildren(): Promise<TreeNode[]> {
    const known = this.ctx.results.lastEndpoint(this.profileId);
    if (known) {
      return Promise.resolve(this.partitionNodes(known.partitions));
    }
    this.children ??= this.ctx.withViewProgress(() => this.probe());
    return this.children;
  }

  private async probe(): Promise<TreeNode[]> {
    let result;
    try {
      result = await this.ctx.flows.runInBackground(this.profileId, 'probe');
    } catch (error) {
      return [MessageNode.error(this, explainError(error, { stage: 'probe' }), (s) => this.ctx.redactor.redact(s))];
    }
    if (result.endpoint) {
      return this.partitionNodes(result.endpoint.partitions);
    }
    if (result.cancelled) {
      return [new MessageNode(this, 'hint', 'Probe cancelled: refresh to try again')];
    }
    const failed = result.outcomes.find((o) => o.status === 'failed');
    if (failed?.error?.code === 'NotSignedIn') {
      return [MessageNode.signIn(this, this.profileId)];
    }
    if (failed?.error) {
      const prefix = failed.stage === 'probe' ? 'Probe failed: ' : `Stage ${failed.stage} failed: `;
      return [MessageNode.error(this, failed.error, (s) => this.ctx.redactor.redact(s), 'error', prefix)];
    }
    return [new MessageNode(this, 'hint', 'No partitions were read')];
  }

  private partitionNodes(partitions: readonly PartitionInfo[]): TreeNode[] {
    if (partitions.length === 0) {
      return [new MessageNode(this, 'hint', 'The hub reported no partitions')];
    }
    return partitions.map((p) => this.ctx.register(new PartitionNode(this, this.profileId, p)));
  }
}

export class PartitionNode implements TreeNode, ProfileScoped {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly profileId: string,
    readonly partition: PartitionInfo,
  ) {
    this.id = nodeIds.partition(profileId, partition.partitionId);
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.partition;
    const item = new vscode.TreeItem(`Partition ${p.partitionId}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('layers');
    const retained = p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1;
    item.description = p.isEmpty ? 'empty' : `${retained} retained · last #${p.lastEnqueuedSequenceNumber}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**Partition ${escapeMarkdown(p.partitionId)}**`,
        '',
        `- Beginning sequence number: ${p.beginningSequenceNumber}`,
        `- Last enqueued sequence number: ${p.lastEnqueuedSequenceNumber}`,
        `- Last enqueued: ${isValidDate(p.lastEnqueuedOnUtc) ? p.lastEnqueuedOnUtc.toISOString() : 'never'}`,
        `- ${p.isEmpty ? 'Empty' : `${retained} event(s) retained`}`,
      ].join('\n'),
    );
    item.contextValue = composeContextValue(CONTEXT.partition, p.isEmpty && 'empty');
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}

function isValidDate(d: Date | undefined): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime()) && d.getTime() > 0;
}
