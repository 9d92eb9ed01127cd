// The workbench as a person uses it, driven in Chromium (playwright-core) against code-server with
// the packaged VSIX installed: open the view, start the sandbox, run a stage from the tree, send
// from the panel (five green timeline rows), then two failures explained (an invalid body refused
// by the panel; a send to a partition that does not exist failing at stage 5 with cause and fix),
// and a send with "Read back" whose event is found again on the consumer group.
// Screenshots at every step: test-results/ui/ui-workbench/.
//   node test/integration/harness/runUi.mjs test/integration/ui/workbench.test.mjs
// Needs `node esbuild.mjs` first (scripts/test-host.sh does it): the VSIX ships the bundles.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openView, packageVsix, screenshot, profilesRow, startWorkbench, treeItem, webviewFrame } from '../harness/ui.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const yauzl = require(path.join(repoRoot, 'node_modules/yauzl'));

const STAGES = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'];
const LONG = 60_000;

/** Every file name in a zip (the VSIX), without extracting. */
function zipEntries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      const names = [];
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A tree row's inline action (shown on hover/selection) by its title. */
async function clickInlineAction(page, row, title) {
  await row.hover();
  const action = row.locator(`.actions .action-label[aria-label="${title}"], .actions .action-label[title="${title}"]`).first();
  await action.waitFor({ state: 'visible', timeout: 15_000 });
  await action.click();
}

