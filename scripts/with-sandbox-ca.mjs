// Runs a command with a fresh sandbox CA trusted from process start (NODE_EXTRA_CA_CERTS is read
// only then), and reused by startSandbox() through ESF_SANDBOX_CA_DIR.
// Usage: node scripts/with-sandbox-ca.mjs <command> [args…]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-sandbox-ca.mjs <command> [args…]');
  process.exit(2);
}
const caDir = mkdtempSync(join(tmpdir(), 'esf-ca-'));
try {
  const made = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/make-sandbox-ca.ts'), caDir], { stdio: 'inherit', cwd: root });
  if (made.status !== 0) {
    process.exit(made.status ?? 1);
  }
  const run = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'), ESF_SANDBOX_CA_DIR: caDir } });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(caDir, { recursive: true, force: true });
}
