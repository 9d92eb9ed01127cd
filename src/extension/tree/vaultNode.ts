import * as vscode from 'vscode';
import { destinationsOf } from '../../core/azure/credentialGuard';
import type { SecretInfo } from '../../core/azure/keyVault';
import type { AccessToken } from '../../core/flow/types';
import { APP_SECRET_EXPIRY_NOTE, assessSecret, newestFirst, type HygieneVerdict, type SecretRole } from '../../core/diagnostics/secretHygiene';
import { explainError } from '../../core/errors/explain';
import { isCancelledError, isStageError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { isNotSignedIn } from '../auth/sessionScopes';
import { MessageNode } from './messageNode';
import { composeContextValue, CONTEXT, nodeIds } from './nodeIds';
import { hygieneMarkdown, secretDescription, secretReferenceUri, secretVersionDescription, shortVersion } from './presentation';
import type { ProfileScoped, TreeContext, TreeNode } from './treeNode';

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
    item.iconPath =
      attention.length > 0
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(pipelineAffected ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon('key');
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
    readonly parent: VaultNode,
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
    item.iconPath = warn
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(verdict?.severity === 'warning' ? 'problemsWarningIcon.foreground' : 'problemsErrorIcon.foreground'))
      : new vscode.ThemeIcon(this.role ? 'star-full' : 'lock');
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
      status === 'expired' && CONTEXT.expired,
      status === 'expiringSoon' && CONTEXT.expiringSoon,
      status === 'notYetValid' && CONTEXT.notYetValid,
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
    lines.push('', `Reference: \`${escape(this.referenceUri)}\``);
    const tooltip = new vscode.MarkdownString(lines.join('\n'));
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
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

/** One version of a secret: enabled, created, expiry; marked when it is the latest or pinned. */
export class SecretVersionNode implements TreeNode, ProfileScoped {
  readonly id: string;

  constructor(
    private readonly ctx: TreeContext,
    readonly parent: SecretNode,
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
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(verdict.severity === 'warning' ? 'problemsWarningIcon.foreground' : 'problemsErrorIcon.foreground'))
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
      status === 'expired' && CONTEXT.expired,
      status === 'expiringSoon' && CONTEXT.expiringSoon,
      status === 'notYetValid' && CONTEXT.notYetValid,
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
    lines.push('', `Reference: \`${escape(this.referenceUri)}\``);
    const tooltip = new vscode.MarkdownString(lines.join('\n'));
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}

/** The tooltip's date lines of a secret or a version: created, updated, valid from, expiry. */
function dateLines(info: SecretInfo, expired: boolean): string[] {
  return [
    ...(info.createdOn ? [`- Created ${info.createdOn.toISOString()}`] : []),
    ...(info.updatedOn ? [`- Updated ${info.updatedOn.toISOString()}`] : []),
    ...(info.notBefore ? [`- Valid from ${info.notBefore.toISOString()}`] : []),
    info.expiresOn ? `- ${expired ? 'Expired' : 'Expires'} ${info.expiresOn.toISOString()}` : '- No expiry date',
  ];
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
