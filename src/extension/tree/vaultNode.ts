import * as vscode from 'vscode';
import type { SecretInfo } from '../../core/azure/keyVault';
import { explainError } from '../../core/errors/explain';
import { isCancelledError, isStageError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { isNotSignedIn } from '../auth/sessionScopes';
import { MessageNode } from './messageNode';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { secretDescription, secretReferenceUri } from './presentation';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

type Role = 'clientId' | 'clientSecret';

/**
 * The profile's vault and its secrets, listed with the stage-1 token (names and metadata only;
 * Key Vault never lists values). The two secrets the pipeline reads are always shown and marked,
 * even when the reader may only `get` (a 403 on list becomes a warning node, not a failure).
 */
export class VaultNode implements TreeNode, ProfileScoped {
  readonly id: string;
  private children: Promise<TreeNode[]> | undefined;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: TreeNode,
    readonly profileId: string,
    private readonly profile: ConnectionProfile,
  ) {
    this.id = nodeIds.vault(profileId);
  }

  private get configured(): boolean {
    return this.profile.keyVault.vaultUrl.trim().length > 0;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Key Vault', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('key');
    item.description = this.configured ? hostOf(this.profile.keyVault.vaultUrl) : 'not used';
    item.contextValue = composeContextValue(CONTEXT.vault);
    item.tooltip = new vscode.MarkdownString(
      this.configured
        ? `**Key Vault** ${escape(this.profile.keyVault.vaultUrl)}\n\nThe pipeline reads \`${escape(this.profile.keyVault.clientIdSecret.name)}\` (client id) and \`${escape(this.profile.keyVault.clientSecretSecret.name)}\` (client secret).`
        : 'This profile sends without Key Vault (SAS key or connection string).',
    );
    return item;
  }

  /** Listed once per node instance; Refresh builds new nodes. Result-change refreshes reuse it. */
  getChildren(): Promise<TreeNode[]> {
    this.children ??= this.configured ? this.ctx.withViewProgress(() => this.load()) : Promise.resolve([new MessageNode(this, 'hint', 'Not used by this profile')]);
    return this.children;
  }

  private async load(): Promise<TreeNode[]> {
    const kv = this.profile.keyVault;
    const referenced = new Map<string, Role>([
      [kv.clientIdSecret.name.toLowerCase(), 'clientId'],
      [kv.clientSecretSecret.name.toLowerCase(), 'clientSecret'],
    ]);
    const redact = (s: string): string => this.ctx.redactor.redact(s);
    const fallback = (): SecretNode[] => this.referencedOnly(referenced);
    const signal = AbortSignal.timeout(this.ctx.timeoutMs());

    let token;
    try {
      token = (await this.ctx.flows.keyVaultToken(this.profileId, signal)).token;
    } catch (error) {
      if (isNotSignedIn(error) || (isStageError(error) && error.info.code === 'NotSignedIn')) {
        return [MessageNode.signIn(this, this.profileId), ...fallback()];
      }
      if (isCancelledError(error)) {
        return [new MessageNode(this, 'hint', 'Listing cancelled: refresh to try again'), ...fallback()];
      }
      const explained = isStageError(error) ? error.info : explainError(error, { stage: 'keyVaultToken' });
      return [MessageNode.error(this, explained, redact, 'error', 'No Key Vault token: '), ...fallback()];
    }

    const { listSecrets, listSecretVersions } = await import('../../core/azure/keyVault');
    const { keyVaultResourceOf } = await import('../../core/flow/stages/authority');
    const common = {
      vaultUrl: kv.vaultUrl,
      token,
      audience: keyVaultResourceOf(this.profile),
      signal,
      ...(this.profile.trustedCaPem ? { trustedCaPem: this.profile.trustedCaPem } : {}),
    };
    let listed: SecretInfo[];
    try {
      listed = await listSecrets({ ...common, limit: 200 });
    } catch (error) {
      this.ctx.logger.child('tree').warn(`Listing secrets of ${hostOf(kv.vaultUrl)} failed: ${redact(String((error as Error)?.message ?? error))}`);
      const explained = explainError(error, { stage: 'readClientId' });
      return [MessageNode.error(this, explained, redact, 'listError', 'Cannot list secrets: '), ...fallback()];
    }

    // The versions the pipeline reads: the pinned one, else the newest; their state matters most.
    const versions = new Map<Role, SecretInfo>();
    await Promise.all(
      [...referenced].map(async ([name, role]) => {
        const ref = role === 'clientId' ? kv.clientIdSecret : kv.clientSecretSecret;
        if (!listed.some((s) => s.name.toLowerCase() === name)) {
          return;
        }
        try {
          const all = await listSecretVersions({ ...common, name: ref.name, limit: 100 });
          const chosen = ref.version ? all.find((v) => v.version === ref.version) : newest(all);
          if (chosen) {
            versions.set(role, chosen);
          }
        } catch {
          // Metadata of the latest version from the list is still shown.
        }
      }),
    );

    const nodes: TreeNode[] = [];
    const byName = new Map(listed.map((s) => [s.name.toLowerCase(), s]));
    for (const [name, role] of referenced) {
      const info = versions.get(role) ?? byName.get(name);
      const ref = role === 'clientId' ? kv.clientIdSecret : kv.clientSecretSecret;
      nodes.push(this.ctx.register(new SecretNode(this, this.profileId, kv.vaultUrl, info, ref.name, ref.version, role, !info)));
    }
    const others = listed.filter((s) => !referenced.has(s.name.toLowerCase())).sort((a, b) => a.name.localeCompare(b.name));
    for (const info of others) {
      nodes.push(this.ctx.register(new SecretNode(this, this.profileId, kv.vaultUrl, info, info.name, undefined, undefined)));
    }
    return nodes;
  }

  private referencedOnly(referenced: Map<string, Role>): SecretNode[] {
    const kv = this.profile.keyVault;
    return [...referenced.values()].map((role) => {
      const ref = role === 'clientId' ? kv.clientIdSecret : kv.clientSecretSecret;
      return this.ctx.register(new SecretNode(this, this.profileId, kv.vaultUrl, undefined, ref.name, ref.version, role));
    });
  }
}

