// The send panel's layout at real widths (#11.5), in a dark and a light theme: at 360, 800 and
// 1600 px of panel the request and the response sit side by side when wide (≥ 1000 px) and one
// below the other when narrow (told by their bounding boxes); there is never a horizontal
// scrollbar; the partition box is hidden while "Any partition" is chosen; and after Send (clicked
// with the page at its top) the timeline is in view. Then Run Pipeline with the panel open: its
// activities show under the local timeline (#10.2). Screenshots: test-results/ui/ui-sendPanelLayout/.
//   node test/integration/harness/runUi.mjs test/integration/ui/sendPanelLayout.test.mjs
// Needs `node esbuild.mjs` first: the VSIX ships the bundles.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openView, packageVsix, profilesRow, runCommand, screenshot, startWorkbench, webviewFrame } from '../harness/ui.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LONG = 60_000;
const HEIGHT = 820;
const WIDTHS = [360, 800, 1600];
const THEMES = [
  { name: 'dark', setting: 'Default Dark Modern', label: /^Dark Modern$/, bodyClass: 'vscode-dark' },
  { name: 'light', setting: 'Default Light Modern', label: /^Light Modern$/, bodyClass: 'vscode-light' },
];
/** Quiet: no toast about forwarded ports over the panel (the sandbox opens several). */
const SETTINGS = { 'remote.autoForwardPorts': false };

