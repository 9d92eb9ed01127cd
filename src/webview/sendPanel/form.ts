/**
 * The send form's view: the profile picker, the body editor with its inserts and validation, the
 * pipeline parameters, custom properties, partition, protocol, count, rate and read back. The
 * draft it edits is data (draft.ts); its fields are built by fields.ts.
 */
import type { BodyProblem, CustomProperty, DraftForm, PartitionKind, ProfileOption, Protocol } from '../../shared/sendPanelProtocol';
import { SEND_PANEL_LIMITS } from '../../shared/sendPanelProtocol';
import { clear, formatBytes, h } from './dom';
import { label, radios, radioValue, setRadio, textfield } from './fields';

/** What changed: the body (and what renders it) needs a new validation; a profile pick is told to the host. */
export type ChangeKind = 'body' | 'profile' | 'other';

/** Generated values the body editor can insert at the cursor. */
const INSERTS: readonly { id: string; text: string; label: string }[] = [
  { id: 'insert-guid', text: '@{guid()}', label: 'uuid' },
  { id: 'insert-utcnow', text: '@{utcNow()}', label: 'timestamp' },
  { id: 'insert-rand', text: '@{rand(1,100)}', label: 'random number' },
  { id: 'insert-index', text: '@{eventIndex()}', label: 'event index' },
  { id: 'insert-runid', text: '@{pipeline().RunId}', label: 'run id' },
];

/**
 * The form. It owns its elements and reports every edit through `onChange`; the draft (body
 * included) is read back with `draft()` and kept by the caller in the webview's own state.
 */
export class SendFormView {
  readonly element: HTMLElement;
  private readonly profile = h('vscode-single-select', { id: 'profile', attrs: { 'data-testid': 'profile', 'aria-label': 'Profile' } });
  private readonly noProfiles = h('p', { id: 'no-profiles', className: 'muted', attrs: { hidden: true } }, 'No profile yet: add one in the Eventstream Flow view, or start the local sandbox.');
  private readonly body = h('vscode-textarea', { id: 'body', attrs: { 'data-testid': 'body', monospace: true, rows: '14', resize: 'vertical' } });
  private readonly bodyStatus = h('div', { id: 'body-status', className: 'body-status', attrs: { role: 'status', 'aria-live': 'polite', 'data-testid': 'body-status' } });
  private readonly preview = h('pre', { id: 'preview', className: 'preview', attrs: { 'data-testid': 'preview', tabindex: '0', 'aria-label': 'Preview of the first event' } });
  private readonly newParameter = textfield('new-parameter-name', 'New parameter name', { placeholder: 'parameter name', pattern: '[A-Za-z_][A-Za-z0-9_]*' });
  private readonly parameterRows = h('tbody', {});
  private readonly noParameters = h('p', { id: 'no-parameters', className: 'muted' }, 'The body uses no pipeline parameters.');
  private readonly contentType = textfield('content-type', 'Content type');
  private readonly propertyRows = h('tbody', {});
  private readonly partitionKind = radios<PartitionKind>('partition-kind', 'Partition', 'partitionKind', [
    ['none', 'Any partition'],
    ['key', 'Partition key'],
    ['id', 'Partition id'],
  ]);
  private readonly partitionValue = textfield('partition-value', 'Partition key or id', { maxlength: String(SEND_PANEL_LIMITS.maxPartitionKeyLength) });
  private readonly protocol = radios<Protocol>('protocol', 'Protocol', 'protocol', [
    ['rest', 'REST (HTTPS, like a pipeline Web activity)'],
    ['amqp', 'AMQP (like the Event Hubs SDKs)'],
  ]);
  private readonly count = textfield('count', 'Number of events', { type: 'number', min: String(SEND_PANEL_LIMITS.minCount), max: String(SEND_PANEL_LIMITS.maxCount), step: '1' });
  private readonly batch = h('vscode-checkbox', { id: 'batch', attrs: { 'data-testid': 'batch', label: 'Batch: pack the events into requests of up to 1 MiB' } });
  private readonly rate = textfield('rate', 'Events per second (optional)', { type: 'number', min: String(SEND_PANEL_LIMITS.minRate), max: String(SEND_PANEL_LIMITS.maxRate), step: '1', placeholder: 'as fast as possible' });
  private readonly readBack = h('vscode-checkbox', {
    id: 'read-back',
    attrs: { 'data-testid': 'read-back-option', label: "Read back: find the sent event on the profile's consumer group and show the end-to-end latency" },
  });
  private readonly formError = h('p', { id: 'form-error', className: 'form-error', attrs: { role: 'alert', 'data-testid': 'form-error' } });
  private parameterNames: readonly string[] = [];
  private parameterValues: Record<string, string> = {};

