// Issue #11, "The extension", as a person uses it in the workbench: the context menu of a stage and of
// the Key Vault node (every node type has one), Enter on a focused stage row runs it, Stop Local
// Sandbox from the profile's menu keeps the profile (marked stopped), Inspect Token shows a rendered
// report, a success raises no toast and a failure one naming the stage with Show Details (item 6),
// and a failure stops showing once its stage passes or the profile is edited (item 1).
// Screenshots: test-results/ui/ui-editor-ux/.
//   node test/integration/harness/runUi.mjs test/integration/ui/editor-ux.test.mjs
// Packages the extension folder ESF_UI_EXTENSION_DIR (default: this repository); `node esbuild.mjs` first.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chooseFromMenu, notification, openContextMenu, openView, packageVsix, runCommand, screenshot, startWorkbench, webviewFrame } from '../harness/ui.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const extensionDir = process.env.ESF_UI_EXTENSION_DIR ?? repoRoot;
const LONG = 60_000;

/** A row of the Profiles view (the Fabric & Azure view has a "Local sandbox" row too). */
function profilesRow(page, label) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Profiles/i }) });
  return pane.locator('.monaco-list-row[role="treeitem"]').filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
}

/**
 * Makes sure the sandbox profile shows its stage rows. Once in four CI runs the row was found
 * collapsed after Run Full Flow (cause not found; noted on issue #11): the tests that follow are
 * about results and menus, not expansion, so they expand it again and say so in the log.
 */
async function showStages(page, where) {
  const profile = profilesRow(page, 'Local sandbox');
  if ((await profile.getAttribute('aria-expanded')) === 'false') {
    console.log(`# ${where}: the Local sandbox profile row was collapsed; expanding it`);
    await screenshot(page, `collapsed-${where}`);
    await profile.click();
  }
  await profilesRow(page, '1. Key Vault token').waitFor({ timeout: LONG });
}

/** Opens a tree row's context menu and returns the labels of its entries. */
async function contextMenu(page, row) {
  const menu = await openContextMenu(page, row);
  const labels = await menu.locator('.action-label').allInnerTexts();
  return labels.map((l) => l.trim()).filter(Boolean);
}

