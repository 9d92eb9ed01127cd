// Issue #13: the CLI's temporary folders (the sandbox's secrets.env and profile, the sandbox CA and
// its key) are gone after every way a CLI process ends: a normal exit, bad input, Ctrl+C or SIGTERM
// to a running `eventstream-flow sandbox` (the re-run with the CA trusted and the in-process one),
// Ctrl+C from a terminal (SIGINT to the whole process group), and an uncaught exception.
// Each process gets its own TMPDIR, so what it leaves behind is easy to see.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cliEntry = join(root, 'src/cli/index.ts');
const TIMEOUT = { timeout: 90_000 };

interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

/**
 * The CLI in a child process with TMPDIR set to `tmp`. `trusted`: the runner's CA is already
 * trusted (ESF_SANDBOX_CA_DIR), so the CLI runs in one process; otherwise it makes its own CA
 * folder and re-runs itself with it, as it does for a user.
 */
function startCli(args: string[], tmp: string, options: { trusted: boolean; detached?: boolean }): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp };
  if (!options.trusted) {
    delete env.ESF_SANDBOX_CA_DIR;
    delete env.NODE_EXTRA_CA_CERTS;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached === true,
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => err };
}

/** The first line on stdout: `sandbox --json` prints its summary once it is up. */
async function firstLine(started: Started): Promise<string> {
  const lines = createInterface({ input: started.child.stdout! });
  const line = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    started.exited.then(({ code }) => {
      throw new Error(`the CLI exited (${code}) before printing: ${started.stderr()}`);
    }),
  ]);
  // Keep draining stdout so the child never blocks on a full pipe.
  started.child.stdout?.resume();
  return line;
}

/** What the CLI left in its temp folder (tsx keeps its own cache there too: not ours). */
async function leftovers(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('eventstream-flow-'));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('the CLI removes its temporary folders on every way out', () => {
  let base: string;
  const freshTmp = (): Promise<string> => mkdtemp(join(base, 'tmp-'));
  const running: ChildProcess[] = [];
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'esf-tempdirs-'));
  });
  after(async () => {
    for (const child of running) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await rm(base, { recursive: true, force: true });
  });

  /** Starts `sandbox --json`, checks its folders exist (secrets.env holds the reader's secret), returns them. */
  async function startSandbox(tmp: string, options: { trusted: boolean; detached?: boolean }): Promise<{ started: Started; folders: string[] }> {
    const started = startCli(['sandbox', '--json'], tmp, options);
    running.push(started.child);
    const summary = JSON.parse(await firstLine(started)) as { secretsEnv: string; profile: string; ca: string };
    const envText = await readFile(summary.secretsEnv, 'utf8');
    assert.match(envText, /EVENTSTREAM_FLOW_CLIENT_SECRET='[^']{10,}'/);
    const sandboxDir = dirname(summary.secretsEnv);
    assert.equal(dirname(sandboxDir), tmp, 'the sandbox folder is in TMPDIR');
    const folders = [sandboxDir];
    if (!options.trusted) {
      // The CA folder of the re-run, named in secrets.env (ESF_SANDBOX_CA_DIR), with the CA's key.
      const caDir = /ESF_SANDBOX_CA_DIR='([^']+)'/.exec(envText)?.[1] ?? '';
      assert.ok(await exists(join(caDir, 'ca-key.pem')), 'the CA folder holds the key');
      folders.push(caDir);
    }
    assert.equal((await leftovers(tmp)).length, folders.length);
    return { started, folders };
  }

  for (const trusted of [false, true]) {
    const how = trusted ? 'in one process (CA already trusted)' : 'through the re-run with its own CA';
    it(`removes the sandbox folder (secrets.env) and the CA folder after SIGINT to a running \`sandbox\`, ${how}`, TIMEOUT, async () => {
      const tmp = await freshTmp();
      const { started, folders } = await startSandbox(tmp, { trusted });
      started.child.kill('SIGINT');
      const { code, signal } = await started.exited;
      assert.equal(signal, null, `the CLI ended by its own exit, not by the signal: ${started.stderr()}`);
      assert.equal(code, 0, started.stderr());
      for (const folder of folders) {
        assert.equal(await exists(folder), false, `${folder} is gone`);
      }
      assert.deepEqual(await leftovers(tmp), []);
    });

    it(`removes them after SIGTERM to a running \`sandbox\`, ${how}`, TIMEOUT, async () => {
      const tmp = await freshTmp();
      const { started } = await startSandbox(tmp, { trusted });
      started.child.kill('SIGTERM');
      const { signal } = await started.exited;
      assert.equal(signal, null, started.stderr());
      assert.deepEqual(await leftovers(tmp), []);
    });
  }

  it('removes them after Ctrl+C in a terminal: SIGINT to the whole process group, so the re-run gets it twice', TIMEOUT, async () => {
    const tmp = await freshTmp();
    const { started } = await startSandbox(tmp, { trusted: false, detached: true });
    process.kill(-started.child.pid!, 'SIGINT');
    const { code, signal } = await started.exited;
    assert.equal(signal, null, started.stderr());
    assert.equal(code, 0, started.stderr());
    assert.deepEqual(await leftovers(tmp), []);
  });

  it('removes the CA folder when `sandbox` refuses its input (exit 2)', TIMEOUT, async () => {
    const tmp = await freshTmp();
    const started = startCli(['sandbox', '--fault', 'send:noSuchFault'], tmp, { trusted: false });
    running.push(started.child);
    const { code } = await started.exited;
    assert.equal(code, 2, started.stderr());
    assert.match(started.stderr(), /--fault: 'noSuchFault' is not a fault kind/);
    assert.deepEqual(await leftovers(tmp), []);
  });

  it('removes the CA folder after a `test` run against the sandbox', TIMEOUT, async () => {
    const tmp = await freshTmp();
    const started = startCli(['test', 'kv-token', '--json'], tmp, { trusted: false });
    running.push(started.child);
    started.child.stdout?.resume();
    const { code, signal } = await started.exited;
    assert.equal(signal, null, started.stderr());
    assert.notEqual(code, null);
    assert.deepEqual(await leftovers(tmp), []);
  });

  it('removes a folder still registered when the process dies of an uncaught exception', TIMEOUT, async () => {
    const tmp = await freshTmp();
    const script = [
      `const { makeTempDir } = require(${JSON.stringify(join(root, 'src/cli/tempDirs.ts'))});`,
      `const dir = makeTempDir('eventstream-flow-sandbox-');`,
      `require('node:fs').writeFileSync(require('node:path').join(dir, 'secrets.env'), 'x');`,
      `console.log(dir);`,
      `setTimeout(() => { throw new Error('boom'); }, 10);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.ok(out.trim().startsWith(tmp), out);
    assert.deepEqual(await leftovers(tmp), []);
  });
});
