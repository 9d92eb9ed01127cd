import * as vscode from 'vscode';
import type { SecretInfo } from '../../core/azure/keyVault';
import { assessSecret, type HygieneVerdict, type SecretRole } from '../../core/diagnostics/secretHygiene';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { attentionIcon, secretTooltip, statusFlags } from './secretItem';
import { hygieneMarkdown, secretReferenceUri, secretVersionDescription, shortVersion } from './presentation';
import { dateLines, escape } from './secretText';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

/** What a version node needs of its secret (the secret node; an interface, so the two files do not import each other). */
export interface VersionedSecret extends TreeNode {
  readonly profileId: string;
  readonly vaultUrl: string;
  readonly label: string;
  readonly role: SecretRole | undefined;
}

/** One version of a secret: enabled, created, expiry; marked when it is the latest or pinned. */
export class SecretVersionNode implements TreeNode, ProfileScoped {
  readonly id: string;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: VersionedSecret,
    readonly details: {
      readonly info: SecretInfo & { readonly version: string };
      readonly latest: boolean;
      readonly pinned: boolean;
      /** A pipeline secret's version that stage 2 or 3 reads: only its state earns a warning. */
      readonly readByPipeline: boolean;
      readonly allVersions: readonly SecretInfo[];
    },
  ) {
    this.id = nodeIds.secretVersion(parent.profileId, parent.label, details.info.version);
  }

  get profileId(): string {
    return this.parent.profileId;
  }

  get vaultUrl(): string {
    return this.parent.vaultUrl;
  }

  get secretName(): string {
    return this.parent.label;
  }

  get version(): string {
    return this.details.info.version;
  }

  /** This version's identifier URI. */
  get referenceUri(): string {
    return secretReferenceUri(this.vaultUrl, this.secretName, this.version);
  }

  verdict(now = Date.now()): HygieneVerdict {
    return assessSecret(this.details.info, {
      now,
      warningDays: this.ctx.expiryWarningDays(),
      name: this.secretName,
      ...(this.parent.role ? { role: this.parent.role } : {}),
      ...(this.details.pinned ? { pinnedVersion: this.version } : {}),
      versions: this.details.allVersions,
    });
  }

  getTreeItem(): vscode.TreeItem {
    const now = Date.now();
    const { info, latest, pinned, readByPipeline } = this.details;
    const verdict = this.verdict(now);
    const item = new vscode.TreeItem(shortVersion(this.version), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const warn = readByPipeline && verdict.severity !== 'ok';
    item.iconPath = warn
      ? attentionIcon(verdict.severity)
      : new vscode.ThemeIcon(readByPipeline ? 'star-full' : 'git-commit', verdict.severity === 'ok' ? undefined : new vscode.ThemeColor('disabledForeground'));
    item.description = secretVersionDescription(
      {
        enabled: info.enabled,
        latest,
        pinned,
        ...(info.createdOn ? { createdOn: info.createdOn } : {}),
        ...(info.expiresOn ? { expiresOn: info.expiresOn } : {}),
        ...(info.notBefore ? { notBefore: info.notBefore } : {}),
      },
      now,
    );
    const status = verdict.status.kind;
    item.contextValue = composeContextValue(
      CONTEXT.secretVersion,
      info.enabled ? CONTEXT.enabled : CONTEXT.disabled,
      ...statusFlags(status),
      warn && CONTEXT.attention,
      latest && CONTEXT.latest,
      pinned && CONTEXT.pinned,
    );
    const lines = [`**${escape(this.secretName)}** version \`${escape(this.version)}\``];
    const marks = [pinned ? 'pinned in the profile' : '', latest ? 'the latest version' : '', readByPipeline ? 'the version the pipeline reads' : ''].filter(Boolean);
    if (marks.length > 0) {
      lines.push('', `This is ${marks.join(', ')}.`);
    }
    if (verdict.severity !== 'ok') {
      lines.push('', readByPipeline ? hygieneMarkdown(verdict) : escape(verdict.message));
    }
    lines.push('', `- ${info.enabled ? 'Enabled' : 'Disabled'}`);
    lines.push(...dateLines(info, status === 'expired'));
    item.tooltip = secretTooltip(lines, this.referenceUri);
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}
