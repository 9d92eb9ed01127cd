import * as vscode from 'vscode';
import { normalizeWarningDays } from '../core/diagnostics/secretHygiene';
import { explainError } from '../core/errors/explain';
import { Redactor } from '../core/logging/redact';
import { createSignedInAccount } from './auth/signedInAccount';
import { registerCommands } from './commands/registerCommands';
import type { DiscoveryTreeProvider } from './discovery/discoveryTree';
import { discoveryTree, registerDiscovery } from './discovery/register';
import { registerPipelineRunsView } from './pipeline/runsView';
import { registerFabricSatellite, type SatelliteState } from './fabricSatellite/satellite';
import { SETTINGS, VIEWS } from './constants';
import { setContext } from './contextKeys';
import { EditorFlowRunner } from './flowRunner';
import { createChannelLogger, createLogChannel } from './logChannel';
import { createProfileStore } from './profiles/profileStore';
import { ExtensionSandboxManager, SANDBOX_PROFILE_ID } from './sandboxManager';
import type { ExtensionServices, UserInput } from './services';
import { FlowStatusBar } from './statusBar';
import { FlowTreeProvider } from './tree/flowTreeProvider';
import { profileIdOf } from './commands/commandContext';
import { SwitchableUserInput, TestUserInput } from './userInput';

/** What `activate` returns: the services, and hooks the in-host tests use (scripted prompts, tree lookup). */
export interface ExtensionApi {
  readonly services: ExtensionServices;
  readonly tree: FlowTreeProvider;
  /** The Fabric & Azure view's provider. */
  readonly discovery?: DiscoveryTreeProvider;
  /** How registering as a satellite of fabric.vscode-fabric went (absent, registered, refused). */
  readonly fabricSatellite?: Promise<SatelliteState>;
  readonly testing: {
    /** Route every prompt to `input` (undefined restores the real window prompts). */
    useUserInput(input: UserInput | undefined): void;
    readonly TestUserInput: typeof TestUserInput;
    /** What the status bar item shows now. */
    statusBar(): FlowStatusBar['state'];
  };
}

let stopSandboxOnDeactivate: (() => Promise<void>) | undefined;

/**
 * The composition root: builds each service explicitly and pushes every disposable into
 * `context.subscriptions`. Nothing here touches Azure: SDKs, the flow engine and the sandbox load
 * on first use.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = createLogChannel();
  context.subscriptions.push(log);
  const redactor = new Redactor();
  const logger = createChannelLogger(log, redactor);
  try {
    const input = new SwitchableUserInput();
    const profiles = createProfileStore(context.secrets, logger);
    const account = createSignedInAccount({ logger, redactor });
    const runner = new EditorFlowRunner({ profiles, logger, redactor, account });
    const sandbox = new ExtensionSandboxManager({ profiles, redactor, logger });
    const tree = new FlowTreeProvider({
      profiles,
      results: runner,
      flows: runner,
      sandbox,
      redactor,
      logger,
      timeoutMs: () => vscode.workspace.getConfiguration().get<number>(SETTINGS.stageTimeoutSeconds, 30) * 1000,
      expiryWarningDays: () => normalizeWarningDays(vscode.workspace.getConfiguration().get<number>(SETTINGS.secretsExpiryWarningDays)),
    });
    const view = vscode.window.createTreeView(VIEWS.profiles, { treeDataProvider: tree, showCollapseAll: true });
    const statusBar = new FlowStatusBar(runner, redactor);

    const services: ExtensionServices = {
      context,
      log,
      logger,
      redactor,
      profiles,
      results: runner,
      flows: runner,
      sandbox,
      account,
      input,
      tree: {
        // Refresh means "ask Azure again": drop cached tokens and partition listings too.
        refresh: (node?: unknown) => {
          runner.forgetEndpoints(profileIdOf(node));
          runner.clearTokens();
          tree.refresh();
        },
      },
    };

    context.subscriptions.push(
      profiles,
      runner,
      sandbox,
      tree,
      view,
      statusBar,
      ...registerCommands(services),
      ...registerDiscovery(services),
      ...registerPipelineRunsView(services),
      profiles.onDidChange(() => {
        // An edited credential must be tested, not answered from a token minted with the old one.
        runner.clearTokens();
        void updateHasProfiles(services);
      }),
      // A new or removed Microsoft session changes what signed-in profiles can reach.
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'microsoft' || e.provider.id === 'microsoft-sovereign-cloud') {
          runner.clearTokens();
          tree.refresh();
        }
      }),
      // Results of the sandbox profile described peers that are gone (issue #11).
      sandbox.onDidChange(() => {
        if (!sandbox.current) {
          runner.forgetResults(SANDBOX_PROFILE_ID);
        }
      }),
      { dispose: () => void sandbox.stop() },
    );
    stopSandboxOnDeactivate = () => sandbox.stop();
    void updateHasProfiles(services);
    logger.child('extension').info(`Activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`);

    // Not awaited: the Fabric extension's activation must not hold ours up.
    const fabricSatellite = registerFabricSatellite(services);
    return { services, tree, discovery: discoveryTree(services), fabricSatellite, testing: { useUserInput: (i) => input.use(i), TestUserInput, statusBar: () => statusBar.state } };
  } catch (error) {
    logger.error('Activation failed', error);
    const summary = explainError(error).explanation.summary;
    void vscode.window.showErrorMessage(`Eventstream Flow could not start: ${redactor.redact(summary)}`, 'Show Log').then((choice) => {
      if (choice) {
        log.show();
      }
    });
    throw error;
  }
}

/** The sandbox's listeners must not outlive the extension host's shutdown. */
export async function deactivate(): Promise<void> {
  const stop = stopSandboxOnDeactivate;
  stopSandboxOnDeactivate = undefined;
  await stop?.();
}

async function updateHasProfiles(services: ExtensionServices): Promise<void> {
  try {
    const list = await services.profiles.list();
    await setContext('eventstreamFlow.hasProfiles', list.length > 0);
  } catch (error) {
    services.logger.child('extension').warn(`Could not count profiles: ${String(error)}`);
  }
}
