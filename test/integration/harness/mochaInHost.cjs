// Runs mocha inside the VS Code extension host and writes a readable report to
// the file named by $ESF_TEST_REPORT (set by runInHost.mjs), so the harness can
// print it. Use it from a test index (the module given as --tests):
//
//   // test/index.js  (CommonJS; compiled TypeScript works the same)
//   const path = require('path');
//   const { runMocha } = require(path.join(process.env.ESF_REPO_ROOT, 'test/integration/harness/mochaInHost.cjs'));
//   exports.run = () => runMocha({ files: [path.join(__dirname, 'hello.test.js')], timeout: 20000 });
//
// run() resolves when every test passed and rejects otherwise; the workbench then
// calls window.codeAutomationExit(0 | 1), which runInHost.mjs waits for.
'use strict';
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../../..');

function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/**
 * A mocha reporter that writes spec-like lines to a file as tests run (so a
 * hang still leaves a partial report) and ends with "N passed, N failed".
 */
function makeFileReporter(reportPath) {
  return function FileReporter(runner) {
    const Base = require(path.join(REPO_ROOT, 'node_modules/mocha')).reporters.Base;
    Base.call(this, runner);
    const write = (s) => {
      try {
        fs.appendFileSync(reportPath, s + '\n');
      } catch {
        /* the report is best effort; mocha's result still counts */
      }
    };
    let depth = 0;
    const failures = [];
    let passes = 0;
    let pending = 0;
    const t0 = Date.now();
    const pad = () => '  '.repeat(depth);
    runner.on('suite', (s) => {
      if (!s.root) write(`${pad()}${s.title}`);
      depth++;
    });
    runner.on('suite end', () => depth--);
    runner.on('pass', (t) => {
      passes++;
      write(`${pad()}✔ ${t.title} (${fmtMs(t.duration ?? 0)})`);
    });
    runner.on('pending', (t) => {
      pending++;
      write(`${pad()}- ${t.title} (skipped)`);
    });
    runner.on('fail', (t, err) => {
      failures.push({ t, err });
      write(`${pad()}✘ ${failures.length}) ${t.title}`);
    });
    runner.once('end', () => {
      write('');
      failures.forEach(({ t, err }, i) => {
        write(`${i + 1}) ${t.fullTitle()}`);
        write(`   ${String((err && (err.stack || err.message)) || err).replace(/\n/g, '\n   ')}`);
        write('');
      });
      const skipped = pending ? `, ${pending} skipped` : '';
      write(`in-host tests finished in ${fmtMs(Date.now() - t0)}`);
      write(`${passes} passed, ${failures.length} failed${skipped}`);
    });
  };
}

/**
 * @param {object} o
 * @param {string[]} o.files absolute paths of test files (compiled JS)
 * @param {number} [o.timeout=20000] per-test timeout in ms
 * @param {string} [o.grep] only run tests matching this (also taken from $ESF_TEST_GREP)
 * @param {'bdd'|'tdd'} [o.ui='bdd']
 * @returns {Promise<void>}
 */
function runMocha(o) {
  const Mocha = require(path.join(REPO_ROOT, 'node_modules/mocha'));
  const reportPath = process.env.ESF_TEST_REPORT || path.join(REPO_ROOT, 'test-results/host/report.txt');
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  fs.writeFileSync(reportPath, `in-host tests: VS Code ${require('vscode').version}, Node ${process.version}\n\n`);
  const mocha = new Mocha({
    ui: o.ui || 'bdd',
    color: false,
    timeout: o.timeout ?? 20000,
    reporter: makeFileReporter(reportPath),
  });
  const grep = o.grep || process.env.ESF_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of o.files) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (e) {
      fs.appendFileSync(reportPath, `mocha could not start: ${e && e.stack}\n`);
      reject(e);
    }
  });
}

module.exports = { runMocha, makeFileReporter, REPO_ROOT };
