#!/usr/bin/env node
// Run an extension's mocha tests inside a real VS Code extension host (code-server
// 4.139.1 / VS Code 1.139.1), opened by headless Chromium with the `payload` URL.
//
//   node test/integration/harness/runInHost.mjs --extension <abs dir> --tests <abs test index.js>
//        [--folder <workspace dir>] [--env KEY=VALUE ...] [--timeout 180] [--results <dir>] [--keep]
//
// Exit code: the tests' code as given to window.codeAutomationExit (0 = all passed),
// 2 on a harness error or timeout. See README.md beside this file.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, RESULTS_DIR, startCodeServer, makeSandboxDirs, installVsix, tail } from './codeServer.mjs';
import { launchBrowser, collectConsole } from './browser.mjs';

const log = (...a) => console.log('[runInHost]', ...a);
const rel = (p) => (p.startsWith(REPO_ROOT + path.sep) ? path.relative(REPO_ROOT, p) : p);

/**
 * @param {object} o
 * @param {string} o.extension absolute path of the extension folder (its package.json)
 * @param {string} o.tests absolute path of the compiled test index (exports run(): Promise<void>)
 * @param {string} [o.folder] workspace folder to open (default: an empty throwaway folder)
 * @param {Record<string,string>} [o.env] extra environment for the extension host
 * @param {number} [o.timeoutSec=180] overall limit from start-up to codeAutomationExit
 * @param {string} [o.resultsDir] artifacts (default test-results/host/<extension folder name>)
 * @param {boolean} [o.keep] keep the throwaway code-server folders
 * @returns {Promise<{ code:number, report:string, resultsDir:string, timings:Record<string,number> }>}
 */
