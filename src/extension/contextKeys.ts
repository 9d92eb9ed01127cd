import * as vscode from 'vscode';
import type { ContextKeys } from './constants';

/** `setContext` with the key's value type checked against `ContextKeys`. */
export function setContext<K extends keyof ContextKeys>(key: K, value: ContextKeys[K]): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
