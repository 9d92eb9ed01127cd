// #9, "the same through the CLI": `eventstream-flow sandbox` keeps its peers up in one terminal;
// in another, after `source secrets.env`, `discover fabric --create-profile` asks *that* sandbox
// (EVENTSTREAM_FLOW_SANDBOX), so the profile it writes runs green there, read back included. A
// sandbox that stopped is named with the fix, never replaced silently by a new one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { runCli } from './cliRunner';

const root = join(__dirname, '..', '..', '..');
const TIMEOUT = { timeout: 90_000 };

/** The `export NAME='value'` lines of secrets.env. */
function exportsOf(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)) {
    vars[match[1] ?? ''] = match[2] ?? '';
  }
  return vars;
}

describe('discover asks the sandbox `eventstream-flow sandbox` keeps running', () => {
  let dir: string;
  let child: ReturnType<typeof spawn>;
  let exited: Promise<unknown>;
  let env: NodeJS.ProcessEnv;
  let summary: { secretsEnv: string; handle: string; namespace: string; fabricApi: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'esf-attached-'));
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'sandbox', '--json'], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    exited = new Promise((resolve) => child.once('exit', resolve));
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    child.stdout?.resume();
    summary = JSON.parse(line) as typeof summary;
    env = { ...process.env, ...exportsOf(await readFile(summary.secretsEnv, 'utf8')) };
  });
  after(async () => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('secrets.env names the sandbox and the keys of its Fabric endpoints; the summary its Fabric and ARM peers', () => {
    assert.equal(env.EVENTSTREAM_FLOW_SANDBOX, summary.handle);
    assert.ok(env.EVENTSTREAM_FLOW_SAS_KEY, 'the source key');
    assert.ok(env.EVENTSTREAM_FLOW_READ_BACK_SAS_KEY, 'the destination key');
    assert.match(summary.fabricApi, /^https:\/\/localhost:\d+$/);
  });

  it('--create-profile writes a profile on the running sandbox; it runs green with read back', TIMEOUT, async () => {
    const out = join(dir, 'orders-in.json');
    const made = await runCli(['discover', 'fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--read-back', 'orders-readback', '--out', out], env);
    assert.equal(made.code, 0, made.err);
    assert.doesNotMatch(made.out, /started for this command/);
    assert.match(made.out, /Already set in this shell: EVENTSTREAM_FLOW_SAS_KEY, EVENTSTREAM_FLOW_READ_BACK_SAS_KEY/);
    const profile = JSON.parse(await readFile(out, 'utf8')) as { endpoint: { namespace: string } };
    assert.equal(profile.endpoint.namespace, summary.namespace, 'the namespace of the sandbox that keeps running');

    const run = await runCli(['run', '--profile', out, '--read-back', '--read-back-timeout', '10'], env);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /✔ Read back/);
    for (const key of [env.EVENTSTREAM_FLOW_SAS_KEY ?? '', env.EVENTSTREAM_FLOW_CLIENT_SECRET ?? '']) {
      assert.ok(!(made.out + made.err + run.out + run.err).includes(key), 'a key reached the output');
    }
  });

  it('after the sandbox stopped: exit 2 naming EVENTSTREAM_FLOW_SANDBOX with the fix, no new sandbox', TIMEOUT, async () => {
    child.kill('SIGINT');
    await exited;
    const listing = await runCli(['discover', 'fabric'], env);
    assert.equal(listing.code, 2, listing.out + listing.err);
    assert.match(listing.err, /EVENTSTREAM_FLOW_SANDBOX/);
    assert.match(listing.err, /is not running/);
    assert.match(listing.err, /eventstream-flow sandbox|unset EVENTSTREAM_FLOW_SANDBOX/);
  });
});
