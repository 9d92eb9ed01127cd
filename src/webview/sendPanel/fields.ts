/**
 * The form's field builders: labels, text fields and radio groups made of the VS Code webview
 * elements, each with its test id, and reading and setting a radio group's value.
 */
import type { VscodeRadioGroup } from '@vscode-elements/elements/dist/vscode-radio-group/vscode-radio-group.js';
import { h } from './dom';

export function label(forId: string, text: string): HTMLElement {
  return h('vscode-label', { attrs: { for: forId } }, text);
}

export function textfield(id: string, ariaLabel: string, attrs: Record<string, string | boolean | undefined> = {}): HTMLElementTagNameMap['vscode-textfield'] {
  const field = h('vscode-textfield', { id, attrs: { 'data-testid': id, ...attrs } });
  field.label = ariaLabel;
  return field;
}

export function radios<T extends string>(id: string, ariaLabel: string, name: string, options: readonly [T, string][]): VscodeRadioGroup {
  const group = h('vscode-radio-group', { id, attrs: { 'data-testid': id, 'aria-label': ariaLabel } });
  for (const [value, text] of options) {
    group.appendChild(h('vscode-radio', { id: `${id}-${value}`, attrs: { name, value, label: text, 'data-testid': `${id}-${value}` } }));
  }
  return group;
}

export function radioValue<T extends string>(group: HTMLElement, fallback: T): T {
  const checked = [...group.querySelectorAll('vscode-radio')].find((r) => r.checked);
  return (checked?.value as T | undefined) ?? fallback;
}

export function setRadio(group: HTMLElement, value: string): void {
  for (const r of group.querySelectorAll('vscode-radio')) {
    r.checked = r.value === value;
  }
}
