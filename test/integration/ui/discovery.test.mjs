// Issue #9 as a person uses it in the workbench: start the local sandbox, expand Fabric & Azure →
// Local sandbox → Fabric → Contoso Streaming → es-orders → the custom endpoint source, Create
// Profile from Endpoint from its context menu (three answers), and Run Full Flow on the new profile:
// every stage green. Screenshots: test-results/ui/ui-discovery/.
//   node esbuild.mjs && node test/integration/harness/runUi.mjs test/integration/ui/discovery.test.mjs
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chooseFromMenu, openContextMenu, openView, packageVsix, screenshot, startWorkbench, treeItem } from '../harness/ui.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const extensionDir = process.env.ESF_UI_EXTENSION_DIR ?? repoRoot;
const LONG = 60_000;

describe('Eventstream Flow: discover a Fabric custom endpoint and make it a profile (#9)', { timeout: 300_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
  let wb;
  /** @type {import('playwright-core').Page} */
  let page;
  /** The Fabric & Azure pane (its rows only). */
  let pane;

  before(async () => {
    assert.ok(existsSync(path.join(extensionDir, 'dist/extension.js')), `run \`node esbuild.mjs\` in ${extensionDir} first`);
    const vsix = await packageVsix(extensionDir);
    wb = await startWorkbench({ vsix, viewport: { width: 1400, height: 1000 } });
    page = wb.page;
    await openView(page, 'Eventstream Flow');
    const button = page.locator('.part.sidebar .welcome-view-content a.monaco-button', { hasText: 'Try with the Local Sandbox' });
    await button.waitFor({ state: 'visible', timeout: LONG });
    await button.click();
    await treeItem(page, 'Local sandbox').first().waitFor({ timeout: LONG });
    pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Fabric & Azure' }) });
    const header = pane.locator('.pane-header');
    await header.waitFor({ timeout: LONG });
    if ((await header.getAttribute('aria-expanded')) !== 'true') {
      await header.click();
    }
  });

  after(async () => {
    if (wb) {
      await wb.stop();
    }
  });

  const row = (label) => pane.locator('.monaco-list-row[role="treeitem"]').filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });

  test('expands the sandbox account to the eventstream custom endpoints, with their status', async () => {
    await row('Fabric').waitFor({ timeout: LONG });
    await screenshot(page, 'fabric-and-azure-account');
    for (const label of ['Fabric', 'Contoso Streaming', 'es-orders']) {
      await row(label).click();
      await page.waitForTimeout(300);
    }
    const source = row('orders-in');
    await source.waitFor({ timeout: LONG });
    assert.match(await source.innerText(), /custom endpoint source · Running/);
    assert.match(await row('orders-readback').innerText(), /custom endpoint destination · Running/);
    await screenshot(page, 'custom-endpoints');
  });

  test('Create Profile from Endpoint from the source menu; Run Full Flow on it is green', async () => {
    await openContextMenu(page, row('orders-in'));
    await screenshot(page, 'endpoint-menu');
    await page.locator('.monaco-menu .action-label', { hasText: /^Create Profile from Endpoint…$/ }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: LONG });
    assert.equal(await input.inputValue(), 'es-orders / orders-in', 'the name is proposed');
    await screenshot(page, 'create-profile-name');
    await input.press('Enter');
    const entra = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Entra ID' });
    await entra.waitFor({ timeout: LONG });
    await screenshot(page, 'create-profile-auth');
    await entra.click();
    const readBack = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Read back from orders-readback' });
    await readBack.waitFor({ timeout: LONG });
    await screenshot(page, 'create-profile-read-back');
    await readBack.click();

    const profile = treeItem(page, 'es-orders / orders-in');
    await profile.waitFor({ timeout: LONG });
    await openContextMenu(page, profile);
    await chooseFromMenu(page, 'Run Full Flow');
    // The row's description says how the last flow went ("flow passed · 600 ms", "flow failed at …").
    let text = '';
    for (const deadline = Date.now() + LONG; Date.now() < deadline; await page.waitForTimeout(500)) {
      text = await profile.innerText();
      if (/flow (passed|failed|cancelled)/.test(text)) {
        break;
      }
    }
    assert.match(text, /flow passed/, `the profile row reads: ${text}`);
    await screenshot(page, 'fabric-profile-flow-green');
  });
});
