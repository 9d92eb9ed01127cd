import * as vscode from 'vscode';
import type { ExplainedError } from '../../core/errors/errors';
import { COMMANDS } from '../constants';
import { composeContextValue, CONTEXT, nodeIds, type MessageKind } from './nodeIds';
import { explainedErrorMarkdown } from './presentation';
import type { TreeNode } from './treeNode';

/**
 * Errors, the signed-out state and hints are nodes, never pop-ups: `getChildren` returns one of
 * these instead of throwing. Clicking an error opens the log; clicking sign-in signs in.
 */
export class MessageNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode | undefined,
    readonly kind: MessageKind,
    private readonly label: string,
    private readonly options: { readonly tooltip?: string; readonly command?: vscode.Command; readonly profileId?: string; readonly description?: string } = {},
  ) {
    this.id = nodeIds.message(parent?.id, kind);
  }

  get profileId(): string | undefined {
    return this.options.profileId;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const icon = { error: 'error', listError: 'warning', signIn: 'account', hint: 'info' }[this.kind];
    item.iconPath = new vscode.ThemeIcon(icon, this.kind === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = composeContextValue(this.kind === 'signIn' ? CONTEXT.signIn : this.kind === 'hint' ? CONTEXT.hint : CONTEXT.error);
    if (this.options.description) {
      item.description = this.options.description;
    }
    if (this.options.tooltip) {
      item.tooltip = new vscode.MarkdownString(this.options.tooltip);
    }
    if (this.options.command) {
      item.command = this.options.command;
    }
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }

  static error(parent: TreeNode | undefined, error: ExplainedError, redact: (s: string) => string, kind: 'error' | 'listError' = 'error', prefix = ''): MessageNode {
    return new MessageNode(parent, kind, `${prefix}${redact(error.explanation.summary)}`, {
      tooltip: explainedErrorMarkdown(error, redact),
      command: { command: COMMANDS.showLog, title: 'Show Log' },
    });
  }

  static signIn(parent: TreeNode, profileId: string): MessageNode {
    return new MessageNode(parent, 'signIn', 'Sign in to Microsoft to read Key Vault…', {
      profileId,
      tooltip: 'This profile reads Key Vault with the account signed in to VS Code, and no session was found. Click to sign in.',
      command: { command: COMMANDS.signIn, title: 'Sign In', arguments: [profileId] },
    });
  }
}
