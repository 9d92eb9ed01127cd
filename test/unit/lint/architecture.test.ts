// ARCHITECTURE.md is kept true here: its code map names every folder under src/, its layer table is
// the lint config's, and each rule it states is written into the config that enforces it (lint,
// the cycle check in the test command, the logger, the one explanation table).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { createLogger, type LogLevel } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';

const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `ARCHITECTURE.md has no "## ${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

function folders(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => [path, ...folders(path)]);
}

interface LayerConfig {
  readonly LAYERS: Readonly<Record<string, readonly string[]>>;
  readonly VSCODE_LAYERS: readonly string[];
  readonly LAZY_LAYERS: readonly string[];
}

async function lintConfig(): Promise<LayerConfig> {
  return (await import(join(root, 'eslint.config.mjs'))) as LayerConfig;
}

describe('ARCHITECTURE.md', () => {
  it('maps every folder under src/, and only folders that exist (or are marked planned)', () => {
    const map = section('Code map');
    const entries = [...map.matchAll(/^- `(src\/[^`]*)`: (.*)$/gm)].map((m) => ({ folder: (m[1] ?? '').replace(/\/$/, ''), planned: (m[2] ?? '').startsWith('(planned') }));
    const listed = entries.map((e) => e.folder);
    const actual = folders(join(root, 'src')).map((path) => relative(root, path).split('\\').join('/'));
    assert.deepEqual(
      actual.filter((folder) => !listed.includes(folder)),
      [],
      'folders missing from the code map',
    );
    assert.deepEqual(
      entries.filter((e) => !e.planned && !actual.includes(e.folder)).map((e) => e.folder),
      [],
      'code map entries with no folder',
    );
  });

  it('states the layer graph the lint config enforces', async () => {
    const { LAYERS } = await lintConfig();
    const rows = [...section('Layers').matchAll(/^\| `([a-z]+)` \| (.*) \|$/gm)];
    const stated = Object.fromEntries(rows.map((m) => [m[1] ?? '', [...(m[2] ?? '').matchAll(/`([a-z]+)`/g)].map((n) => n[1] ?? '')]));
    assert.deepEqual(stated, LAYERS);
    assert.deepEqual(Object.keys(LAYERS).sort(), readdirSync(join(root, 'src')).sort(), 'every top-level folder of src/ is a layer');
  });
});

describe('the rules ARCHITECTURE.md states are enforced', () => {
  it('lint bans vscode outside src/extension and every import the layer graph does not allow', async () => {
    const { LAYERS, VSCODE_LAYERS, LAZY_LAYERS } = await lintConfig();
    assert.match(doc, /\*\*core never imports vscode\.\*\*/);
    assert.deepEqual(VSCODE_LAYERS, ['extension']);
    const eslint = new ESLint({ cwd: root });
    for (const [layer, allowed] of Object.entries(LAYERS)) {
      const config = (await eslint.calculateConfigForFile(join(root, 'src', layer, 'zzProbe.ts'))) as { rules: Record<string, unknown> };
      const rule = config.rules['@typescript-eslint/no-restricted-imports'] as [unknown, { paths: { name: string }[]; patterns: { regex?: string; group?: string[] }[] }];
      assert.ok(rule, `${layer}: no-restricted-imports is not configured`);
      const { paths, patterns } = rule[1];
      assert.equal(paths.some((p) => p.name === 'vscode'), !VSCODE_LAYERS.includes(layer), `${layer}: vscode ban`);
      const banned = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
      const layerPattern = patterns[0]?.regex ?? '';
      for (const other of Object.keys(LAYERS)) {
        const blocked = new RegExp(layerPattern).test(`../${other}/x`);
        assert.equal(blocked, banned.includes(other), `${layer} importing ${other}`);
      }
      assert.equal(
        patterns.some((p) => p.group?.includes('@azure/*')),
        LAZY_LAYERS.includes(layer),
        `${layer}: lazy Azure SDK rule`,
      );
    }
  });

  it('the test command runs the cycle check, and the check fails on a circle', () => {
    assert.match(doc, /\*\*No import circle anywhere in `src\/`\.\*\*/);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(manifest.scripts['check:cycles'], 'node scripts/check-cycles.mjs');
    assert.match(readFileSync(join(root, 'scripts/test-all.sh'), 'utf8'), /^phase "import circles"; node scripts\/check-cycles\.mjs$/m);
    const dir = mkdtempSync(join(tmpdir(), 'esf-cycle-'));
    try {
      // A circle of type-only imports counts too.
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
      writeFileSync(join(dir, 'c.ts'), "import type { A } from './a';\nexport type C = A;\n");
      const run = spawnSync(process.execPath, [join(root, 'scripts/check-cycles.mjs'), dir], { encoding: 'utf8' });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /a\.ts -> .*b\.ts -> .*a\.ts/);
      rmSync(join(dir, 'b.ts'));
      writeFileSync(join(dir, 'b.ts'), 'export interface B { n?: number }\n');
      const clean = spawnSync(process.execPath, [join(root, 'scripts/check-cycles.mjs'), dir], { encoding: 'utf8' });
      assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every log line passes the redactor', () => {
    assert.match(doc, /\*\*Every log line passes the redactor\.\*\*/);
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.add('s3cret-value-1234567890');
    const log = createLogger({ log: (_level: LogLevel, message: string) => lines.push(message) }, redactor).child('probe');
    log.info('read s3cret-value-1234567890 from the vault');
    log.error('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => !line.includes('s3cret-value-1234567890') && !line.includes('c2lnbmF0dXJl')), lines.join('\n'));
  });

  it('one explanation table: nothing outside src/core/errors/ defines explanations', () => {
    assert.match(doc, /\*\*One explanation table\.\*\*/);
    const offenders = folders(join(root, 'src'))
      .concat(join(root, 'src'))
      .filter((dir) => !relative(root, dir).split('\\').join('/').startsWith('src/core/errors'))
      .flatMap((dir) => readdirSync(dir).filter((name) => name.endsWith('.ts')).map((name) => join(dir, name)))
      .filter((file) => /\bExplanationEntry\b|\bEXPLANATIONS\s*[:=]/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders, []);
    const table = readFileSync(join(root, 'src/core/errors/explanations/table.ts'), 'utf8');
    assert.match(table, /two entries for/, 'the table refuses a code defined twice');
  });
});