describe('Eventstream Flow in the workbench', { timeout: 150_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
  let wb;
  /** @type {import('playwright-core').Page} */
  let page;
  let vsix;

  before(async () => {
    assert.ok(existsSync(path.join(repoRoot, 'dist/extension.js')), 'run `node esbuild.mjs` first: the VSIX ships dist/');
    const t0 = Date.now();
    vsix = await packageVsix(repoRoot);
    const tPackaged = Date.now();
    // No NODE_EXTRA_CA_CERTS here: the sandbox profile carries its CA, as for a person trying it.
    wb = await startWorkbench({ vsix, viewport: { width: 1500, height: 950 } });
    page = wb.page;
    console.log(`# packaged ${((tPackaged - t0) / 1000).toFixed(1)} s; VSIX installed + workbench ready ${wb.timings.readySec.toFixed(1)} s`);
    await screenshot(page, 'workbench-ready');
  });

  after(async () => {
    if (wb) {
      await wb.stop();
    }
  });

  test('the VSIX holds only the bundles, media and manifest files', async () => {
    const names = (await zipEntries(vsix)).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    const allowed = /^(dist\/(extension\.js|sandbox\.js|vendor\/[^/]+\.js(\.map)?|webview\/.+)|media\/.+|package\.json|readme\.md|changelog\.md|license(\.txt)?)$/i;
    const unexpected = names.filter((n) => !allowed.test(n));
    assert.deepEqual(unexpected, [], `unexpected files in the VSIX: ${unexpected.join(', ')}`);
    for (const needed of ['dist/extension.js', 'dist/webview/sendPanel.js', 'package.json', 'media/sendPanel.css']) {
      assert.ok(names.includes(needed), `${needed} is in the VSIX`);
    }
    assert.ok(!names.some((n) => n.startsWith('src/') || n.includes('node_modules/') || n.startsWith('test')), 'no sources, tests or node_modules');
  });

  // A dev build leaves *.map files in dist/; the allowlist in .vscodeignore must keep them out.
  test('the VSIX ships no source maps', async () => {
    const maps = (await zipEntries(vsix)).filter((n) => n.endsWith('.map'));
    assert.deepEqual(maps, [], `source maps in the VSIX: ${maps.join(', ')}`);
  });

  test('opens the view and starts the sandbox from the welcome view', async () => {
    await openView(page, 'Eventstream Flow');
    const button = page.locator('.part.sidebar .welcome-view-content a.monaco-button', { hasText: 'Try with the Local Sandbox' });
    await button.waitFor({ state: 'visible', timeout: LONG });
    await screenshot(page, 'welcome-view');
    await button.click();
    await profilesRow(page, 'Local sandbox').waitFor({ timeout: LONG });
    await screenshot(page, 'sandbox-profile-in-tree');
  });

  test('runs "Key Vault token" from the tree and its node turns green', async () => {
    const profile = profilesRow(page, 'Local sandbox');
    if ((await profile.getAttribute('aria-expanded')) !== 'true') {
      await profile.click();
    }
    const stage = treeItem(page, '1. Key Vault token');
    await stage.waitFor({ timeout: 30_000 });
    await screenshot(page, 'profile-expanded');
    await clickInlineAction(page, stage, 'Test Key Vault Token');
    await stage.locator('.codicon-pass').waitFor({ timeout: LONG });
    await treeItem(page, 'Key Vault').waitFor();
    await screenshot(page, 'stage-green');
  });

  test('sends from the panel: all five timeline rows turn green, the result and history show it', async () => {
    await clickInlineAction(page, profilesRow(page, 'Local sandbox'), 'Open Send Event Panel');
    const frame = webviewFrame(page);
    const send = frame.locator('#send');
    await send.waitFor({ timeout: LONG });
    // The host's init fills the profile picker; validation of the sample body says it is valid.
    await frame.locator('#body-status[data-valid="true"]').waitFor({ timeout: 30_000 });
    await screenshot(page, 'send-panel-open');
    await send.click();
    await frame.locator('#result[data-status="ok"]').waitFor({ timeout: LONG });
    for (const stage of STAGES) {
      assert.equal(await frame.locator(`#timeline [data-stage="${stage}"]`).getAttribute('data-status'), 'ok', `${stage} row is ok`);
    }
    assert.match(await frame.locator('#result').innerText(), /Sent: 1 of 1 event\(s\) accepted/);
    assert.ok((await frame.locator('#history li').count()) >= 1, 'the send is in the history');
    assert.equal(await frame.locator('#history li').first().getAttribute('data-status'), 'ok');
    await frame.locator('#result').scrollIntoViewIfNeeded();
    await screenshot(page, 'send-all-green');
  });

  test('an invalid body is explained and refused', async () => {
    const frame = webviewFrame(page);
    await frame.locator('#body textarea').fill('{ "orderId": 42, ');
    const problem = frame.locator('[data-testid="body-error"]');
    await problem.waitFor({ timeout: 30_000 });
    assert.ok((await problem.innerText()).trim().length > 5, 'the body problem is explained');
    await frame.locator('#send').click();
    // The panel refuses before anything is sent: an explanation in the form or a refused result.
    await frame.locator('#form-error:not(:empty), #result[data-status="refused"]').first().waitFor({ timeout: 30_000 });
    await frame.locator('#body-status').scrollIntoViewIfNeeded();
    await screenshot(page, 'invalid-body-refused');
    await frame.locator('#body textarea').fill('{ "orderId": 42 }');
    await frame.locator('#body-status[data-valid="true"]').waitFor({ timeout: 30_000 });
  });

  test('a send to a partition that does not exist fails at stage 5 with cause and fix', async () => {
    const frame = webviewFrame(page);
    await frame.locator('#partition-kind-id').click();
    await frame.locator('#partition-value input').fill('9');
    await frame.locator('#send').click();
    await frame.locator('#result[data-status="failed"]').waitFor({ timeout: LONG });
    assert.equal(await frame.locator('#timeline [data-stage="send"]').getAttribute('data-status'), 'failed');
    for (const stage of STAGES.slice(0, 4)) {
      assert.equal(await frame.locator(`#timeline [data-stage="${stage}"]`).getAttribute('data-status'), 'ok', `${stage} still ok`);
    }
    const result = await frame.locator('#result').innerText();
    assert.match(result, /Send event failed/);
    assert.match(result, /Fix:/);
    assert.equal(await frame.locator('#history li').first().getAttribute('data-status'), 'failed');
    await frame.locator('#result').scrollIntoViewIfNeeded();
    await screenshot(page, 'send-failed-explained');
    // The tree shows the same failure on the stage node.
    await treeItem(page, '5. Send event').locator('.codicon-error').waitFor({ timeout: 30_000 });
  });

  test('with "Read back" on, a sixth row shows the sent event found on the consumer group and its latency', async () => {
    const frame = webviewFrame(page);
    await frame.locator('#partition-kind-none').click();
    await frame.locator('#read-back').click();
    await frame.locator('#send').click();
    await frame.locator('#result[data-status="ok"]').waitFor({ timeout: LONG });
    const row = frame.locator('#timeline [data-stage="readBack"]');
    await frame.locator('#timeline [data-stage="readBack"][data-status="ok"]').waitFor({ timeout: LONG });
    const text = await row.innerText();
    assert.match(text, /Read back/);
    assert.match(text, /on partition \d+ \(seq \d+\), consumer group \$Default: end-to-end/);
    assert.ok(await row.locator('[data-testid="read-back-latency"]').isVisible(), 'the latency is shown');
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'send-read-back');
  });
});
