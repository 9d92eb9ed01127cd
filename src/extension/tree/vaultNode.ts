import * as vscode from 'vscode';
import { destinationsOf } from '../../core/azure/credentialGuard';
import type { SecretInfo } from '../../core/azure/keyVault';
import type { AccessToken } from '../../core/flow/types';
import type { SecretRole } from '../../core/diagnostics/secretHygiene';
import { explainError } from '../../core/errors/explain';
import { isCancelledError, isStageError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { isNotSignedIn } from '../auth/sessionScopes';
import { MessageNode } from './messageNode';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { attentionIcon } from './secretItem';
import { SecretNode } from './secretNode';
import { escape } from './secretText';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

// The profile's Key Vault in the tree and the secrets listed from it.
type Role = SecretRole;

/**
 * The profile's vault and its secrets, listed with the stage-1 token (names and metadata only;
 * Key Vault never lists values). The two secrets the pipeline reads are always shown and marked,
 * even when the reader may only `get` (a 403 on list becomes a warning node, not a failure).
 */
export class VaultNode implements TreeNode, ProfileScoped {
  readonly id: string;
  private children: Promise<TreeNode[]> | undefined;
  /** The secrets of the last listing: the vault's own item warns when any of them needs attention. */
  private secrets: readonly SecretNode[] = [];

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
    // Judged at render time, so a changed warning window shows without listing again.
    const attention = this.secrets.map((s) => ({ node: s, verdict: s.verdict() })).filter((s) => s.node.missing || (s.verdict && s.verdict.severity !== 'ok'));
    const pipelineAffected = attention.some((s) => s.node.role !== undefined);
    item.iconPath = attention.length > 0 ? attentionIcon(pipelineAffected ? 'error' : 'warning') : new vscode.ThemeIcon('key');
    const host = this.configured ? hostOf(this.profile.keyVault.vaultUrl) : 'not used';
    item.description = attention.length > 0 ? `${host} · ${attention.length} secret${attention.length === 1 ? ' needs' : 's need'} attention` : host;
    item.contextValue = composeContextValue(CONTEXT.vault, attention.length > 0 && CONTEXT.attention);
    const lines = [
      this.configured
        ? `**Key Vault** ${escape(this.profile.keyVault.vaultUrl)}\n\nThe pipeline reads \`${escape(this.profile.keyVault.clientIdSecret.name)}\` (client id) and \`${escape(this.profile.keyVault.clientSecretSecret.name)}\` (client secret).`
        : 'This profile sends without Key Vault (SAS key or connection string).',
    ];
    if (attention.length > 0) {
      lines.push('', `$(warning) **Needs attention** (warning window: ${this.ctx.expiryWarningDays()} days):`, '');
      for (const { node, verdict } of attention) {
        const why = node.missing ? 'not in the vault' : (verdict?.message ?? '');
        lines.push(`- \`${escape(node.label)}\`${node.role ? ` (pipeline ${node.role === 'clientId' ? 'client id' : 'client secret'})` : ''}: ${escape(why)}`);
      }
    }
    const tooltip = new vscode.MarkdownString(lines.join('\n'));
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  /** Listed once per node instance; Refresh builds new nodes. Result-change refreshes reuse it. */
  getChildren(): Promise<TreeNode[]> {
    this.children ??= this.configured
      ? this.ctx.withViewProgress(() => this.load()).then((nodes) => {
          this.secrets = nodes.filter((n): n is SecretNode => n instanceof SecretNode);
          // The item was drawn before the listing: redraw it if it now has something to say.
          if (this.secrets.some((s) => s.missing || (s.verdict()?.severity ?? 'ok') !== 'ok')) {
            this.ctx.changed(this);
          }
          return nodes;
        })
      : Promise.resolve([new MessageNode(this, 'hint', 'Not used by this profile')]);
    return this.children;
  }

  /** Client options for the listings, with a fresh (cached) stage-1 token. */
  private async clientOptions(signal: AbortSignal, token?: AccessToken) {
    const kv = this.profile.keyVault;
    const { keyVaultResourceOf } = await import('../../core/flow/stages/authority');
    return {
      vaultUrl: kv.vaultUrl,
      token: token ?? (await this.ctx.flows.keyVaultToken(this.profileId, signal)).token,
      audience: keyVaultResourceOf(this.profile),
      destination: destinationsOf(this.profile).keyVault,
      signal,
      ...(this.profile.trustedCaPem ? { trustedCaPem: this.profile.trustedCaPem } : {}),
      ...this.ctx.flows.proxyOption(),
    };
  }

  /** Every version of one secret (metadata only), for a secret node expanded later. */
  async listVersions(name: string): Promise<SecretInfo[]> {
    const signal = AbortSignal.timeout(this.ctx.timeoutMs());
    const { listSecretVersions } = await import('../../core/azure/keyVault');
    return listSecretVersions({ ...(await this.clientOptions(signal)), name, limit: 100 });
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
    const common = await this.clientOptions(signal, token);
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
    const allVersions = new Map<Role, SecretInfo[]>();
    await Promise.all(
      [...referenced].map(async ([name, role]) => {
        const ref = role === 'clientId' ? kv.clientIdSecret : kv.clientSecretSecret;
        if (!listed.some((s) => s.name.toLowerCase() === name)) {
          return;
        }
        try {
          const all = await listSecretVersions({ ...common, name: ref.name, limit: 100 });
          allVersions.set(role, all);
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
      nodes.push(this.ctx.register(new SecretNode(this.ctx, this, this.profileId, kv.vaultUrl, info, ref.name, ref.version, role, !info, allVersions.get(role))));
    }
    const others = listed.filter((s) => !referenced.has(s.name.toLowerCase())).sort((a, b) => a.name.localeCompare(b.name));
    for (const info of others) {
      nodes.push(this.ctx.register(new SecretNode(this.ctx, this, this.profileId, kv.vaultUrl, info, info.name, undefined, undefined)));
    }
    return nodes;
  }

  private referencedOnly(referenced: Map<string, Role>): SecretNode[] {
    const kv = this.profile.keyVault;
    return [...referenced.values()].map((role) => {
      const ref = role === 'clientId' ? kv.clientIdSecret : kv.clientSecretSecret;
      return this.ctx.register(new SecretNode(this.ctx, this, this.profileId, kv.vaultUrl, undefined, ref.name, ref.version, role));
    });
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
