/**
 * Who discovers: the local sandbox's reader principal while the sandbox runs, and the Microsoft
 * account VS Code is signed in to (its built-in authentication provider, silently: only the Sign In
 * command asks). Each gives Fabric and Azure clients over the core discovery code, with every key
 * they read handed to the session redactor at once.
 */
import * as vscode from 'vscode';
import { AzureDiscovery } from '../../core/discovery/arm';
import { armService, fabricService } from '../../core/discovery/endpoints';
import { FabricDiscovery } from '../../core/discovery/fabric';
import type { DiscoveryContext } from '../../core/discovery/rest';
import { sandboxReaderContext } from '../../core/discovery/tokens';
import type { TokenProvider } from '../../core/flow/credentials';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { sessionScopesFor } from '../auth/sessionScopes';

export interface DiscoveryAccount {
  /** `sandbox`, or `microsoft:<cloud>`. */
  readonly id: string;
  readonly kind: 'sandbox' | 'microsoft';
  /** What the tree shows: the account's label (never a token). */
  readonly label: string;
  readonly cloud: CloudName;
  readonly tenantId?: string;
  /** Undefined: the cloud has no Fabric REST API. */
  fabric(signal: AbortSignal): FabricDiscovery | undefined;
  azure(signal: AbortSignal): AzureDiscovery;
}

function contextOf(tokens: TokenProvider, signal: AbortSignal, extra: Partial<DiscoveryContext> = {}): DiscoveryContext {
  return { tokens, signal, ...extra };
}

export function sandboxAccount(services: ExtensionServices): DiscoveryAccount | undefined {
  const sandbox = services.sandbox.current;
  if (!sandbox) {
    return undefined;
  }
  const { world, urls } = sandbox;
  const reader = sandboxReaderContext(sandbox, services.redactor);
  return {
    id: 'sandbox',
    kind: 'sandbox',
    label: 'Local sandbox',
    cloud: 'public',
    tenantId: world.tenantId,
    fabric: (signal) => new FabricDiscovery(fabricService('public', urls.fabricApi), { ...reader, signal }, (secret) => services.redactor.add(secret)),
    azure: (signal) => new AzureDiscovery(armService('public', urls.resourceManager), { ...reader, signal }),
  };
}

/** The signed-in Microsoft account for the default cloud, or undefined when VS Code has no session (asked silently). */
export async function microsoftAccount(services: ExtensionServices, options: { createIfNone?: boolean } = {}): Promise<DiscoveryAccount | undefined> {
  const cloud = vscode.workspace.getConfiguration().get<CloudName>(SETTINGS.defaultCloud, 'public');
  const providerId = CLOUDS[cloud].vscodeAuthProvider;
  const scopes = sessionScopesFor([`${CLOUDS[cloud].armEndpoint}/.default`]);
  const session = options.createIfNone
    ? await vscode.authentication.getSession(providerId, scopes, { createIfNone: true })
    : await vscode.authentication.getSession(providerId, scopes, { silent: true });
  if (!session) {
    return undefined;
  }
  const tokens = services.account.tokenProvider(cloud);
  const proxy = proxyOf(services);
  return {
    id: `microsoft:${cloud}`,
    kind: 'microsoft',
    label: session.account.label,
    cloud,
    fabric: (signal) =>
      CLOUDS[cloud].fabricApiEndpoint ? new FabricDiscovery(fabricService(cloud), contextOf(tokens, signal, proxy), (secret) => services.redactor.add(secret)) : undefined,
    azure: (signal) => new AzureDiscovery(armService(cloud), contextOf(tokens, signal, proxy)),
  };
}

function proxyOf(services: ExtensionServices): Partial<DiscoveryContext> {
  const flows = services.flows as unknown as { proxyOption?: () => { proxy?: DiscoveryContext['proxy'] } };
  const option = flows.proxyOption?.();
  return option?.proxy ? { proxy: option.proxy } : {};
}

/** Every account that can discover now: the sandbox's first (when it runs), then the Microsoft one. */
export async function discoveryAccounts(services: ExtensionServices): Promise<DiscoveryAccount[]> {
  const accounts: DiscoveryAccount[] = [];
  const sandbox = sandboxAccount(services);
  if (sandbox) {
    accounts.push(sandbox);
  }
  try {
    const microsoft = await microsoftAccount(services);
    if (microsoft) {
      accounts.push(microsoft);
    }
  } catch (error) {
    services.logger.child('discovery').debug(`No Microsoft session: ${String(error)}`);
  }
  return accounts;
}

/** The subscription filter the Azure extensions keep (Azure Resources: "Select Subscriptions…"). */
export function selectedSubscriptions(): string[] {
  return vscode.workspace.getConfiguration('azureResourceGroups').get<string[]>('selectedSubscriptions', []);
}
