import type { VscodeRadioGroup } from '@vscode-elements/elements/dist/vscode-radio-group/vscode-radio-group.js';
import type {
  BodyProblem,
  CustomProperty,
  DraftForm,
  PartitionKind,
  PersistedForm,
  ProfileOption,
  Protocol,
  SendForm,
} from '../../shared/sendPanelProtocol';
import { countProblem, rateProblem, SEND_PANEL_LIMITS } from '../../shared/sendPanelProtocol';
import { clear, formatBytes, h } from './dom';

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

export function defaultDraft(sampleBody: string, protocol: Protocol): DraftForm {
  return {
    profileId: '',
    body: sampleBody,
    parameters: {},
    contentType: 'application/json',
    properties: [],
    partitionKind: 'none',
    partitionValue: '',
    protocol,
    count: '1',
    batch: true,
  };
}

/** A new draft from the settings the host kept for this workspace (names only, no values). */
export function draftFromPersisted(form: PersistedForm, sampleBody: string): DraftForm {
  return {
    profileId: form.profileId ?? '',
    body: sampleBody,
    parameters: Object.fromEntries(form.parameterNames.map((n) => [n, ''])),
    contentType: form.contentType,
    properties: form.propertyNames.map((name) => ({ name, value: '' })),
    partitionKind: form.partitionKind,
    partitionValue: '',
    protocol: form.protocol,
    count: String(form.count),
    batch: form.batch,
    ...(form.readBack ? { readBack: true } : {}),
  };
}

/** What the host may keep: no body, no parameter or property values, no partition value. */
export function toPersisted(draft: DraftForm): PersistedForm | undefined {
  if (countProblem(draft.count) || !draft.contentType.trim()) {
    return undefined;
  }
  const count = Number(draft.count);
  return {
    ...(draft.profileId ? { profileId: draft.profileId } : {}),
    contentType: draft.contentType.trim(),
    protocol: draft.protocol,
    count,
    batch: draft.batch,
    ...(draft.readBack ? { readBack: true } : {}),
    partitionKind: draft.partitionKind,
    parameterNames: Object.keys(draft.parameters).slice(0, SEND_PANEL_LIMITS.maxParameters),
    propertyNames: draft.properties.map((p) => p.name.trim()).filter((n) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n)),
  };
}

/** Checks the draft the way the host will, so common mistakes are shown next to the field at once. */
export function toSendForm(draft: DraftForm, usedParameters: readonly string[]): { form: SendForm } | { error: string; focus: string } {
  if (!draft.profileId) {
    return { error: 'Choose a profile.', focus: 'profile' };
  }
  if (!draft.body.trim()) {
    return { error: 'Enter an event body.', focus: 'body' };
  }
  // The host's check and wording (the CLI's --count range).
  const badCount = countProblem(draft.count);
  if (badCount) {
    return { error: `${badCount.message} ${badCount.fix}`, focus: 'count' };
  }
  const count = Number(draft.count);
  const rateText = draft.rate?.trim() ?? '';
  if (rateText) {
    const badRate = rateProblem(rateText);
    if (badRate) {
      return { error: `${badRate.message} ${badRate.fix}`, focus: 'rate' };
    }
    if (!draft.batch) {
      return { error: 'A rate paces a batch send: check "Batch", or clear the rate.', focus: 'rate' };
    }
  }
  const properties: CustomProperty[] = [];
  for (const p of draft.properties) {
    const name = p.name.trim();
    if (!name && !p.value) {
      continue; // an empty row is ignored
    }
    if (!name) {
      return { error: 'Every custom property needs a name.', focus: 'properties' };
    }
    properties.push({ name, value: p.value });
  }
  const value = draft.partitionValue.trim();
  if (draft.partitionKind !== 'none' && !value) {
    return { error: `Enter a partition ${draft.partitionKind}, or choose "Any partition".`, focus: 'partition-value' };
  }
  if (draft.partitionKind === 'key' && value.length > SEND_PANEL_LIMITS.maxPartitionKeyLength) {
    return { error: `A partition key has at most ${SEND_PANEL_LIMITS.maxPartitionKeyLength} characters.`, focus: 'partition-value' };
  }
  if (draft.partitionKind === 'id' && !/^\d{1,16}$/.test(value)) {
    return { error: 'A partition id is a number such as 0 or 1.', focus: 'partition-value' };
  }
  const parameters: Record<string, string> = {};
  for (const name of usedParameters) {
    parameters[name] = draft.parameters[name] ?? '';
  }
  return {
    form: {
      profileId: draft.profileId,
      body: draft.body,
      parameters,
      contentType: draft.contentType.trim(),
      properties,
      partition: draft.partitionKind === 'none' ? { kind: 'none' } : { kind: draft.partitionKind, value },
      protocol: draft.protocol,
      count,
      batch: draft.batch,
      ...(rateText ? { rate: Number(rateText) } : {}),
      ...(draft.readBack ? { readBack: true } : {}),
    },
  };
}

function label(forId: string, text: string): HTMLElement {
  return h('vscode-label', { attrs: { for: forId } }, text);
}

function textfield(id: string, ariaLabel: string, attrs: Record<string, string | boolean | undefined> = {}): HTMLElementTagNameMap['vscode-textfield'] {
  const field = h('vscode-textfield', { id, attrs: { 'data-testid': id, ...attrs } });
  field.label = ariaLabel;
  return field;
}

function radios<T extends string>(id: string, ariaLabel: string, name: string, options: readonly [T, string][]): VscodeRadioGroup {
  const group = h('vscode-radio-group', { id, attrs: { 'data-testid': id, 'aria-label': ariaLabel } });
  for (const [value, text] of options) {
    group.appendChild(h('vscode-radio', { id: `${id}-${value}`, attrs: { name, value, label: text, 'data-testid': `${id}-${value}` } }));
  }
  return group;
}

function radioValue<T extends string>(group: HTMLElement, fallback: T): T {
  const checked = [...group.querySelectorAll('vscode-radio')].find((r) => r.checked);
  return (checked?.value as T | undefined) ?? fallback;
}

function setRadio(group: HTMLElement, value: string): void {
  for (const r of group.querySelectorAll('vscode-radio')) {
    r.checked = r.value === value;
  }
}

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
