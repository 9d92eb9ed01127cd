import * as vscode from 'vscode';
import type { UserInput } from './services';

/** The real prompts, over `vscode.window`. */
export class WindowUserInput implements UserInput {
  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return vscode.window.showInputBox(options);
  }
  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    return vscode.window.showQuickPick(items, { ...options, canPickMany: false });
  }
  async showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, options, ...items);
  }
  async showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    return vscode.window.showOpenDialog(options);
  }
  async showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    return vscode.window.showSaveDialog(options);
  }
}

/** What a scripted answer may be: a value, "dismiss" (undefined), or a function of the prompt. */
export type ScriptedAnswer = string | undefined | { readonly pick: string } | vscode.Uri | vscode.Uri[] | ((prompt: RecordedPrompt) => unknown);

export interface RecordedPrompt {
  readonly kind: 'inputBox' | 'quickPick' | 'warning' | 'openDialog' | 'saveDialog';
  /** Title, placeholder, prompt or message: whatever the user would read first. */
  readonly text: string;
  readonly options: unknown;
  /** Quick pick labels or message buttons. */
  readonly choices: readonly string[];
}

/**
 * Scriptable prompts for in-host tests (after Azure's TestUserInput): queue answers with `answer`,
 * read what was asked in `prompts`. An unscripted prompt fails loudly instead of hanging the test.
 * Quick picks are answered by label (`{ pick: 'label' }` or a plain string).
 */
export class TestUserInput implements UserInput {
  readonly prompts: RecordedPrompt[] = [];
  private readonly queue: ScriptedAnswer[] = [];

  answer(...answers: ScriptedAnswer[]): this {
    this.queue.push(...answers);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  private next(prompt: RecordedPrompt): unknown {
    this.prompts.push(prompt);
    if (this.queue.length === 0) {
      throw new Error(`TestUserInput: no scripted answer for ${prompt.kind} "${prompt.text}"`);
    }
    const answer = this.queue.shift();
    return typeof answer === 'function' ? answer(prompt) : answer;
  }

  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const a = this.next({ kind: 'inputBox', text: options.title ?? options.prompt ?? options.placeHolder ?? '', options, choices: [] });
    return Promise.resolve(asText(a));
  }

  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    const a = this.next({ kind: 'quickPick', text: options.title ?? options.placeHolder ?? '', options, choices: items.map((i) => i.label) });
    if (a === undefined) {
      return Promise.resolve(undefined);
    }
    const label = typeof a === 'object' && a !== null && 'pick' in a ? (a as { pick: string }).pick : (asText(a) ?? '');
    const found = items.find((i) => i.label === label);
    if (!found) {
      return Promise.reject(new Error(`TestUserInput: no quick pick item "${label}" among ${items.map((i) => i.label).join(', ')}`));
    }
    return Promise.resolve(found);
  }

  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Promise<string | undefined> {
    const a = this.next({ kind: 'warning', text: message, options, choices: items });
    return Promise.resolve(asText(a));
  }

  showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    const a = this.next({ kind: 'openDialog', text: options.title ?? '', options, choices: [] });
    return Promise.resolve(a === undefined ? undefined : Array.isArray(a) ? (a as vscode.Uri[]) : [a as vscode.Uri]);
  }

  showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    const a = this.next({ kind: 'saveDialog', text: options.title ?? '', options, choices: [] });
    return Promise.resolve(a as vscode.Uri | undefined);
  }
}

/**
 * The `UserInput` in `ExtensionServices`: delegates to the window, or to a test double the in-host
 * tests install through the extension's API (services are built once, so the delegate is swapped).
 */
export class SwitchableUserInput implements UserInput {
  constructor(private current: UserInput = new WindowUserInput()) {}

  use(input: UserInput | undefined): void {
    this.current = input ?? new WindowUserInput();
  }

  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return this.current.showInputBox(options);
  }
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    return this.current.showQuickPick(items, options);
  }
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Promise<string | undefined> {
    return this.current.showWarningMessage(message, options, ...items);
  }
  showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    return this.current.showOpenDialog(options);
  }
  showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    return this.current.showSaveDialog(options);
  }
}

function asText(answer: unknown): string | undefined {
  if (answer === undefined || answer === null) {
    return undefined;
  }
  return typeof answer === 'string' ? answer : JSON.stringify(answer);
}
