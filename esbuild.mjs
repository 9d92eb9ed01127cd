// Bundles the extension, the CLI and the send-panel webview. Type-checking is `npm run typecheck`.
// Azure SDKs stay lazily evaluated: esbuild turns `await import()` into a deferred require.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Problem-matcher friendly output for `esbuild --watch` in VS Code. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {console.error(`    ${location.file}:${location.line}:${location.column}:`);}
      }
      console.log('[watch] build finished');
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  keepNames: true, // error class names must survive minification
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: ['src/webview/sendPanel/main.ts'],
    outfile: 'dist/webview/sendPanel.js',
    logLevel: 'warning',
    plugins: watch ? [problemMatcher] : [],
  },
].filter((b) => existsSync(b.entryPoints[0]));

/** The send panel loads codicons from dist/webview (a localResourceRoot), never from node_modules. */
function copyCodicons() {
  if (!existsSync('src/webview/sendPanel/main.ts')) {return;}
  mkdirSync('dist/webview/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/codicons/${file}`);
  }
}
copyCodicons();

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`Built ${builds.map((b) => b.outfile).join(', ')} in ${Date.now() - started} ms`);
}
