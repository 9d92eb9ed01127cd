// Bundles the in-host integration tests (test/integration/extension/*.ts) into out/integration/:
// index.js (the extensionTestsPath runInHost.mjs loads) and one file per *.test.ts. `vscode` stays
// external (the extension host provides it); pure modules from src/ are bundled in.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const srcDir = join(root, 'test/integration/extension');
const outDir = join(root, 'out/integration');
const entryPoints = readdirSync(srcDir)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(srcDir, f));

rmSync(outDir, { recursive: true, force: true });
const started = Date.now();
await esbuild.build({
  entryPoints,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  // As in esbuild.mjs: jsonc-parser's UMD main requires './impl/…' at run time; its ESM build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  logLevel: 'warning',
});
console.log(`Built ${entryPoints.length} integration test bundles into ${outDir} in ${Date.now() - started} ms`);