describe('send panel layout at 360, 800 and 1600 px, dark and light (#11.5)', { timeout: 150_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
  let wb;
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {import('playwright-core').FrameLocator} */
  let frame;

  /** The panel document's width, read inside the webview. */
  const panelWidth = () => frame.locator('html').evaluate((el) => el.ownerDocument.defaultView?.innerWidth ?? 0);

  /** Sizes the browser so that the panel (the webview's document) is `width` px wide. */
  async function setPanelWidth(width) {
    let viewport = width + 60;
    for (let attempt = 0; attempt < 4; attempt++) {
      await page.setViewportSize({ width: viewport, height: HEIGHT });
      await page.waitForTimeout(250);
      const now = await panelWidth();
      if (Math.abs(now - width) <= 1) {
        return;
      }
      viewport += width - now;
    }
    assert.fail(`the panel did not reach ${width} px (it is ${await panelWidth()} px)`);
  }

  /** Focus out of the webview first: F1 pressed inside it reaches the palette only after a long wait. */
  const focusWorkbench = async () => {
    await page.locator('.tabs-container .tab.active').first().click();
    await page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
    });
  };

  /** Picks the theme as a person does (Preferences: Color Theme); the webview follows it. */
  async function setTheme(theme) {
    if (await frame.locator(`body.${theme.bodyClass}`).count()) {
      return;
    }
    await focusWorkbench();
    await runCommand(page, 'Preferences: Color Theme');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await page.locator('.quick-input-widget .quick-input-box input').fill(theme.setting.replace(/^Default /, ''));
    const row = rows.filter({ has: page.locator('.label-name', { hasText: theme.label }) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
      assert.fail(`no "${theme.label}" in the theme picker: ${JSON.stringify(await rows.allInnerTexts())}`);
    });
    await row.click();
    await frame.locator(`body.${theme.bodyClass}`).waitFor({ timeout: 15_000 });
  }

  const scrollToTop = () => frame.locator('html').evaluate((html) => html.ownerDocument.defaultView?.scrollTo(0, 0));

  /** Bounding boxes and overflow, measured inside the webview. */
  function measure() {
    return frame.locator('html').evaluate((html) => {
      const doc = html.ownerDocument;
      const box = (id) => {
        const r = doc.getElementById(id)?.getBoundingClientRect();
        return r ? { x: r.x, y: r.y, width: r.width, height: r.height, right: r.right, bottom: r.bottom } : undefined;
      };
      // Anything drawn past the panel's right edge (a clipped badge, a field too wide).
      const viewWidth = doc.documentElement.clientWidth;
      const overflowing = [...doc.querySelectorAll('#app *')]
        .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > viewWidth + 0.5)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
      return {
        request: box('request'),
        response: box('response'),
        scrollWidth: doc.documentElement.scrollWidth,
        clientWidth: viewWidth,
        bodyScrollWidth: doc.body.scrollWidth,
        overflowing,
      };
    });
  }

  before(async () => {
    assert.ok(existsSync(path.join(repoRoot, 'dist/extension.js')), 'run `node esbuild.mjs` first: the VSIX ships dist/');
    const vsix = await packageVsix(repoRoot);
    wb = await startWorkbench({ vsix, viewport: { width: 1400, height: HEIGHT }, settings: { ...SETTINGS, 'workbench.colorTheme': THEMES[0].setting } });
    page = wb.page;
    await openView(page, 'Eventstream Flow');
    const button = page.locator('.part.sidebar .welcome-view-content a.monaco-button', { hasText: 'Try with the Local Sandbox' });
    await button.waitFor({ state: 'visible', timeout: LONG });
    await button.click();
    await profilesRow(page, 'Local sandbox').waitFor({ timeout: LONG });
    await runCommand(page, 'Eventstream Flow: Open Send Event Panel');
    frame = webviewFrame(page);
    await frame.locator('#body-status[data-valid="true"]').waitFor({ timeout: LONG });
    // The panel alone in the window: its width is the window's less the activity bar.
    await runCommand(page, 'View: Close Primary Side Bar');
  });

  after(async () => {
    if (wb) {
      await wb.stop();
    }
  });

  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      test(`${theme.name}, ${width} px: ${width >= 1000 ? 'request | response side by side' : 'stacked'}, no horizontal scroll, partition box only when needed, timeline in view after Send`, async () => {
        await setTheme(theme);
        await setPanelWidth(width);
        // The partition box: hidden with "Any partition", shown for a key.
        await frame.locator('#partition-kind-none').click();
        assert.equal(await frame.locator('#partition-value').isVisible(), false, 'no partition box while "Any partition" is chosen');
        await frame.locator('#partition-kind-key').click();
        await frame.locator('#partition-value').waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('#partition-kind-none').click();
        await frame.locator('#partition-value').waitFor({ state: 'hidden', timeout: 5_000 });

        await scrollToTop();
        const m = await measure();
        assert.ok(m.request && m.response, 'both columns are there');
        if (width >= 1000) {
          assert.ok(m.response.x >= m.request.right - 1, `side by side: response at x=${m.response.x}, request ends at ${m.request.right}`);
          assert.ok(Math.abs(m.response.y - m.request.y) < 4, `side by side: tops ${m.request.y} and ${m.response.y}`);
          assert.ok(m.request.width > 400 && m.response.width > 400, `both columns are usable: ${m.request.width} | ${m.response.width}`);
        } else {
          assert.ok(m.response.y >= m.request.bottom - 1, `stacked: response at y=${m.response.y}, request ends at ${m.request.bottom}`);
          assert.ok(Math.abs(m.response.x - m.request.x) < 1, 'stacked: same left edge');
        }
        assert.ok(m.scrollWidth <= m.clientWidth && m.bodyScrollWidth <= m.clientWidth, `no horizontal scroll: scrollWidth ${m.scrollWidth} / ${m.bodyScrollWidth}, width ${m.clientWidth}`);
        assert.deepEqual(m.overflowing, [], 'nothing drawn past the right edge');
        await screenshot(page, `${theme.name}-${width}-form`);

        // Send with the page scrolled to its top and no scroll from the click itself.
        await scrollToTop();
        const before = await frame.locator('#history li').count();
        await frame.locator('#send').evaluate((el) => el.click());
        await frame.locator('#result[data-status="ok"]').waitFor({ timeout: LONG });
        await frame.locator(`#history li:nth-child(${before + 1})`).waitFor({ timeout: LONG });
        const inView = async () =>
          frame.locator('#flow').evaluate((el) => {
            const r = el.getBoundingClientRect();
            const view = el.ownerDocument.defaultView;
            return r.top >= -1 && r.top < (view?.innerHeight ?? 0) - 60;
          });
        const deadline = Date.now() + 5_000;
        while (!(await inView()) && Date.now() < deadline) {
          await page.waitForTimeout(100);
        }
        assert.ok(await inView(), 'the timeline is in view after Send');
        for (const stage of ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send']) {
          assert.equal(await frame.locator(`#timeline [data-stage="${stage}"]`).getAttribute('data-status'), 'ok', `${stage} row is ok`);
        }
        const after = await measure();
        assert.ok(after.scrollWidth <= after.clientWidth, `no horizontal scroll after Send: ${after.scrollWidth} > ${after.clientWidth}`);
        assert.deepEqual(after.overflowing, [], 'nothing drawn past the right edge after Send');
        await screenshot(page, `${theme.name}-${width}-after-send`);
      });
    }
  }

  // #10.2: a pipeline run of the panel's profile shows in the panel too, each activity beside its local stage.
  test('Run Pipeline with the panel open: the activities appear under the local timeline, each with its local stage', async () => {
    await setPanelWidth(1600);
    assert.equal(await frame.locator('#pipeline-run').isVisible(), false, 'no pipeline section before a run');
    await focusWorkbench();
    await runCommand(page, 'Eventstream Flow: Run Pipeline');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const adf = rows.filter({ hasText: 'Azure Data Factory pipeline' });
    const profile = rows.filter({ hasText: 'Local sandbox' });
    // The profile is asked for first when the command is run from the palette.
    const first = await Promise.race([adf.first().waitFor({ timeout: LONG }).then(() => 'target'), profile.first().waitFor({ timeout: LONG }).then(() => 'profile')]);
    if (first === 'profile') {
      await profile.first().click();
      await adf.first().waitFor({ timeout: LONG });
    }
    await adf.first().click();
    for (const [activity, stage] of [['Get client id', 'readClientId'], ['Get client secret', 'readClientSecret'], ['Get Event Hubs token', 'eventHubsToken'], ['Send event', 'send']]) {
      const row = frame.locator(`#pipeline-timeline li[data-activity="${activity}"]`);
      await frame.locator(`#pipeline-timeline li[data-activity="${activity}"][data-status="ok"]`).waitFor({ timeout: LONG });
      assert.equal(await row.getAttribute('data-stage'), stage);
      assert.match(await row.innerText(), /Succeeded/);
    }
    assert.match(await frame.locator('[data-testid="pipeline-run-line"]').innerText(), /^Succeeded .*4 of 4 activities succeeded/);
    await frame.locator('#pipeline-run').scrollIntoViewIfNeeded();
    const m = await measure();
    assert.ok(m.scrollWidth <= m.clientWidth, 'no horizontal scroll with the pipeline run');
    await screenshot(page, 'pipeline-run-in-panel');
  });
});