export async function runInHost(o) {
  const t0 = Date.now();
  const timings = {};
  const mark = (k) => (timings[k] = Math.round((Date.now() - t0) / 100) / 10);
  const extension = path.resolve(o.extension);
  const tests = path.resolve(o.tests);
  if (!fs.existsSync(path.join(extension, 'package.json'))) {throw new Error(`--extension ${extension}: no package.json there`);}
  if (!fs.existsSync(tests)) {throw new Error(`--tests ${tests}: not found (compile the tests first?)`);}
  const timeoutMs = (o.timeoutSec ?? 180) * 1000;
  const resultsDir = path.resolve(o.resultsDir ?? path.join(RESULTS_DIR, 'host', path.basename(extension)));
  await fsp.rm(resultsDir, { recursive: true, force: true });
  await fsp.mkdir(resultsDir, { recursive: true });
  const reportPath = path.join(resultsDir, 'report.txt');

  const dirs = await makeSandboxDirs();
  // Other extensions installed beside the one under test (code-server takes one development path).
  for (const vsix of o.vsix ?? []) {
    await installVsix(vsix, { dirs, env: o.env });
  }
  let folder = o.folder ? path.resolve(o.folder) : path.join(dirs.base, 'workspace');
  await fsp.mkdir(folder, { recursive: true });

  let server;
  let browser;
  let code = 2;
  let failure;
  let consoleLog = { lines: [], errors: [] };
  let page;
  let tailer;
  let printed = 0;
  const printReportSoFar = () => {
    try {
      const s = fs.readFileSync(reportPath, 'utf8');
      if (s.length > printed) {
        process.stdout.write(s.slice(printed));
        printed = s.length;
      }
    } catch {
      /* not written yet */
    }
  };
  try {
    server = await startCodeServer({
      dirs,
      keepDirs: o.keep,
      logPath: path.join(resultsDir, 'code-server.log'),
      env: {
        ESF_TEST_REPORT: reportPath,
        ESF_TEST_RESULTS: resultsDir,
        ESF_REPO_ROOT: REPO_ROOT,
        ...(o.env ?? {}),
      },
    });
    mark('codeServerUp');
    log(`code-server on ${server.origin} (${timings.codeServerUp}s)`);

    const remote = (p) => `vscode-remote://${server.authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extension)],
      ['extensionTestsPath', remote(tests)],
    ]);
    const url = server.workbenchUrl({ folder, payload });

    browser = await launchBrowser(dirs.chrome);
    page = browser.page;
    consoleLog = collectConsole(page);
    mark('browserUp');

    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (c) => {
      resolveExit(Number(c ?? 0));
    });
    log(`opening the workbench (folder ${folder})`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    mark('pageLoaded');
    page
      .locator('.monaco-workbench')
      .waitFor({ timeout: timeoutMs })
      .then(() => {
        mark('workbenchShown');
        log(`workbench shown (${timings.workbenchShown}s); waiting for the tests`);
      })
      .catch(() => {});

    tailer = setInterval(printReportSoFar, 500);
    const remaining = Math.max(5_000, timeoutMs - (Date.now() - t0));
    let timer;
    const result = await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, remaining, 'timeout')))]);
    clearTimeout(timer);
    clearInterval(tailer);
    printReportSoFar();
    mark('testsDone');
    if (result === 'timeout') {
      const started = fs.existsSync(reportPath);
      failure = started
        ? `timed out after ${o.timeoutSec ?? 180}s: the tests started (see the report above) but run() did not settle — a test or the extension hangs.`
        : `timed out after ${o.timeoutSec ?? 180}s and the test index never wrote ${rel(reportPath)}: ` +
          'the tests never started. Likely causes: the payload URL parameter was ignored (code-server must run with ' +
          '--vscode-option enable-smoke-test-driver, and the payload\'s vscode-remote authority must equal the page\'s ' +
          "host:port), the extension failed to activate, or the test index threw on require. See code-server.log, " +
          'exthost logs and browser-console.log in ' + rel(resultsDir) + '.';
      code = 2;
    } else {
      code = result;
      if (!fs.existsSync(reportPath)) {
        failure = `the workbench exited with ${code} but the test index wrote no report: does it use mochaInHost.cjs (or write $ESF_TEST_REPORT)?`;
      }
    }
  } catch (e) {
    failure = `harness error: ${e && e.stack ? e.stack : e}`;
    code = 2;
  } finally {
    if (tailer) {clearInterval(tailer);}
    if (page && (code !== 0 || failure)) {
      await page.screenshot({ path: path.join(resultsDir, 'failure.png'), fullPage: true, timeout: 10_000 }).catch(() => {});
    }
    await fsp.writeFile(path.join(resultsDir, 'browser-console.log'), consoleLog.lines.join('\n') + '\n').catch(() => {});
    await fsp.writeFile(path.join(resultsDir, 'browser-errors.log'), consoleLog.errors.join('\n') + '\n').catch(() => {});
    // Extension-host and server logs from the throwaway user-data-dir.
    await fsp.cp(path.join(dirs.userData, 'logs'), path.join(resultsDir, 'vscode-logs'), { recursive: true }).catch(() => {});
    if (browser) {await browser.close();}
    if (server) {await server.stop();}
    else if (!o.keep) {await fsp.rm(dirs.base, { recursive: true, force: true }).catch(() => {});}
    mark('total');
  }
  if (failure) {
    console.error(`[runInHost] FAILED: ${failure}`);
    if (code === 2) {console.error(`[runInHost] code-server.log (last lines):\n${tail(path.join(resultsDir, 'code-server.log'), 15)}`);}
  }
  let report = '';
  try {
    report = fs.readFileSync(reportPath, 'utf8');
  } catch {
    /* none */
  }
  return { code, report, resultsDir, timings, failure };
}

async function main() {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      folder: { type: 'string' },
      env: { type: 'string', multiple: true },
      timeout: { type: 'string', default: '180' },
      results: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'install-vsix': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.extension || !values.tests) {
    console.log(
      'usage: node test/integration/harness/runInHost.mjs --extension <abs dir> --tests <abs test index.js>\n' +
        '         [--folder <workspace>] [--env KEY=VALUE ...] [--timeout 180] [--results <dir>] [--keep] [--install-vsix <file> ...]',
    );
    process.exit(values.help ? 0 : 2);
  }
  const env = {};
  for (const kv of values.env ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) {throw new Error(`--env ${kv}: expected KEY=VALUE`);}
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const r = await runInHost({
    extension: values.extension,
    tests: values.tests,
    folder: values.folder,
    env,
    timeoutSec: Number(values.timeout),
    resultsDir: values.results,
    keep: values.keep,
    vsix: values['install-vsix'],
  });
  const t = r.timings;
  log(
    `timings (s from start): code-server up ${t.codeServerUp ?? '-'}, workbench shown ${t.workbenchShown ?? '-'}, ` +
      `tests done ${t.testsDone ?? '-'}, total ${t.total}`,
  );
  log(`exit ${r.code}; artifacts in ${rel(r.resultsDir)}`);
  process.exitCode = r.code;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (stopping) {return;}
      stopping = true;
      console.error(`[runInHost] ${sig}: stopping`);
      process.exit(130); // codeServer.mjs kills code-server's process group on exit
    });
  }
  main().catch((e) => {
    console.error(`[runInHost] ${e && e.stack ? e.stack : e}`);
    process.exitCode = 2;
  });
}
