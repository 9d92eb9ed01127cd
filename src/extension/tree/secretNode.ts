import * as vscode from 'vscode';
import type { SecretInfo } from '../../core/azure/keyVault';
import { APP_SECRET_EXPIRY_NOTE, assessSecret, newestFirst, type HygieneVerdict, type SecretRole } from '../../core/diagnostics/secretHygiene';
import { explainError } from '../../core/errors/explain';
import { isCancelledError, isStageError } from '../../core/errors/errors';
import { isNotSignedIn } from '../auth/sessionScopes';
import { MessageNode } from './messageNode';
import { attentionIcon, secretTooltip, statusFlags } from './secretItem';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { hygieneMarkdown, secretDescription, secretReferenceUri } from './presentation';
import { SecretVersionNode } from './secretVersionNode';
import { dateLines, escape } from './secretText';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

// A secret in the tree: its versions and metadata (never its value), and the role it plays in the flow.
type Role = SecretRole;

/** What a secret node needs of its vault (the vault node; an interface, so the two files do not import each other). */
export interface SecretListing extends TreeNode {
  /** Every version of one secret (metadata only). */
  listVersions(name: string): Promise<SecretInfo[]>;
}

/**
 * A secret: name, enabled state, version and expiry, with a warning when it needs attention
 * (disabled, expired, not yet valid, expiring within the warning window). Its children are its
 * versions. Its value is never part of the tree.
 */
