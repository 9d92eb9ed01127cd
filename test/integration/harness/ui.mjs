// Browser-driven UI tests of the VS Code workbench (code-server 4.139.1), as a
// person would use it: install a VSIX offline, open the workbench in headless
// Chromium, click through it with playwright-core. See README.md beside this file.
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, RESULTS_DIR, makeSandboxDirs, installVsix, startCodeServer } from './codeServer.mjs';
import { launchBrowser, collectConsole } from './browser.mjs';

const execFileP = promisify(execFile);
export const UI_RESULTS = path.join(RESULTS_DIR, 'ui');
/** This process's artifacts: test-results/ui/<folder>-<test file name>/, e.g. hello-ui (node --test runs each file in its own process). */
export const ARTIFACTS = path.join(UI_RESULTS, artifactsName(process.argv[1]));

/** test-results/ui/ subfolder name for a UI test file: <parent folder>-<name without .test.mjs>. */
export function artifactsName(file) {
  if (!file) {return 'ui';}
  const base = path.basename(file).replace(/(\.test)?\.[cm]?[jt]s$/, '');
  return `${path.basename(path.dirname(file))}-${base}`.replace(/[^\w.-]+/g, '_');
}

/**
 * Package an extension folder into a VSIX with the repo's own vsce (offline).
 * Runs `vscode:prepublish` if the extension has one (vsce does that itself).
 * @param {string} extensionDir
 * @param {string} [outFile] default test-results/ui/<name>.vsix
 * @returns {Promise<string>} the VSIX path
 */
export async function packageVsix(extensionDir, outFile) {
  const pkg = JSON.parse(await fsp.readFile(path.join(extensionDir, 'package.json'), 'utf8'));
  const out = path.resolve(outFile ?? path.join(ARTIFACTS, `${pkg.name}-${pkg.version}.vsix`));
  await fsp.mkdir(path.dirname(out), { recursive: true });
  // Use the repo's vsce by path: `npx` from inside a folder with its own package.json
  // would not find it and would try to fetch it instead.
  const vsce = path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-update-package-json', '-o', out];
  try {
    await execFileP(process.execPath, args, { cwd: extensionDir, timeout: 180_000, maxBuffer: 32 << 20 });
  } catch (e) {
    throw new Error(`vsce package failed in ${extensionDir}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
  return out;
}

/**
 * Start code-server (no payload), install VSIX(es) offline, open the workbench.
 *
 * @param {object} [o]
 * @param {string|string[]} [o.vsix] VSIX file(s) to install into a fresh extensions dir
 * @param {string} [o.folder] workspace folder to open (default: an empty throwaway folder)
 * @param {Record<string,string>} [o.env] environment for code-server / the extension host
 * @param {Record<string,unknown>} [o.settings] user settings (merged over the quiet defaults)
 * @param {{width:number,height:number}} [o.viewport] default 1400×900
 * @param {number} [o.readyTimeoutMs=90000]
 * @returns {Promise<{ page: import('playwright-core').Page, context: import('playwright-core').BrowserContext,
 *   origin: string, folder: string, dirs: object, consoleErrors: string[], stop(): Promise<void> }>}
 */
export async function startWorkbench(o = {}) {
  const t0 = Date.now();
  const dirs = await makeSandboxDirs();
  const folder = o.folder ? path.resolve(o.folder) : path.join(dirs.base, 'workspace');
  await fsp.mkdir(folder, { recursive: true });
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  let server;
  let browser;
  let console_ = { lines: [], errors: [] };
  let stopped = false;
  const stop = async () => {
    if (stopped) {return;}
    stopped = true;
    // The state at the end (the last step of a failed test, usually).
    if (browser) {await screenshot(browser.page, 'at-stop').catch(() => {});}
    await fsp.writeFile(path.join(ARTIFACTS, 'browser-console.log'), console_.lines.join('\n') + '\n').catch(() => {});
    if (browser) {await browser.close();}
    if (server) {
      await fsp.copyFile(server.logPath, path.join(ARTIFACTS, 'code-server.log')).catch(() => {});
      await fsp.cp(path.join(dirs.userData, 'logs'), path.join(ARTIFACTS, 'vscode-logs'), { recursive: true }).catch(() => {});
      await server.stop();
    } else {
      await fsp.rm(dirs.base, { recursive: true, force: true }).catch(() => {});
    }
  };
  try {
    for (const v of [o.vsix ?? []].flat()) {await installVsix(v, { dirs, env: o.env });}
    const tInstalled = Date.now();
    server = await startCodeServer({ dirs, env: o.env, settings: o.settings, smokeTestDriver: false });
    browser = await launchBrowser(dirs.chrome, { viewport: o.viewport });
    console_ = collectConsole(browser.page);
    const page = browser.page;
    await page.goto(server.workbenchUrl({ folder }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await waitForWorkbench(page, o.readyTimeoutMs ?? 90_000);
    const timings = { installSec: (tInstalled - t0) / 1000, readySec: (Date.now() - t0) / 1000 };
    return {
      page,
      context: browser.context,
      origin: server.origin,
      folder,
      dirs,
      timings,
      consoleErrors: console_.errors,
      stop,
    };
  } catch (e) {
    if (browser) {await screenshot(browser.page, 'startWorkbench-failure').catch(() => {});}
    await stop();
    throw e;
  }
}

/** Wait until the workbench is laid out and the (remote) extension host is up. */
export async function waitForWorkbench(page, timeoutMs = 90_000) {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Run a command from the command palette by its full title ("Category: Title").
 * Retries when the palette opened before the extension registered the command
 * ("No matching commands", about one run in six).
 * @param {import('playwright-core').Page} page
 * @param {string} title
 * @param {{ attempts?: number, timeoutMs?: number }} [o]
 */
export async function runCommand(page, title, o = {}) {
  const attempts = o.attempts ?? 5;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  const match = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(title)}\\s*$`) }) });
  let last = '';
  for (let i = 1; i <= attempts; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForFunction(() => Boolean(document.activeElement?.closest('.quick-input-box')), null, { timeout: 10_000 });
    await input.fill(`>${title}`);
    // The list filters asynchronously: wait for the row, or for "No matching commands".
    const found = await Promise.race([
      match.first().waitFor({ state: 'visible', timeout: o.timeoutMs ?? 10_000 }).then(() => 'row'),
      widget.getByText('No matching commands').waitFor({ state: 'visible', timeout: o.timeoutMs ?? 10_000 }).then(() => 'none'),
    ]).catch(() => 'timeout');
    if (found === 'row') {
      await match.first().click();
      await widget.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
      return;
    }
    last = found;
    console.log(`# runCommand: "${title}" ${found === 'none' ? 'gave "No matching commands"' : 'did not show'} (attempt ${i}/${attempts}); retrying`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000 * i);
  }
  await screenshot(page, `runCommand-failed-${title}`).catch(() => {});
  throw new Error(`command "${title}" not found in the palette after ${attempts} attempts (last: ${last})`);
}

