#!/usr/bin/env node
// The same in-host tests on a developer's desktop WITH internet access, through
// @vscode/test-electron (it downloads VS Code into .vscode-test/). It cannot run on
// the offline CI machines: use runInHost.mjs there. Same arguments and test index.
//
//   node test/integration/harness/runElectron.mjs --extension <abs dir> --tests <abs index.js>
//        [--folder <workspace>] [--env KEY=VALUE ...] [--version stable]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, RESULTS_DIR } from './codeServer.mjs';

const { values } = parseArgs({
  options: {
    extension: { type: 'string' },
    tests: { type: 'string' },
    folder: { type: 'string' },
    env: { type: 'string', multiple: true },
    version: { type: 'string', default: 'stable' },
  },
});
if (!values.extension || !values.tests) {
  console.error('usage: node test/integration/harness/runElectron.mjs --extension <abs dir> --tests <abs index.js> [--folder dir] [--env K=V ...]');
  process.exit(2);
}
const { runTests } = await import('@vscode/test-electron');
const extension = path.resolve(values.extension);
const resultsDir = path.join(RESULTS_DIR, 'electron', path.basename(extension));
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });
const reportPath = path.join(resultsDir, 'report.txt');
const env = { ESF_TEST_REPORT: reportPath, ESF_TEST_RESULTS: resultsDir, ESF_REPO_ROOT: REPO_ROOT };
for (const kv of values.env ?? []) {
  const i = kv.indexOf('=');
  env[kv.slice(0, i)] = kv.slice(i + 1);
}
let code = 0;
try {
  await runTests({
    version: values.version,
    extensionDevelopmentPath: extension,
    extensionTestsPath: path.resolve(values.tests),
    extensionTestsEnv: env,
    launchArgs: [...(values.folder ? [path.resolve(values.folder)] : []), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`[runElectron] ${e && e.message ? e.message : e}`);
  code = 1;
}
if (fs.existsSync(reportPath)) {process.stdout.write(fs.readFileSync(reportPath, 'utf8'));}
process.exit(code);
