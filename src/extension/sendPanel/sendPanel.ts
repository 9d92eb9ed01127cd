/**
 * The send-event panel's host side: one panel per window, its webview (HTML under a strict CSP),
 * the messages it receives (each validated) and what it posts back (profiles, settings, history,
 * the current run, the profile's latest pipeline run). A Send itself is done by PanelSends
 * (sendRun.ts); the pipeline timeline follows Run Pipeline and Compare (pipelineTimeline.ts).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { SAMPLE_EVENT_TEMPLATE } from '../../core/events/template';
import type { Logger } from '../../core/logging/logger';
import { isParseError, parseWebviewMessage, SEND_PANEL_LIMITS, type HostMessage, type PanelSettings, type ProfileOption, type WebviewMessage } from '../../shared/sendPanelProtocol';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { clampSize, SendPanelStore } from './history';
import { renderPanelHtml } from './html';
import { PanelPipelineRuns } from './pipelineTimeline';
import { checkBody } from './prepareEvents';
import { PanelSends } from './sendRun';

export const SEND_PANEL_VIEW_TYPE = 'eventstreamFlow.sendPanel';

/**
 * The send-event panel: one per window. The webview is not retained while hidden (it costs memory
 * for a panel people leave open), so it re-announces `ready` after every reload and the host
 * answers with everything it needs: profiles, settings, saved form settings, history and the
 * current run. The draft body stays in the webview's own state.
 */
export class SendPanel implements vscode.Disposable {
  private static current: SendPanel | undefined;

  /** Opens (or reveals) the panel, preselecting `profileId` when given. */
  static show(services: ExtensionServices, profileId?: string): SendPanel {
    const existing = SendPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (profileId) {
        void existing.selectProfile(profileId);
      }
      return existing;
    }
    const panel = new SendPanel(services, profileId);
    SendPanel.current = panel;
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly store: SendPanelStore;
  private readonly log: Logger;
  private readonly sends: PanelSends;
  private readonly pipelineRuns: PanelPipelineRuns;
  private ready = false;
  private selectedProfileId: string | undefined;

  private constructor(
    private readonly services: ExtensionServices,
    profileId: string | undefined,
  ) {
    const { extensionUri } = services.context;
    this.store = new SendPanelStore(services.context.workspaceState);
    this.log = services.logger.child('sendPanel');
    this.sends = new PanelSends(services, this.store, this.log, (message) => this.post(message), () => this.settings().historySize);
    this.pipelineRuns = new PanelPipelineRuns(services, (message) => this.post(message), () => this.selectedProfileId);
    this.selectedProfileId = profileId;
    this.panel = vscode.window.createWebviewPanel(
      SEND_PANEL_VIEW_TYPE,
      'Send Events',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        // A hidden panel's webview is torn down; it says `ready` again when shown.
        if (!webviewPanel.visible) {
          this.ready = false;
        }
      }),
      this.panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      services.profiles.onDidChange(() => void this.postProfiles()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.historySize)) {
          this.post({ type: 'history', entries: this.store.history(this.settings().historySize) });
        }
      }),
    );
  }

  dispose(): void {
    if (SendPanel.current === this) {
      SendPanel.current = undefined;
    }
    this.sends.cancel();
    this.pipelineRuns.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }

  private html(): string {
    const { webview } = this.panel;
    const { extensionUri } = this.services.context;
    const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: uri('dist', 'webview', 'sendPanel.js'),
      styleUri: uri('media', 'sendPanel.css'),
      codiconsUri: uri('dist', 'webview', 'codicons', 'codicon.css'),
    });
  }

  /** Everything from the webview is untrusted: parsed field by field, and dropped (and logged) if malformed. */
  private receive(data: unknown): void {
    const message = parseWebviewMessage(data);
    if (isParseError(message)) {
      const type = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type).slice(0, 40) : typeof data;
      this.log.warn(`Dropped an invalid message from the send panel (type ${type}): ${message.error}`);
      return;
    }
    this.handle(message).catch((error: unknown) => this.log.error(`Handling '${message.type}' failed`, error));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.postInit();
        return;
      case 'send': {
        const profile = (await this.services.profiles.list()).find((p) => p.id === message.form.profileId);
        if (profile) {
          this.selectedProfileId = profile.id;
        }
        await this.sends.send(message.form, profile);
        return;
      }
      case 'cancel':
        this.sends.cancel();
        return;
      case 'pickProfile':
        await this.selectProfile(message.profileId, false);
        return;
      case 'validateBody':
        this.post({ type: 'bodyValidation', requestId: message.requestId, ...checkBody(message.body, message.parameters, message.contentType) });
        return;
      case 'saveForm':
        await this.store.saveForm(message.form);
        return;
      case 'clearHistory':
        await this.store.clearHistory();
        this.post({ type: 'history', entries: [] });
        return;
      case 'openLog':
        this.services.log.show(true);
        return;
      case 'openDocs':
        if (this.sends.sentDocs(message.url) || this.pipelineRuns.sentDocs(message.url)) {
          await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        } else {
          this.log.warn('Refused to open a link the panel was not given.');
        }
        return;
    }
  }

  private post(message: HostMessage): void {
    if (this.ready) {
      void this.panel.webview.postMessage(message);
    }
  }

  private settings(): PanelSettings {
    const config = vscode.workspace.getConfiguration();
    const protocol = config.get<string>(SETTINGS.defaultProtocol);
    return {
      historySize: clampSize(config.get<number>(SETTINGS.historySize, 20)),
      defaultProtocol: protocol === 'amqp' ? 'amqp' : 'rest',
      maxBodyBytes: SEND_PANEL_LIMITS.maxBodyBytes,
      maxCount: SEND_PANEL_LIMITS.maxCount,
      sampleBody: SAMPLE_EVENT_TEMPLATE,
    };
  }

  private async profileOptions(): Promise<ProfileOption[]> {
    return (await this.services.profiles.list()).map((p) => ({ id: p.id, name: p.name }));
  }

  /** The explicit choice if it still exists, else the saved one, else the first profile. */
  private pickSelected(profiles: readonly ProfileOption[]): string | undefined {
    const exists = (id: string | undefined): id is string => id !== undefined && profiles.some((p) => p.id === id);
    const saved = this.store.form()?.profileId;
    const chosen = exists(this.selectedProfileId) ? this.selectedProfileId : exists(saved) ? saved : profiles[0]?.id;
    this.selectedProfileId = chosen;
    return chosen;
  }

  private async postInit(): Promise<void> {
    const profiles = await this.profileOptions();
    const selected = this.pickSelected(profiles);
    const settings = this.settings();
    const form = this.store.form();
    const run = this.sends.view();
    this.post({
      type: 'init',
      profiles,
      ...(selected ? { selectedProfileId: selected } : {}),
      settings,
      ...(form ? { form } : {}),
      history: this.store.history(settings.historySize),
      ...(run ? { run } : {}),
    });
    this.pipelineRuns.postLatest();
  }

  private async postProfiles(): Promise<void> {
    const profiles = await this.profileOptions();
    const selected = this.pickSelected(profiles);
    this.post({ type: 'profiles', profiles, ...(selected ? { selectedProfileId: selected } : {}) });
    this.pipelineRuns.postLatest();
  }

  private async selectProfile(profileId: string, announce = true): Promise<void> {
    this.selectedProfileId = profileId;
    if (announce) {
      await this.postProfiles();
    } else {
      this.pipelineRuns.postLatest();
    }
  }
}
