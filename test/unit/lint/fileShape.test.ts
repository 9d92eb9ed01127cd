// Files that each hold one idea (#12), kept so: no file in src/ over 400 lines unless it is a
// declared data table (first line `// data-table: <why>`), and every file says what it holds in a
// comment before its first declaration. ARCHITECTURE.md states both rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

// coreBoundary.test.ts writes short-lived src/core/zzLintProbe*.ts files while tests run in parallel.
const files = sources(join(root, 'src'))
  .filter((path) => !/[\\/]zzLintProbe\w*\.ts$/.test(path))
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

/** Imports and re-exports may come first; the first other line must be a comment. */
function opensWithComment(text: string): boolean {
  let inImport = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') {
      continue;
    }
    if (trimmed.startsWith('//') || trimmed.startsWith('/*')) {
      return true;
    }
    if (inImport) {
      inImport = !/;\s*$/.test(trimmed);
      continue;
    }
    if (/^(import\b|export (\*|type \{|\{)[^;]*from\b)/.test(trimmed) || /^export (type )?\{$/.test(trimmed)) {
      inImport = !/;\s*$/.test(trimmed);
      continue;
    }
    return false;
  }
  return true;
}

void describe('file shape in src/', () => {
  void it(`has no file over ${MAX_LINES} lines except declared data tables`, () => {
    const long = files
      .filter(({ text }) => text.split('\n').length > MAX_LINES && !text.startsWith('// data-table:'))
      .map(({ path, text }) => `${path} (${text.split('\n').length} lines)`);
    assert.deepEqual(long, [], 'split these by idea, or mark a pure data table with a first line `// data-table: <why>`');
  });

  void it('says in a comment, before its first declaration, what each file holds', () => {
    const silent = files.filter(({ text }) => !opensWithComment(text)).map(({ path }) => path);
    assert.deepEqual(silent, []);
  });

  void it('is stated in ARCHITECTURE.md', () => {
    const doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
    assert.match(doc, /400 lines/);
    assert.match(doc, /data-table:/);
  });
});
