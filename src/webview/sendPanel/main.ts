/**
 * The send-event panel's webview. It never talks to Azure (CSP `connect-src 'none'`): it builds a
 * form, asks the host to check and send, and draws what the host reports. It says `ready` first;
 * the host answers with `init`. The draft lives in `setState`, so hiding the panel loses nothing.
 */
// Only the components used here, each registering its custom element.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  isHostMessage,
  pipelineRunOf,
  parsePanelState,
  type DraftForm,
  type HistoryEntry,
  type HostMessage,
  type PanelSettings,
  type SendOutcome,
} from '../../shared/sendPanelProtocol';
import { debounce, h } from './dom';
import { defaultDraft, draftFromPersisted, toPersisted, toSendForm } from './draft';
import { type ChangeKind, SendFormView } from './form';
import { renderHistory } from './history';
import { PipelineTimeline } from './pipelineTimeline';
import { renderProgress, renderResult, Timeline } from './timeline';
import { vscode } from './vscodeApi';

class App {
  private readonly form = new SendFormView((what) => this.changed(what));
  private readonly timeline = new Timeline((url) => vscode.postMessage({ type: 'openDocs', url }));
  private readonly result = h('div', { id: 'result', className: 'result', attrs: { 'data-testid': 'result', role: 'status', 'aria-live': 'polite', hidden: true } });
  private readonly history = h('ol', { id: 'history', className: 'history', attrs: { 'data-testid': 'history', 'aria-label': 'Recent sends' } });
  private readonly historyEmpty = h('p', { id: 'history-empty', className: 'muted' }, 'No sends yet.');
  private readonly sendButton = h('vscode-button', { id: 'send', attrs: { icon: 'send', 'data-testid': 'send' } }, 'Send');
  private readonly cancelButton = h('vscode-button', { id: 'cancel', attrs: { secondary: true, icon: 'stop-circle', disabled: true, 'data-testid': 'cancel' } }, 'Cancel');
  private readonly pipeline = new PipelineTimeline((url) => vscode.postMessage({ type: 'openDocs', url }));
  private readonly timelineSection = h(
    'section',
    { id: 'flow', className: 'flow', attrs: { 'aria-labelledby': 'h-timeline', 'data-testid': 'flow' } },
    h('h2', { id: 'h-timeline' }, 'Flow'),
    this.timeline.progress,
    this.timeline.list,
    this.result,
  );
  private settings: PanelSettings | undefined;
  private validationSeq = 0;
  private running = false;
  private initialised = false;

  private readonly requestValidation = debounce(() => this.validate(), 250);
  private readonly saveState = debounce(() => this.persist(), 200);
  private readonly saveForm = debounce(() => {
    const persisted = toPersisted(this.form.draft());
    if (persisted) {
      vscode.postMessage({ type: 'saveForm', form: persisted });
    }
  }, 1000);

