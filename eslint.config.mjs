// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The core, the shared protocol, the sandbox and the CLI never see VS Code: they run in plain Node (and the webview). */
const banVscode = { name: 'vscode', message: 'Only src/extension may import vscode: hand capabilities to the core as interfaces.' };
const banUiLayers = { group: ['**/extension/**', '**/webview/**'], message: 'The core must not depend on the extension or the webview.' };
/** Azure SDKs and AMQP load lazily (`await import(...)`) so that activation and CLI start-up stay fast. */
const lazyMessage = 'Load Azure SDKs, AMQP and the sandbox lazily with `await import(...)`; import types only.';
const lazyAzure = { group: ['@azure/*', 'rhea', 'rhea-promise', 'ws'], allowTypeImports: true, message: lazyMessage };
const lazySandbox = { regex: '(^|/)sandbox/', allowTypeImports: true, message: lazyMessage };

const restrict = (/** @type {object[]} */ paths, /** @type {object[]} */ patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
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
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'], rules: restrict([banVscode], [banUiLayers, lazyAzure, lazySandbox]) },
  { files: ['src/sandbox/**/*.ts', 'src/webview/**/*.ts'], rules: restrict([banVscode], [banUiLayers]) },
  { files: ['src/extension/**/*.ts'], rules: restrict([], [lazyAzure, lazySandbox]) },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Scripts and harnesses run in Node; the harness also evaluates code in the workbench page.
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['test/integration/**/*.mjs'], languageOptions: { globals: { ...globals.browser } } },
  // Tool configs must default-export.
  { files: ['*.mjs'], rules: { 'no-restricted-syntax': 'off' } },
);
