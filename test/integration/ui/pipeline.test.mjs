// Issue #10 as a person uses it in the workbench: on the sandbox profile, Run Pipeline from the
// context menu → pick Azure Data Factory → the Pipeline Runs view shows four green activity rows,
// each beside its local stage; Deploy as Pipeline is in the same menu. Screenshots:
// test-results/ui/ui-pipeline/.
//   node test/integration/harness/runUi.mjs test/integration/ui/pipeline.test.mjs
// Packages the extension folder ESF_UI_EXTENSION_DIR (default: this repository); `node esbuild.mjs` first.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openContextMenu, openView, packageVsix, screenshot, profilesRow, startWorkbench, treeItem } from '../harness/ui.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const extensionDir = process.env.ESF_UI_EXTENSION_DIR ?? repoRoot;
const LONG = 60_000;

describe('Eventstream Flow: Deploy as Pipeline and Run Pipeline in the workbench (#10)', { timeout: 240_000 }, () => {
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
    await profilesRow(page, 'Local sandbox').waitFor({ timeout: LONG });
  });

  after(async () => {
    if (wb) {
      await wb.stop();
    }
  });

  test('Run Pipeline from the profile menu: four green activities in Pipeline Runs, each with its local stage', async () => {
    const menu = await openContextMenu(page, profilesRow(page, 'Local sandbox'));
    const labels = (await menu.locator('.action-label').allInnerTexts()).map((l) => l.trim());
    await screenshot(page, 'profile-menu-pipeline');
    for (const expected of ['Deploy as Pipeline…', 'Run Pipeline', 'Compare Local Flow and Pipeline']) {
      assert.ok(labels.includes(expected), `"${expected}" in ${JSON.stringify(labels)}`);
    }
    await page.locator('.monaco-menu .action-label', { hasText: /^Run Pipeline$/ }).click();
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Azure Data Factory pipeline' });
    await pick.waitFor({ timeout: LONG });
    await screenshot(page, 'pick-target');
    await pick.click();
    for (const activity of ['Get client id', 'Get client secret', 'Get Event Hubs token', 'Send event']) {
      await treeItem(page, activity).locator('.codicon-pass').waitFor({ timeout: LONG });
    }
    const send = await treeItem(page, 'Send event').innerText();
    assert.match(send, /Succeeded .* Send event/);
    await screenshot(page, 'pipeline-run-green');
  });
});