  mount(root: HTMLElement): void {
    const openLog = h('vscode-button', { id: 'open-log', attrs: { secondary: true, icon: 'output', 'data-testid': 'open-log' } }, 'Show log');
    openLog.addEventListener('click', () => vscode.postMessage({ type: 'openLog' }));
    const clearHistory = h('vscode-button', { id: 'clear-history', attrs: { secondary: true, icon: 'clear-all', 'data-testid': 'clear-history' } }, 'Clear history');
    clearHistory.addEventListener('click', () => vscode.postMessage({ type: 'clearHistory' }));
    this.sendButton.addEventListener('click', () => this.send());
    this.cancelButton.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
    this.form.onSubmitShortcut(() => this.send());

    // Request | response: two columns on a wide panel, one below the other on a narrow one
    // (media/sendPanel.css, a container query on the layout's width).
    root.replaceChildren(
      h('header', { className: 'header' }, h('h1', {}, 'Send events'), openLog),
      h(
        'div',
        { id: 'layout', className: 'layout', attrs: { 'data-testid': 'layout' } },
        h('div', { id: 'request', className: 'column request', attrs: { 'data-testid': 'request', role: 'region', 'aria-label': 'Request' } }, this.form.element, h('div', { className: 'actions' }, this.sendButton, this.cancelButton)),
        h(
          'div',
          { id: 'response', className: 'column response', attrs: { 'data-testid': 'response', role: 'region', 'aria-label': 'Response' } },
          this.timelineSection,
          this.pipeline.element,
          h('section', { attrs: { 'aria-labelledby': 'h-history' } }, h('div', { className: 'section-head' }, h('h2', { id: 'h-history' }, 'Recent sends'), clearHistory), this.history, this.historyEmpty),
        ),
      ),
    );
    root.removeAttribute('aria-busy');
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isHostMessage(event.data)) {
        this.receive(event.data);
      }
    });
    vscode.postMessage({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'init': {
        this.settings = message.settings;
        const saved = parsePanelState(vscode.getState());
        const draft: DraftForm = saved?.draft ?? (message.form ? draftFromPersisted(message.form, message.settings.sampleBody) : defaultDraft(message.settings.sampleBody, message.settings.defaultProtocol));
        this.form.setDraft(draft);
        this.form.setProfiles(message.profiles, message.selectedProfileId);
        this.showHistory(message.history);
        const run = message.run;
        if (run) {
          this.timeline.reset(run.request, run.requests);
          run.stages.forEach((s) => this.timeline.update(s));
          if (run.readBack) {
            this.timeline.updateReadBack(run.readBack);
          }
          renderResult(this.result, run.result);
        }
        this.setRunning(run?.running ?? false);
        this.initialised = true;
        this.validate();
        return;
      }
      case 'profiles':
        this.form.setProfiles(message.profiles, message.selectedProfileId);
        this.saveState();
        return;
      case 'runStarted':
        this.timeline.reset(message.request, message.requests);
        this.setRunning(true);
        return;
      case 'flowEvent':
        this.timeline.update(message.event);
        return;
      case 'sendProgress':
        renderProgress(this.result, message.progress);
        return;
      case 'readBack':
        this.timeline.updateReadBack(message.view);
        return;
      case 'sendResult':
        this.showResult(message.result);
        return;
      case 'bodyValidation':
        if (message.requestId === `v${this.validationSeq}`) {
          this.form.setBodyValidation(message.ok, message.parameters, message.bytes, message.preview, message.problem);
        }
        return;
      case 'history':
        this.showHistory(message.entries);
        return;
      case 'pipelineRun': {
        // Checked field by field: a malformed run is dropped, the panel keeps what it shows.
        const checked = pipelineRunOf(message);
        if (checked) {
          this.pipeline.show(checked.run);
        }
        return;
      }
    }
  }

  private changed(what: ChangeKind): void {
    if (!this.initialised) {
      return;
    }
    this.form.showError('');
    this.saveState();
    this.saveForm();
    if (what === 'body') {
      this.requestValidation();
    } else if (what === 'profile' && this.form.selectedProfile()) {
      vscode.postMessage({ type: 'pickProfile', profileId: this.form.selectedProfile() });
    }
  }

  private validate(): void {
    const draft = this.form.draft();
    this.validationSeq++;
    const limit = this.settings?.maxBodyBytes ?? 1_048_576;
    if (draft.body.length > limit) {
      this.form.setBodyValidation(false, [], undefined, undefined, { message: `The body is over ${limit} bytes (1 MiB).`, fix: 'Make it smaller.' });
      return;
    }
    const contentType = draft.contentType.trim();
    vscode.postMessage({
      type: 'validateBody',
      requestId: `v${this.validationSeq}`,
      body: draft.body,
      parameters: draft.parameters,
      ...(/^[^\s/]+\/[^\s/]+/.test(contentType) ? { contentType } : {}),
    });
  }

  private persist(): void {
    vscode.setState({ version: 1, draft: this.form.draft() });
  }

  private send(): void {
    if (this.running) {
      return;
    }
    const checked = toSendForm(this.form.draft(), this.form.usedParameters());
    if ('error' in checked) {
      this.form.showError(checked.error, checked.focus);
      return;
    }
    this.form.showError('');
    renderResult(this.result, undefined);
    this.timeline.reset();
    this.setRunning(true);
    this.persist();
    vscode.postMessage({ type: 'send', form: checked.form });
    this.revealTimeline();
  }

  /** After Send the timeline is what matters: bring it into view (a narrow panel stacks it below the form). */
  private revealTimeline(): void {
    const top = this.timelineSection.getBoundingClientRect().top;
    // Side by side (or already scrolled there) the timeline's head is in view: leave the page be.
    if (top >= 0 && top <= window.innerHeight - 80) {
      return;
    }
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.timelineSection.scrollIntoView({ block: 'start', behavior: reduced ? 'auto' : 'smooth' });
  }

  private showResult(result: SendOutcome): void {
    this.setRunning(false);
    renderResult(this.result, result);
    if (result.status === 'refused' && result.message) {
      this.form.showError(`${result.message} ${result.fix ?? ''}`.trim());
    }
  }

  private showHistory(entries: readonly HistoryEntry[]): void {
    renderHistory(this.history, this.historyEmpty, entries);
  }

  private setRunning(running: boolean): void {
    this.running = running;
    this.sendButton.disabled = running;
    this.sendButton.icon = running ? 'loading' : 'send';
    this.sendButton.iconSpin = running;
    this.cancelButton.disabled = !running;
    document.body.dataset.running = String(running);
  }
}

const root = document.getElementById('app');
if (root) {
  new App().mount(root);
}