  constructor(private readonly onChange: (what: ChangeKind) => void) {
    this.body.label = 'Event body';
    this.body.spellcheck = false; // a boolean property: the attribute "false" would mean true
    this.preview.hidden = true;
    const inserts = h(
      'div',
      { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Insert a generated value' } },
      h('span', { className: 'muted' }, 'Insert:'),
      ...INSERTS.map(({ id, text, label: what }) => {
        const button = h('vscode-button', { id, attrs: { secondary: true, 'data-testid': id, title: `Insert ${text} (${what})` } }, text);
        button.addEventListener('click', () => this.insert(text));
        return button;
      }),
    );
    const insertParameter = h('vscode-button', { id: 'insert-parameter', attrs: { secondary: true, 'data-testid': 'insert-parameter' } }, 'Insert parameter');
    insertParameter.addEventListener('click', () => this.insertParameter());
    const addProperty = h('vscode-button', { id: 'add-property', attrs: { secondary: true, icon: 'add', 'data-testid': 'add-property' } }, 'Add property');
    addProperty.addEventListener('click', () => {
      this.addPropertyRow({ name: '', value: '' }, true);
      this.onChange('other');
    });

    this.element = h(
      'div',
      { className: 'send-form' },
      h('section', { attrs: { 'aria-labelledby': 'h-profile' } }, h('h2', { id: 'h-profile' }, 'Profile'), label('profile', 'Connection profile'), this.profile, this.noProfiles),
      h(
        'section',
        { attrs: { 'aria-labelledby': 'h-body' } },
        h('h2', { id: 'h-body' }, 'Event body'),
        h('p', { className: 'muted' }, 'Written as in a pipeline Web activity: expressions like @{pipeline().parameters.NAME} are substituted per event.'),
        inserts,
        h('div', { className: 'toolbar' }, label('new-parameter-name', 'Parameter'), this.newParameter, insertParameter),
        label('body', 'Body (JSON for JSON content types; Ctrl+Enter sends)'),
        this.body,
        this.bodyStatus,
        h('details', { className: 'preview-box' }, h('summary', {}, 'Preview of the first event'), this.preview),
      ),
      h(
        'section',
        { attrs: { 'aria-labelledby': 'h-parameters' } },
        h('h2', { id: 'h-parameters' }, 'Pipeline parameters'),
        h('p', { className: 'muted' }, 'The values the parent pipeline passes; listed from the body.'),
        h('table', { id: 'parameters', className: 'grid', attrs: { 'data-testid': 'parameters' } }, h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Name'), h('th', { attrs: { scope: 'col' } }, 'Value'))), this.parameterRows),
        this.noParameters,
      ),
      h(
        'section',
        { attrs: { 'aria-labelledby': 'h-options' } },
        h('h2', { id: 'h-options' }, 'Event options'),
        h('div', { className: 'field' }, label('content-type', 'Content type'), this.contentType),
        h(
          'div',
          { className: 'field' },
          h('span', { className: 'field-label', id: 'properties-label' }, 'Custom properties'),
          h('table', { id: 'properties', className: 'grid', attrs: { 'data-testid': 'properties', 'aria-labelledby': 'properties-label' } }, h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Name'), h('th', { attrs: { scope: 'col' } }, 'Value'), h('th', { attrs: { scope: 'col' } }, h('span', { className: 'visually-hidden' }, 'Remove')))), this.propertyRows),
          addProperty,
        ),
        h('div', { className: 'field' }, h('span', { className: 'field-label' }, 'Partition'), this.partitionKind, this.partitionValue),
        h('div', { className: 'field' }, h('span', { className: 'field-label' }, 'Protocol'), this.protocol),
        h('div', { className: 'field row' }, h('div', {}, label('count', 'Count'), this.count), h('div', {}, label('rate', 'Rate (events/s)'), this.rate), this.batch),
        h('div', { className: 'field' }, this.readBack),
      ),
      this.formError,
    );

    for (const el of [this.contentType, this.partitionValue, this.count, this.rate]) {
      el.addEventListener('input', () => this.onChange('other'));
    }
    this.body.addEventListener('input', () => this.onChange('body'));
    this.contentType.addEventListener('input', () => this.onChange('body'));
    this.profile.addEventListener('change', () => this.onChange('profile'));
    for (const el of [this.partitionKind, this.protocol, this.batch, this.readBack]) {
      el.addEventListener('change', () => {
        this.syncPartition();
        this.onChange('other');
      });
    }
  }

  setProfiles(profiles: readonly ProfileOption[], selected: string | undefined): void {
    clear(this.profile);
    for (const p of profiles) {
      this.profile.appendChild(h('vscode-option', { attrs: { value: p.id, selected: p.id === selected } }, p.name));
    }
    this.noProfiles.hidden = profiles.length > 0;
    this.profile.toggleAttribute('disabled', profiles.length === 0);
    if (selected) {
      // Options register on slotchange; set the value once they have.
      this.profile.value = selected;
      requestAnimationFrame(() => {
        this.profile.value = selected;
      });
    }
  }

  selectedProfile(): string {
    return this.profile.value;
  }

  setDraft(draft: DraftForm): void {
    this.body.value = draft.body;
    this.parameterValues = { ...draft.parameters };
    this.contentType.value = draft.contentType;
    clear(this.propertyRows);
    for (const p of draft.properties) {
      this.addPropertyRow(p, false);
    }
    setRadio(this.partitionKind, draft.partitionKind);
    this.partitionValue.value = draft.partitionValue;
    setRadio(this.protocol, draft.protocol);
    this.count.value = draft.count;
    this.batch.checked = draft.batch;
    this.rate.value = draft.rate ?? '';
    this.readBack.checked = draft.readBack === true;
    this.syncPartition();
    this.renderParameters();
  }

  draft(): DraftForm {
    this.captureParameterValues();
    return {
      profileId: this.profile.value,
      body: this.body.value,
      parameters: { ...this.parameterValues },
      contentType: this.contentType.value,
      properties: [...this.propertyRows.querySelectorAll('tr')].map((row) => {
        const [name, value] = row.querySelectorAll('vscode-textfield');
        return { name: name?.value ?? '', value: value?.value ?? '' };
      }),
      partitionKind: radioValue<PartitionKind>(this.partitionKind, 'none'),
      partitionValue: this.partitionValue.value,
      protocol: radioValue<Protocol>(this.protocol, 'rest'),
      count: this.count.value,
      batch: this.batch.checked,
      ...(this.rate.value.trim() ? { rate: this.rate.value } : {}),
      ...(this.readBack.checked ? { readBack: true } : {}),
    };
  }

  usedParameters(): readonly string[] {
    return this.parameterNames;
  }

  /** Shows the host's verdict on the body: valid with its size, or the problem with line and column. */
  setBodyValidation(ok: boolean, parameters: readonly string[], bytes: number | undefined, preview: string | undefined, problem: BodyProblem | undefined): void {
    this.bodyStatus.dataset.valid = String(ok);
    this.body.invalid = !ok;
    clear(this.bodyStatus);
    if (ok) {
      this.bodyStatus.append(h('span', { className: 'codicon codicon-pass', attrs: { 'aria-hidden': 'true' } }), ` Valid${bytes === undefined ? '' : `, ${formatBytes(bytes)} per event`}`);
    } else if (problem) {
      const where = problem.line === undefined ? '' : ` (line ${problem.line}, column ${problem.column ?? 1})`;
      this.bodyStatus.append(
        h('span', { className: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }),
        h('span', { attrs: { 'data-testid': 'body-error' } }, ` ${problem.message}${where}`),
        h('div', { className: 'muted' }, problem.fix),
      );
    }
    this.preview.textContent = preview ?? '';
    this.preview.hidden = preview === undefined;
    if (parameters.join('\n') !== this.parameterNames.join('\n')) {
      this.captureParameterValues();
      this.parameterNames = parameters;
      // Keep only the values of parameters the body still uses (the protocol caps how many are sent).
      this.parameterValues = Object.fromEntries(parameters.map((n) => [n, this.parameterValues[n] ?? '']));
      this.renderParameters();
    }
  }

  showError(message: string, focus?: string): void {
    this.formError.textContent = message;
    if (focus) {
      document.getElementById(focus)?.focus();
    }
  }

  /** Ctrl/Cmd+Enter in the body sends. */
  onSubmitShortcut(handler: () => void): void {
    this.body.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        handler();
      }
    });
  }

