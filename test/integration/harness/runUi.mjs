#!/usr/bin/env node
// Run browser-driven UI test files (written with node:test and ./ui.mjs) one at a
// time, so results print in Node's test-runner format.
//
//   node test/integration/harness/runUi.mjs <ui test file.mjs> [more files …]
//
// Artifacts (screenshots, VSIX, browser console, code-server and VS Code logs) go
// to test-results/ui/<folder>-<file name>/ per test file, emptied first (other
// files' folders are left alone, so separate runs do not clobber each other).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assertHostInstalled } from './codeServer.mjs';
import { CHROMIUM } from './browser.mjs';
import { UI_RESULTS, artifactsName } from './ui.mjs';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node test/integration/harness/runUi.mjs <ui test file.mjs> [more …]');
  process.exit(2);
}
assertHostInstalled();
if (!fs.existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found: run  bash scripts/setup-host.sh`);
  process.exit(2);
}
for (const f of files) {fs.rmSync(path.join(UI_RESULTS, artifactsName(path.resolve(f))), { recursive: true, force: true });}
fs.mkdirSync(UI_RESULTS, { recursive: true });

const t0 = Date.now();
const r = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files.map((f) => path.resolve(f))],
  { stdio: 'inherit', env: { ...process.env, ESF_UI_RESULTS: UI_RESULTS } },
);
console.log(`[runUi] ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${path.relative(process.cwd(), UI_RESULTS)}`);
process.exit(r.status ?? 1);
