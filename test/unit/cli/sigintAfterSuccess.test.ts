// Issue #11: a SIGINT just after "Flow succeeded" must not kill the CLI by the signal: it exits 0 (the
// run is done) or 130 (cancelled), by its own exit code, with its temporary folders removed. Both
// ways the CLI runs a sandbox: in one process (the CA already trusted) and re-run with its own CA.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cliEntry = join(root, 'src/cli/index.ts');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly leftovers: string[];
}

/** `run` against a fresh sandbox; SIGINT `delayMs` after "Flow succeeded" appears on stdout. */
async function interruptAfterSuccess(delayMs: number, trusted: boolean): Promise<Exit> {
  const tmp = await mkdtemp(join(tmpdir(), 'esf-sigint-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp, NO_COLOR: '1' };
  if (!trusted) {
    delete env.ESF_SANDBOX_CA_DIR;
    delete env.NODE_EXTRA_CA_CERTS;
  }
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'run'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stderr.resume();
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!sent && out.includes('Flow succeeded')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), delayMs);
      }
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (c, s) => resolve({ code: c, signal: s })));
    assert.ok(sent, `"Flow succeeded" never appeared (exit ${code}): ${out}`);
    const left = (await readdir(tmp)).filter((name) => name.startsWith('eventstream-flow-'));
    return { code, signal, out, leftovers: left };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

describe('SIGINT just after "Flow succeeded" (#11)', { timeout: 240_000 }, () => {
  for (const trusted of [true, false]) {
    for (const delayMs of [0, 30, 150]) {
      it(`${trusted ? 'one process' : 'the re-run with its own CA'}, ${delayMs} ms after: exit 0 or 130, not killed, no folder left`, async () => {
        const exit = await interruptAfterSuccess(delayMs, trusted);
        assert.equal(exit.signal, null, `killed by ${exit.signal}: ${exit.out}`);
        assert.ok(exit.code === 0 || exit.code === 130, `exit ${exit.code}: ${exit.out}`);
        assert.deepEqual(exit.leftovers, [], 'temporary folders left behind');
      });
    }
  }
});