export class SecretNode implements TreeNode, ProfileScoped {
  readonly id: string;
  private versionNodes: Promise<TreeNode[]> | undefined;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: SecretListing,
    readonly profileId: string,
    readonly vaultUrl: string,
    /** Undefined when the vault could not be listed: state unknown. For a pipeline secret: the version it reads. */
    readonly info: SecretInfo | undefined,
    readonly secretName: string,
    /** The version the profile pins (the reference copies it); undefined = latest. */
    readonly pinnedVersion: string | undefined,
    readonly role: Role | undefined,
    /** Listed the vault, and this referenced secret is not in it (the read stage will fail with SecretNotFound). */
    readonly missing = false,
    /** Every version, when the listing already fetched them (the pipeline's two secrets). */
    private readonly knownVersions?: readonly SecretInfo[],
  ) {
    this.id = nodeIds.secret(profileId, secretName);
  }

  get label(): string {
    return this.info?.name ?? this.secretName;
  }

  /** The reference Copy Secret Reference puts on the clipboard: URI of the pinned version, else the unversioned URI. */
  get referenceUri(): string {
    return secretReferenceUri(this.vaultUrl, this.label, this.pinnedVersion);
  }

  /** Hygiene of the version shown (the one the pipeline reads), with the current warning window. */
  verdict(now = Date.now()): HygieneVerdict | undefined {
    if (!this.info) {
      return undefined;
    }
    return assessSecret(this.info, {
      now,
      warningDays: this.ctx.expiryWarningDays(),
      name: this.label,
      ...(this.role ? { role: this.role } : {}),
      ...(this.pinnedVersion ? { pinnedVersion: this.pinnedVersion } : {}),
      ...(this.knownVersions ? { versions: this.knownVersions } : {}),
    });
  }

  getTreeItem(): vscode.TreeItem {
    const now = Date.now();
    const info = this.info;
    const verdict = this.verdict(now);
    const item = new vscode.TreeItem(this.label, info ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const status = verdict?.status.kind ?? 'ok';
    const warn = this.missing || (verdict !== undefined && verdict.severity !== 'ok');
    item.iconPath = warn ? attentionIcon(verdict?.severity) : new vscode.ThemeIcon(this.role ? 'star-full' : 'lock');
    item.description = info
      ? secretDescription(
          {
            enabled: info.enabled,
            ...(info.version ? { version: info.version } : {}),
            ...(info.expiresOn ? { expiresOn: info.expiresOn } : {}),
            ...(info.notBefore ? { notBefore: info.notBefore } : {}),
            ...(this.role ? { role: this.role } : {}),
            ...(verdict ? { status: verdict.status } : {}),
          },
          now,
        )
      : `${this.role === 'clientId' ? 'pipeline client id' : 'pipeline client secret'} · ${this.missing ? 'not in the vault' : 'state unknown'}`;
    item.contextValue = composeContextValue(
      CONTEXT.secret,
      info ? (info.enabled ? CONTEXT.enabled : CONTEXT.disabled) : undefined,
      ...statusFlags(status),
      warn && CONTEXT.attention,
      this.role === 'clientId' && CONTEXT.clientIdSecret,
      this.role === 'clientSecret' && CONTEXT.clientSecretSecret,
      this.missing && 'missing',
    );
    const lines = [`**${escape(this.label)}**`];
    if (this.role) {
      lines.push('', this.role === 'clientId' ? 'The pipeline reads its **client id** from this secret (stage 2).' : 'The pipeline reads its **client secret** from this secret (stage 3).');
    }
    const hygiene = hygieneMarkdown(verdict);
    if (hygiene) {
      lines.push('', hygiene);
    }
    if (info) {
      lines.push('', `- ${info.enabled ? 'Enabled' : 'Disabled'}`);
      if (info.version) {
        lines.push(`- Version \`${escape(info.version)}\`${this.pinnedVersion ? ' (pinned in the profile)' : ' (latest)'}`);
      }
      lines.push(...dateLines(info, status === 'expired'));
      if (info.contentType) {
        lines.push(`- Content type ${escape(info.contentType)}`);
      }
    } else {
      lines.push('', this.missing ? 'Not found in the vault listing: check the secret name in the profile.' : 'State unknown: the vault could not be listed.');
    }
    if (this.role === 'clientSecret') {
      lines.push('', `_${escape(APP_SECRET_EXPIRY_NOTE)}_`);
    }
    item.tooltip = secretTooltip(lines, this.referenceUri);
    return item;
  }

  /** Its versions, newest first; listed once per node (Refresh lists again). */
  getChildren(): Promise<TreeNode[]> {
    if (!this.info) {
      return Promise.resolve([]);
    }
    this.versionNodes ??= this.ctx.withViewProgress(() => this.loadVersions());
    return this.versionNodes;
  }

  private async loadVersions(): Promise<TreeNode[]> {
    let versions: readonly SecretInfo[];
    try {
      versions = this.knownVersions ?? (await this.parent.listVersions(this.label));
    } catch (error) {
      if (isCancelledError(error)) {
        return [new MessageNode(this, 'hint', 'Listing cancelled: refresh to try again')];
      }
      if (isNotSignedIn(error) || (isStageError(error) && error.info.code === 'NotSignedIn')) {
        return [MessageNode.signIn(this, this.profileId)];
      }
      const explained = isStageError(error) ? error.info : explainError(error, { stage: 'readClientId' });
      return [MessageNode.error(this, explained, (s) => this.ctx.redactor.redact(s), 'listError', 'Cannot list versions: ')];
    }
    if (versions.length === 0) {
      return [new MessageNode(this, 'hint', 'No versions listed')];
    }
    const ordered = newestFirst(versions.filter((v): v is SecretInfo & { version: string } => typeof v.version === 'string' && v.version.length > 0));
    const latest = ordered[0]?.version;
    const pinned = this.pinnedVersion?.toLowerCase();
    return ordered.map((v) =>
      this.ctx.register(
        new SecretVersionNode(this.ctx, this, {
          info: v,
          latest: v.version === latest,
          pinned: pinned !== undefined && v.version.toLowerCase() === pinned,
          // The version the pipeline reads: the pinned one, else the latest.
          readByPipeline: this.role !== undefined && (pinned !== undefined ? v.version.toLowerCase() === pinned : v.version === latest),
          allVersions: versions,
        }),
      ),
    );
  }
}