  private syncPartition(): void {
    const kind = radioValue<PartitionKind>(this.partitionKind, 'none');
    // No box while "Any partition" is chosen: there is nothing to type.
    this.partitionValue.hidden = kind === 'none';
    this.partitionValue.disabled = kind === 'none';
    this.partitionValue.placeholder = kind === 'id' ? 'e.g. 0' : kind === 'key' ? 'e.g. device-42 (at most 128 characters)' : '';
    this.partitionValue.label = kind === 'id' ? 'Partition id' : 'Partition key';
  }

  private insert(text: string): void {
    const area: HTMLTextAreaElement | undefined = this.body.wrappedElement; // undefined before first render
    const value = this.body.value;
    const start = area?.selectionStart ?? value.length;
    const end = area?.selectionEnd ?? value.length;
    this.body.value = value.slice(0, start) + text + value.slice(end);
    if (area) {
      area.focus();
      area.setSelectionRange(start + text.length, start + text.length);
    }
    this.onChange('body');
  }

  private insertParameter(): void {
    const name = this.newParameter.value.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      this.showError('A parameter name starts with a letter or _ and has only letters, digits and _.', 'new-parameter-name');
      return;
    }
    this.showError('');
    this.insert(`@{pipeline().parameters.${name}}`);
  }

  private captureParameterValues(): void {
    for (const row of this.parameterRows.querySelectorAll<HTMLTableRowElement>('tr[data-parameter]')) {
      const field = row.querySelector('vscode-textfield');
      if (field && row.dataset.parameter) {
        this.parameterValues[row.dataset.parameter] = field.value;
      }
    }
  }

  private renderParameters(): void {
    clear(this.parameterRows);
    this.noParameters.hidden = this.parameterNames.length > 0;
    for (const name of this.parameterNames) {
      const id = `parameter-${name}`;
      const field = textfield(id, `Value of pipeline parameter ${name}`);
      field.value = this.parameterValues[name] ?? '';
      field.addEventListener('input', () => this.onChange('body'));
      this.parameterRows.appendChild(h('tr', { attrs: { 'data-parameter': name } }, h('th', { attrs: { scope: 'row' } }, h('code', {}, name)), h('td', {}, field)));
    }
  }

  private addPropertyRow(p: CustomProperty, focus: boolean): void {
    const index = this.propertyRows.children.length;
    const name = textfield(`property-name-${index}`, `Property ${index + 1} name`, { placeholder: 'name' });
    const value = textfield(`property-value-${index}`, `Property ${index + 1} value`, { placeholder: 'value' });
    name.value = p.name;
    value.value = p.value;
    const remove = h('vscode-button', { attrs: { secondary: true, icon: 'trash', 'icon-only': true, 'aria-label': `Remove property ${index + 1}`, title: 'Remove' } });
    const row = h('tr', { attrs: { 'data-property-row': String(index) } }, h('td', {}, name), h('td', {}, value), h('td', {}, remove));
    remove.addEventListener('click', () => {
      row.remove();
      this.onChange('other');
    });
    for (const f of [name, value]) {
      f.addEventListener('input', () => this.onChange('other'));
    }
    this.propertyRows.appendChild(row);
    if (focus) {
      name.focus();
    }
  }
}