/** A secret: name, enabled state, version and expiry. Its value is never part of the tree. */
export class SecretNode implements TreeNode, ProfileScoped {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly profileId: string,
    readonly vaultUrl: string,
    /** Undefined when the vault could not be listed: state unknown. */
    readonly info: SecretInfo | undefined,
    readonly secretName: string,
    /** The version the profile pins (the reference copies it); undefined = latest. */
    readonly pinnedVersion: string | undefined,
    readonly role: Role | undefined,
    /** Listed the vault, and this referenced secret is not in it (the read stage will fail with SecretNotFound). */
    readonly missing = false,
  ) {
    this.id = nodeIds.secret(profileId, secretName);
  }

  /** The reference Copy Secret Reference puts on the clipboard: URI of the pinned version, else the unversioned URI. */
  get referenceUri(): string {
    return secretReferenceUri(this.vaultUrl, this.info?.name ?? this.secretName, this.pinnedVersion);
  }

  getTreeItem(): vscode.TreeItem {
    const now = Date.now();
    const info = this.info;
    const item = new vscode.TreeItem(info?.name ?? this.secretName, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const expired = info?.expiresOn !== undefined && info.expiresOn.getTime() <= now;
    item.iconPath = new vscode.ThemeIcon(
      this.role ? 'star-full' : 'lock',
      this.missing || (info && (!info.enabled || expired)) ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined,
    );
    item.description = info
      ? secretDescription({ enabled: info.enabled, ...(info.version ? { version: info.version } : {}), ...(info.expiresOn ? { expiresOn: info.expiresOn } : {}), ...(this.role ? { role: this.role } : {}) }, now)
      : `${this.role === 'clientId' ? 'pipeline client id' : 'pipeline client secret'} · ${this.missing ? 'not in the vault' : 'state unknown'}`;
    item.contextValue = composeContextValue(
      CONTEXT.secret,
      info ? (info.enabled ? CONTEXT.enabled : CONTEXT.disabled) : undefined,
      expired && CONTEXT.expired,
      this.role === 'clientId' && CONTEXT.clientIdSecret,
      this.role === 'clientSecret' && CONTEXT.clientSecretSecret,
      this.missing && 'missing',
    );
    const lines = [`**${escape(info?.name ?? this.secretName)}**`];
    if (this.role) {
      lines.push('', this.role === 'clientId' ? 'The pipeline reads its **client id** from this secret (stage 2).' : 'The pipeline reads its **client secret** from this secret (stage 3).');
    }
    if (info) {
      lines.push('', `- ${info.enabled ? 'Enabled' : 'Disabled'}`);
      if (info.version) {
        lines.push(`- Version \`${escape(info.version)}\`${this.pinnedVersion ? ' (pinned in the profile)' : ' (latest)'}`);
      }
      if (info.createdOn) {
        lines.push(`- Created ${info.createdOn.toISOString()}`);
      }
      if (info.updatedOn) {
        lines.push(`- Updated ${info.updatedOn.toISOString()}`);
      }
      lines.push(info.expiresOn ? `- ${expired ? 'Expired' : 'Expires'} ${info.expiresOn.toISOString()}` : '- No expiry date');
      if (info.contentType) {
        lines.push(`- Content type ${escape(info.contentType)}`);
      }
    } else {
      lines.push('', this.missing ? 'Not found in the vault listing: check the secret name in the profile.' : 'State unknown: the vault could not be listed.');
    }
    lines.push('', `Reference: \`${escape(this.referenceUri)}\``);
    item.tooltip = new vscode.MarkdownString(lines.join('\n'));
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}

function newest(versions: readonly SecretInfo[]): SecretInfo | undefined {
  const time = (v: SecretInfo): number => (v.createdOn ?? v.updatedOn)?.getTime() ?? 0;
  return [...versions].sort((a, b) => time(b) - time(a))[0];
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