/**
 * Open a view container from the activity bar by its title (e.g. "Explorer", or
 * the extension's viewsContainers title). Does not toggle it closed when open.
 */
export async function openView(page, title, o = {}) {
  const item = page
    .locator('.part.activitybar .action-item')
    .filter({ has: page.locator(`a.action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`) })
    .first();
  await item.waitFor({ state: 'visible', timeout: o.timeoutMs ?? 30_000 });
  const open = await item.evaluate((el) => el.classList.contains('checked'));
  if (!open) {await item.click();}
  await page
    .locator('.part.sidebar .composite.title h2', { hasText: new RegExp(esc(title), 'i') })
    .waitFor({ state: 'visible', timeout: o.timeoutMs ?? 30_000 });
}

/**
 * A tree item (in any visible tree: side bar, panel) by its label.
 * @param {import('playwright-core').Page} page
 * @param {string|RegExp} label exact label text, or a RegExp
 * @returns {import('playwright-core').Locator}
 */
export function treeItem(page, label) {
  const re = typeof label === 'string' ? new RegExp(`^\\s*${esc(label)}\\s*$`) : label;
  return page
    .locator('.monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: re }) });
}

/**
 * A row of one view (by its pane title), for labels that several views show: the Profiles view and
 * the Fabric & Azure view both have a "Local sandbox" row.
 * @param {import('playwright-core').Page} page
 * @param {string} viewName the pane header's title, e.g. "Profiles"
 * @param {string|RegExp} label exact label text, or a RegExp
 * @returns {import('playwright-core').Locator}
 */
export function viewRow(page, viewName, label) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${esc(viewName)}`, 'i') }) });
  const re = typeof label === 'string' ? new RegExp(`^\\s*${esc(label)}\\s*$`) : label;
  return pane.locator('.monaco-list-row[role="treeitem"]').filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: re }) });
}

/** A row of the Profiles view. */
export const profilesRow = (page, label) => viewRow(page, 'Profiles', label);

/**
 * Right-clicks a tree row until its context menu shows and returns the menu. A right-click that
 * lands while the tree re-renders the row (just after a profile is added or a run updates it)
 * shows only the row's hover, no menu (seen in CI): then Escape and click again.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} row
 */
export async function openContextMenu(page, row, attempts = 3) {
  const menu = page.locator('.monaco-menu .actions-container').last();
  for (let i = 1; ; i++) {
    await row.click({ button: 'right' });
    try {
      await menu.waitFor({ state: 'visible', timeout: i < attempts ? 5_000 : 15_000 });
      return menu;
    } catch (error) {
      if (i >= attempts) {
        throw error;
      }
      console.log(`# openContextMenu: no menu after right-click ${i}/${attempts}; retrying`);
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Runs an entry of the open context menu, by its exact label. A click on a menu entry sometimes
 * leaves the menu open without running it (seen in CI): then Enter on the hovered entry runs it.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
export async function chooseFromMenu(page, label) {
  const item = page.locator('.monaco-menu .action-label', { hasText: new RegExp(`^${esc(label)}$`) }).first();
  await item.hover();
  await item.click();
  const menu = page.locator('.monaco-menu .actions-container');
  if (await menu.first().isVisible().catch(() => false)) {
    await page.keyboard.press('Enter');
  }
}

/** A notification toast whose message contains `text`. */
export function notification(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/**
 * The content frame of the active webview (VS Code nests it: an outer
 * iframe.webview hosting iframe#active-frame).
 * @param {import('playwright-core').Page} page
 * @param {{ title?: string }} [o] when several webviews exist, the one whose outer iframe has this title
 * @returns {import('playwright-core').FrameLocator}
 */
export function webviewFrame(page, o = {}) {
  const outer = o.title ? `iframe.webview.ready[title="${o.title}"]` : 'iframe.webview.ready';
  return page.frameLocator(outer).last().frameLocator('iframe#active-frame');
}

let shotSeq = 0;
/**
 * Save a screenshot under test-results/ui/<test file>/ (numbered in order taken).
 * @returns {Promise<string>} the file path
 */
export async function screenshot(page, name) {
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  const safe = String(name).replace(/[^\w.-]+/g, '_').slice(0, 80);
  const file = path.join(ARTIFACTS, `${String(++shotSeq).padStart(2, '0')}-${safe}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}
