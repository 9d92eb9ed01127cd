// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layer graph, written once (ARCHITECTURE.md, "Layers"): each folder of src/ and the folders it
 * may import. No arrow runs back up; `npm run check:cycles` keeps each layer free of circles inside.
 */
export const LAYERS = {
  core: [],
  shared: ['core'],
  sandbox: ['core'],
  webview: ['core', 'shared'],
  cli: ['core', 'shared', 'sandbox'],
  extension: ['core', 'shared', 'sandbox'],
};
/** Only src/extension runs inside VS Code; everything else runs in plain Node (or the webview). */
export const VSCODE_LAYERS = ['extension'];
/** Layers that load Azure SDKs, AMQP and (where allowed) the sandbox lazily, so activation and CLI start-up stay fast. */
export const LAZY_LAYERS = ['core', 'shared', 'cli', 'extension'];

const banVscode = { name: 'vscode', message: 'Only src/extension may import vscode: hand capabilities to the core as interfaces.' };
const lazyMessage = 'Load Azure SDKs, AMQP and the sandbox lazily with `await import(...)`; import types only.';
const lazyAzure = { group: ['@azure/*', 'rhea', 'rhea-promise', 'ws'], allowTypeImports: true, message: lazyMessage };
const lazySandbox = { regex: '(^|/)sandbox/', allowTypeImports: true, message: lazyMessage };
const lazyJsonc = { group: ['jsonc-parser'], allowTypeImports: true, message: 'jsonc-parser loads on first use: call jsonc() from src/core/util/jsonc.ts.' };

/** One lint block a layer: the layers it may not import (not even types), vscode, and the lazy rules. */
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const banned = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const patterns = [{ regex: `(^|/)(${banned.join('|')})/`, message: `src/${layer} may import only ${['itself', ...allowed].join(', ')} (the layer graph in eslint.config.mjs).` }];
  if (LAZY_LAYERS.includes(layer)) {
    patterns.push(lazyAzure, lazyJsonc);
    if (allowed.includes('sandbox')) {
      patterns.push(lazySandbox);
    }
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: VSCODE_LAYERS.includes(layer) ? [] : [banVscode], patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.host/**', 'test-results/**', 'bin/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  ...layerRules,
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Scripts and harnesses run in Node; the harness also evaluates code in the workbench page.
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['test/integration/**/*.mjs'], languageOptions: { globals: { ...globals.browser } } },
  // Tool configs must default-export.
  { files: ['*.mjs'], rules: { 'no-restricted-syntax': 'off' } },
);
