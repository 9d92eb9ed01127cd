import * as vscode from 'vscode';
import type { StageId } from '../../core/flow/types';
import { STAGE_TITLES } from '../../core/flow/types';
import { SANDBOX_PROFILE_ID } from '../profiles/sandboxProfileId';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { stagePresentation } from './presentation';
import { stageDefaultCommand } from './stageActions';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

/** The step numbers the pipeline's activities have (the probe is the send-free alternative to 5). */
export const STAGE_STEP: Readonly<Record<StageId, string>> = {
  keyVaultToken: '1',
  readClientId: '2',
  readClientSecret: '3',
  eventHubsToken: '4',
  send: '5',
  probe: '5′',
};

/** One stage with its last result: icon, duration, and cause/fix in the tooltip when it failed. */
export class StageNode implements TreeNode, ProfileScoped {
  readonly id: string;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: TreeNode,
    readonly profileId: string,
    readonly stage: StageId,
    private readonly skipReason: string | undefined,
  ) {
    this.id = nodeIds.stage(profileId, stage);
  }

  getTreeItem(): vscode.TreeItem {
    const p = stagePresentation(this.stage, this.ctx.results.get(this.profileId, this.stage), {
      running: this.ctx.results.isRunning(this.profileId, this.stage),
      ...(this.skipReason ? { skipReason: this.skipReason } : {}),
      redact: (s) => this.ctx.redactor.redact(s),
    });
    const item = new vscode.TreeItem(`${STAGE_STEP[this.stage]}. ${STAGE_TITLES[this.stage]}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = p.description;
    item.iconPath = new vscode.ThemeIcon(p.icon, p.color ? new vscode.ThemeColor(p.color) : undefined);
    item.tooltip = new vscode.MarkdownString(p.tooltipMarkdown);
    item.contextValue = composeContextValue(CONTEXT.stage(this.stage), CONTEXT.status(p.status), this.profileId === SANDBOX_PROFILE_ID && CONTEXT.onSandbox);
    item.accessibilityInformation = { label: `${STAGE_TITLES[this.stage]}: ${p.description}` };
    // Enter (or a click) runs the stage; the context menu (Shift+F10) has the rest (issue #11).
    const primary = stageDefaultCommand(this.stage);
    item.command = { command: primary.command, title: primary.title, arguments: [this] };
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}