describe('Eventstream Flow: menus, keyboard and stale results in the workbench (#11)', { timeout: 180_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
  let wb;
  /** @type {import('playwright-core').Page} */
  let page;

  before(async () => {
    assert.ok(existsSync(path.join(extensionDir, 'dist/extension.js')), `run \`node esbuild.mjs\` in ${extensionDir} first`);
    const vsix = await packageVsix(extensionDir);
    wb = await startWorkbench({ vsix, viewport: { width: 1400, height: 900 } });
    page = wb.page;
    await openView(page, 'Eventstream Flow');
    const button = page.locator('.part.sidebar .welcome-view-content a.monaco-button', { hasText: 'Try with the Local Sandbox' });
    await button.waitFor({ state: 'visible', timeout: LONG });
    await button.click();
    const profile = profilesRow(page, 'Local sandbox');
    await profile.waitFor({ timeout: LONG });
    if ((await profile.getAttribute('aria-expanded')) !== 'true') {
      await profile.click();
    }
    await profilesRow(page, '2. Read client id').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    if (wb) {
      await wb.stop();
    }
  });

  test('a stage row has a context menu with its run, Run Full Flow, Make This Stage Fail… and Show Log', async () => {
    const labels = await contextMenu(page, profilesRow(page, '2. Read client id'));
    await screenshot(page, 'context-menu-stage-2');
    await page.keyboard.press('Escape');
    for (const expected of ['Read Client Id from Key Vault', 'Run Full Flow', 'Make This Stage Fail…', 'Show Log']) {
      assert.ok(labels.includes(expected), `"${expected}" in ${JSON.stringify(labels)}`);
    }
  });

  test('the Key Vault node has a context menu', async () => {
    const labels = await contextMenu(page, profilesRow(page, 'Key Vault'));
    await screenshot(page, 'context-menu-key-vault');
    await page.keyboard.press('Escape');
    for (const expected of ['Read Client Id from Key Vault', 'Read Client Secret from Key Vault', 'Refresh']) {
      assert.ok(labels.includes(expected), `"${expected}" in ${JSON.stringify(labels)}`);
    }
  });

  test('Enter on a focused stage row runs it', async () => {
    const row = profilesRow(page, '3. Read client secret');
    // Focus the row without running it: select the one above, then move down with the keyboard.
    await profilesRow(page, '2. Read client id').click({ button: 'right' });
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await row.locator('.codicon-pass').waitFor({ timeout: LONG });
    await screenshot(page, 'enter-ran-stage-3');
  });

  test('Inspect Token from the stage menu shows a rendered report', async () => {
    await contextMenu(page, profilesRow(page, '4. Event Hubs token'));
    await chooseFromMenu(page, 'Inspect Token');
    const tab = page.locator('.tabs-container .tab', { hasText: /Preview .*Event Hubs token/ });
    await tab.waitFor({ timeout: LONG });
    // Rendered, not raw Markdown: the preview's tables are HTML tables.
    await webviewFrame(page).locator('table td code', { hasText: 'aud' }).first().waitFor({ timeout: LONG });
    await screenshot(page, 'inspect-token-rendered');
  });

  /** The status bar's last-run item ("Eventstream Flow, Local sandbox: …"), if shown. */
  function lastRunItem() {
    return page.locator('.part.statusbar .statusbar-item', { has: page.locator('[aria-label^="Eventstream Flow, "]') }).or(page.locator('.part.statusbar .statusbar-item[aria-label^="Eventstream Flow, "]')).first();
  }

  /** Toasts other than code-server's own "Your application running on port … is available". */
  async function toastCount() {
    const texts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    return texts.filter((t) => !/Your application running on port/.test(t)).length;
  }

  /** The description (the grey text) of a Profiles row. */
  async function rowDescription(label) {
    return ((await profilesRow(page, label).locator('.label-description').first().innerText().catch(() => '')) ?? '').trim();
  }

  test('a passing flow raises no toast; the tree and the status bar show it with one duration (item 6)', async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await contextMenu(page, profilesRow(page, 'Local sandbox'));
    await chooseFromMenu(page, 'Run Full Flow');
    await profilesRow(page, 'Local sandbox').filter({ hasText: /flow passed/ }).waitFor({ timeout: LONG });
    await page.waitForTimeout(1500); // a toast would be up by now
    await screenshot(page, 'flow-passed-no-toast');
    console.log(`# after Run Full Flow: aria-expanded=${await profilesRow(page, 'Local sandbox').getAttribute('aria-expanded')}`);
    assert.equal(await toastCount(), 0, 'no toast for a success');
    // One duration everywhere: the profile row's "flow passed · N ms" is the status bar's "Flow: N ms".
    const row = await rowDescription('Local sandbox');
    const bar = (await lastRunItem().innerText()).trim();
    const figure = /flow passed · (.+)$/.exec(row)?.[1];
    assert.ok(figure, row);
    assert.ok(bar.endsWith(`Flow: ${figure}`), `status bar "${bar}" vs profile row "${row}"`);
  });

  test('a failure raises one toast naming the stage, with Show Details opening the log (item 6)', async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await showStages(page, 'before-failure');
    await contextMenu(page, profilesRow(page, '3. Read client secret'));
    await chooseFromMenu(page, 'Make This Stage Fail…');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: LONG });
    await input.fill('secretDisabled');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'secretDisabled' }).first().click();
    const toast = notification(page, 'Read client secret failed:');
    await toast.waitFor({ timeout: LONG });
    await page.waitForTimeout(1000); // a second toast would be up by now
    await screenshot(page, 'failure-one-toast');
    assert.equal(await toastCount(), 1, 'one toast for the failure');
    assert.match(await rowDescription('3. Read client secret'), /^failed · /);
    assert.match((await lastRunItem().innerText()).trim(), /Read client secret failed(?! at)/);
    const details = toast.locator('.monaco-button', { hasText: /^Show Details$/ });
    assert.equal(await details.count(), 1, 'the toast offers Show Details');
    await details.click();
    // The log (Output: Eventstream Flow) shows the failure with its cause and fix.
    await page.locator('.part.panel .view-lines', { hasText: /SecretDisabled|Read client secret/ }).first().waitFor({ timeout: LONG });
    await screenshot(page, 'show-details-log');
  });

  test('the failure stops showing once its stage passes: row and status bar (item 1)', async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await showStages(page, 'before-superseded');
    await contextMenu(page, profilesRow(page, '3. Read client secret'));
    await chooseFromMenu(page, 'Read Client Secret from Key Vault');
    await profilesRow(page, '3. Read client secret').locator('.codicon-pass').waitFor({ timeout: LONG });
    await page.waitForTimeout(500);
    await screenshot(page, 'failure-superseded');
    const row = await rowDescription('3. Read client secret');
    assert.doesNotMatch(row, /failed/);
    const bar = (await lastRunItem().innerText()).trim();
    assert.doesNotMatch(bar, /failed/, bar);
    // One duration: the status bar gives the stage's own figure, the one its row shows.
    assert.ok(bar.endsWith(`Read client secret: ${row}`), `status bar "${bar}" vs row "${row}"`);
    assert.equal(await toastCount(), 0, 'no toast for the success');
  });

  test('Edit Profile resets the results: stages "not run", no status bar item (item 1)', async () => {
    await contextMenu(page, profilesRow(page, 'Local sandbox'));
    await chooseFromMenu(page, 'Edit Profile…');
    const widget = page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: LONG });
    // Every step opens with its answer: Enter keeps each one, except the protocol, switched to AMQP
    // (an edit that changes nothing keeps the results, which still describe the profile).
    const amqp = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'AMQP over TLS' });
    let switched = false;
    // One answer per step, and the next only once the step has moved on: a blind Enter every few
    // hundred ms is lost on a busy machine while a step is still loading (CI-like load made it flaky).
    const stepText = () => widget.innerText().catch(() => '');
    for (let i = 0; i < 40 && (await widget.isVisible()); i++) {
      const before = await stepText();
      if (!switched && (await amqp.isVisible().catch(() => false))) {
        await amqp.click();
        switched = true;
      } else {
        await page.keyboard.press('Enter');
      }
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await page.waitForTimeout(100)) {
        if (!(await widget.isVisible()) || (await stepText()) !== before) {
          break;
        }
      }
    }
    assert.ok(switched, 'the wizard offered the protocol');
    assert.equal(await widget.isVisible(), false, 'the wizard finished');
    await showStages(page, 'after-edit');
    await profilesRow(page, '3. Read client secret').filter({ hasText: 'not run' }).waitFor({ timeout: LONG });
    await screenshot(page, 'edit-profile-reset');
    assert.doesNotMatch(await rowDescription('Local sandbox'), /flow (passed|failed)/);
    assert.equal(await lastRunItem().isVisible().catch(() => false), false, 'the status bar no longer shows the old run');
  });

  test('Stop Local Sandbox from the profile menu keeps the profile, marked stopped', async () => {
    const labels = await contextMenu(page, profilesRow(page, 'Local sandbox'));
    await screenshot(page, 'context-menu-sandbox-profile');
    assert.ok(labels.includes('Stop Local Sandbox'), JSON.stringify(labels));
    await chooseFromMenu(page, 'Stop Local Sandbox');
    const row = profilesRow(page, 'Local sandbox');
    await row.filter({ hasText: 'sandbox stopped' }).waitFor({ timeout: LONG });
    const after = await contextMenu(page, row);
    await screenshot(page, 'sandbox-stopped-menu');
    await page.keyboard.press('Escape');
    assert.ok(after.includes('Start Local Sandbox'), JSON.stringify(after));
  });
});
