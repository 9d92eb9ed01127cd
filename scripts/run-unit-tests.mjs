// Runs every plain-Node test (test/unit/**/*.test.ts) with Node's test runner and tsx.
// The sandbox CA is made once here, before the test processes start, so that Node trusts it
// everywhere through NODE_EXTRA_CA_CERTS (read only at process start), AMQP over TLS included.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {return findTests(path);}
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = findTests(join(root, 'test/unit'))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}

const caDir = mkdtempSync(join(tmpdir(), 'esf-ca-'));
const made = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/make-sandbox-ca.ts'), caDir], { stdio: 'inherit' });
if (made.status !== 0) {process.exit(made.status ?? 1);}

const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'), ESF_SANDBOX_CA_DIR: caDir };
console.log(`Running ${files.length} test files: ${files.map((f) => relative(root, f)).join(', ')}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env,
  cwd: root,
});
process.exit(run.status ?? 1);
