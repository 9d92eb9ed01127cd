// Shared helpers for the in-host tests: the extension's API, the sandbox, tree lookups, polling,
// a notification spy and the log file.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/tree/treeNode';
import type { Sandbox } from '../../../src/sandbox/types';

export const EXTENSION_ID = 'eventstream-flow.eventstream-flow';
/** The sandbox profile's fixed id and name (src/extension/sandboxManager.ts). */
export const SANDBOX_PROFILE_ID = 'local-sandbox';
export const SANDBOX_PROFILE_NAME = 'Local sandbox';
export const LOG_CHANNEL_NAME = 'Eventstream Flow';

export function extension(): vscode.Extension<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded as the extension under development`);
  return ext;
}

export async function getApi(): Promise<ExtensionApi> {
  const api = await extension().activate();
  assert.ok(api?.services && api.tree && api.testing, 'activate() returns { services, tree, testing }');
  return api;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a truthy value (tree and tab state reach the host a moment later). */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      assert.fail(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await sleep(150);
  }
}

/** Starts the sandbox through its command (idempotent) and returns it. */
export async function ensureSandbox(api: ExtensionApi): Promise<Sandbox> {
  if (!api.services.sandbox.current) {
    await vscode.commands.executeCommand('eventstreamFlow.startSandbox');
  }
  const sandbox = api.services.sandbox.current;
  assert.ok(sandbox, 'the sandbox is running after eventstreamFlow.startSandbox');
  return sandbox;
}

/** Drops cached tokens and listings (what the Refresh command does) and clears sandbox faults. */
/** Sets (or with undefined, clears) VS Code's user-level http.proxy, as a user would in Settings. */
export async function setHttpProxy(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('http').update('proxy', value, vscode.ConfigurationTarget.Global);
}

export async function freshState(api: ExtensionApi): Promise<void> {
  api.services.sandbox.current?.faults.clear();
  await vscode.commands.executeCommand('eventstreamFlow.refresh');
}

export async function rootNodes(api: ExtensionApi): Promise<TreeNode[]> {
  return api.tree.getChildren();
}

export async function sandboxProfileNode(api: ExtensionApi): Promise<TreeNode> {
  const roots = await rootNodes(api);
  const node = roots.find((n) => n.id === `profile/${SANDBOX_PROFILE_ID}`);
  assert.ok(node, `a root node for the sandbox profile among ${roots.map((r) => r.id).join(', ')}`);
  return node;
}

/** The sandbox profile's children (stages, vault, endpoint): builds them so `tree.find` knows them. */
export async function sandboxChildren(api: ExtensionApi): Promise<TreeNode[]> {
  return (await sandboxProfileNode(api)).getChildren();
}

export async function childById(parent: TreeNode, id: string): Promise<TreeNode> {
  const kids = await parent.getChildren();
  const found = kids.find((k) => k.id === id);
  assert.ok(found, `child ${id} of ${parent.id} among ${kids.map((k) => k.id).join(', ')}`);
  return found;
}

export function flags(item: vscode.TreeItem): string[] {
  return (item.contextValue ?? '').split(';');
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

export function tooltipText(item: vscode.TreeItem): string {
  const t = item.tooltip;
  return typeof t === 'string' ? t : (t?.value ?? '');
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

export interface Shown {
  readonly kind: 'error' | 'warning' | 'information';
  readonly message: string;
}

/**
 * Records every showErrorMessage / showWarningMessage / showInformationMessage. The tests are
 * loaded from inside the extension's folder, so `vscode` here is the extension's own API object
 * and the spy sees the extension's calls (a test checks the spy itself with a failing command).
 */
export function spyNotifications(): { readonly shown: Shown[]; restore(): void } {
  const win = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const shown: Shown[] = [];
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, kind] of [
    ['showErrorMessage', 'error'],
    ['showWarningMessage', 'warning'],
    ['showInformationMessage', 'information'],
  ] as const) {
    const original = win[name];
    assert.ok(original);
    originals.set(name, original);
    win[name] = (...args: unknown[]) => {
      shown.push({ kind, message: String(args[0]) });
      // Never block on a notification: resolve as if dismissed.
      return Promise.resolve(undefined);
    };
  }
  return {
    shown,
    restore: () => {
      for (const [name, original] of originals) {
        win[name] = original;
      }
    },
  };
}

function findFiles(dir: string, name: string, depth = 0): string[] {
  if (depth > 6 || !existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    let isDir = false;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      continue;
    }
    if (isDir) {
      out.push(...findFiles(full, name, depth + 1));
    } else if (entry === name || entry.endsWith(`-${name}`)) {
      out.push(full);
    }
  }
  return out;
}

/**
 * The log channel's file: a LogOutputChannel writes `<name>.log` under the extension host's logs
 * folder (`context.logUri` is `<exthost logs>/<extension id>`). Polls until it contains `marker`.
 */
export async function readLog(api: ExtensionApi, marker?: string): Promise<string> {
  const logUri = api.services.context.logUri;
  const roots = [logUri.fsPath, path.dirname(logUri.fsPath), path.dirname(path.dirname(logUri.fsPath))];
  return waitFor(
    () => {
      for (const dir of roots) {
        const files = findFiles(dir, `${LOG_CHANNEL_NAME}.log`);
        const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
        if (text && (!marker || text.includes(marker))) {
          return text;
        }
      }
      return '';
    },
    `the "${LOG_CHANNEL_NAME}" log file under ${roots[2]}${marker ? ` to contain "${marker}"` : ''}`,
    20_000,
  );
}

export function writeArtifact(name: string, content: string): void {
  const dir = process.env.ESF_TEST_RESULTS;
  if (dir) {
    writeFileSync(path.join(dir, name), content);
  }
}
