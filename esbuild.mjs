// Bundles the extension, the CLI and the send-panel webview. Type-checking is `npm run typecheck`.
// The Azure SDKs, AMQP and the sandbox go into their own files under dist/ (vendor/*.js,
// sandbox.js), required on first use: activation then neither compiles nor runs them.
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

/** Packages the core imports lazily; each becomes dist/vendor/<file>.js. */
const VENDOR = {
  '@azure/identity': 'identity',
  '@azure/keyvault-secrets': 'keyvault-secrets',
  '@azure/event-hubs': 'event-hubs',
  '@azure/core-rest-pipeline': 'core-rest-pipeline',
  '@azure/core-auth': 'core-auth',
  ws: 'ws',
  // Synchronous, but only on first use (src/core/util/jsonc.ts).
  'jsonc-parser': 'jsonc-parser',
};

/** Rewrites lazy imports of vendor packages and of the sandbox to the separate files beside the bundle. */
const lazyBundles = {
  name: 'lazy-bundles',
  setup(build) {
    const names = Object.keys(VENDOR).map((n) => n.replace(/[/]/g, '\\/')).join('|');
    build.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.js`, external: true }));
    build.onResolve({ filter: /(^|\/)sandbox\/(index|ca|stageFaults)$/ }, (args) =>
      args.importer.includes('/src/sandbox/') ? undefined : { path: './sandbox.js', external: true },
    );
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
  // Lazy imports of the vendor files must become require(): a native import() of a bundled CJS
  // file would see no named exports.
  supported: { 'dynamic-import': false },
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // jsonc-parser's `main` is a UMD file whose factory requires './impl/…' at run time, which a
  // bundle cannot resolve; its ESM build bundles (about 12 kB minified, only the parser).
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

const lazy = { ...node, plugins: [...node.plugins, lazyBundles] };
const vendorBuilds = Object.entries(VENDOR).map(([pkg, file]) => ({
  ...node,
  stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' },
  outfile: `dist/vendor/${file}.js`,
}));
const sandboxBuild = {
  ...node,
  stdin: {
    contents: "export * from './src/sandbox/index'; export * from './src/sandbox/ca'; export * from './src/sandbox/stageFaults';",
    resolveDir: '.',
    loader: 'ts',
  },
  outfile: 'dist/sandbox.js',
};

const builds = [
  { ...lazy, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...lazy, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js' },
  ...vendorBuilds,
  sandboxBuild,
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
].filter((b) => b.stdin || existsSync(b.entryPoints[0]));

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
  console.log(`Built ${builds.length} bundles (${builds.map((b) => b.outfile.replace('dist/', '')).join(', ')}) in ${Date.now() - started} ms`);
}
