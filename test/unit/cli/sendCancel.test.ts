// Ctrl-C during a million-event send (issue #8): the CLI exits 130 and says how many events the
// service acknowledged, how many were in flight and how many were never sent, and those figures
// agree with what the Event Hubs peer received: acknowledged ≤ received ≤ acknowledged + in flight.
// REST and AMQP, with the CLI's own sandbox and with a profile file for a sandbox of this process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { startSandbox } from '../../../src/sandbox/index';

const root = resolve(__dirname, '../../..');
const cliEntry = join(root, 'src/cli/index.ts');

interface Cancelled {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  /** From SIGINT to the process's exit. */
  readonly exitMs: number;
}

/** Starts `send --count 1000000`, sends SIGINT once `when` says so (from stderr), and waits for the exit. */
function sendThenCancel(args: string[], env: NodeJS.ProcessEnv, when: (stderr: string, stdout: string) => boolean): Promise<Cancelled> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'send', '--count', '1000000', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signalledAt = 0;
  const maybeCancel = (): void => {
    if (signalledAt === 0 && when(err, out)) {
      signalledAt = Date.now();
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    maybeCancel();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    maybeCancel();
  });
  // Never wait for ever: a CLI that ignores the signal is killed and the test fails on its code.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(guard);
      done({ code, out, err, exitMs: signalledAt ? Date.now() - signalledAt : -1 });
    }),
  );
}

/** "Cancelled: 1,234 acknowledged, 567 in flight (…), 998,199 never sent of 1,000,000 events." */
function countsOf(out: string): { acknowledged: number; inFlight: number; neverSent: number } {
  const line = /Cancelled: (.*)/.exec(out)?.[1];
  assert.ok(line, `no counts after the cancel:\n${out}`);
  const number = (label: string): number => Number((new RegExp(`([\\d,]+) ${label}`).exec(line)?.[1] ?? '0').replace(/,/g, ''));
  return { acknowledged: number('acknowledged'), inFlight: number('in flight'), neverSent: number('never sent') };
}

/** Once acknowledged events show on the live line: mid-send. */
const midSend = (stderr: string): boolean => /sending: [1-9][\d,]*\//.test(stderr);

void describe('CLI: cancelling a million-event send', { timeout: 300_000 }, () => {
  for (const protocol of ['rest', 'amqp'] as const) {
    void it(`${protocol}, its own sandbox: exit 130, counts that match what the peer received`, async (t) => {
      const run = await sendThenCancel(['--protocol', protocol], process.env, midSend);
      assert.equal(run.code, 130, run.out + run.err);
      const counts = countsOf(run.out);
      assert.ok(counts.acknowledged > 0, run.out);
      assert.equal(counts.acknowledged + counts.inFlight + counts.neverSent, 1_000_000, run.out);
      const received = Number((/received ([\d,]+) events?/.exec(run.out)?.[1] ?? 'NaN').replace(/,/g, ''));
      assert.ok(counts.acknowledged <= received && received <= counts.acknowledged + counts.inFlight, `acknowledged ${counts.acknowledged}, in flight ${counts.inFlight}, received ${received}`);
      t.diagnostic(`${protocol}: exit ${run.exitMs} ms after SIGINT; ${counts.acknowledged} acknowledged, ${counts.inFlight} in flight, ${received} received`);
    });

    void it(`${protocol}, --profile: the peer of this process received between acknowledged and acknowledged + in flight`, async (t) => {
      const sandbox = await startSandbox();
      try {
        const base = sandbox.profile({ protocol });
        const profile: ConnectionProfile = { ...base, keyVault: { ...base.keyVault, auth: { ...base.keyVault.auth, clientSecret: '' } as ConnectionProfile['keyVault']['auth'] } };
        const file = join(await mkdtemp(join(tmpdir(), 'esf-cancel-')), 'profile.json');
        await writeFile(file, JSON.stringify(profile));
        const run = await sendThenCancel(['--profile', file], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret }, midSend);
        assert.equal(run.code, 130, run.out + run.err);
        const counts = countsOf(run.out);
        // Requests the CLI abandoned may still be finishing here: let them land before counting.
        await new Promise((r) => setTimeout(r, 300));
        const received = sandbox.received.all().length;
        assert.ok(counts.acknowledged <= received && received <= counts.acknowledged + counts.inFlight, `acknowledged ${counts.acknowledged}, in flight ${counts.inFlight}, received ${received}`);
        t.diagnostic(`${protocol} --profile: exit ${run.exitMs} ms after SIGINT; ${counts.acknowledged} acknowledged, ${counts.inFlight} in flight, ${received} received`);
      } finally {
        await sandbox.stop();
      }
    });
  }

  void it('before the send starts (during the token stages): exit 130, nothing acknowledged, no counts claimed', async () => {
    // The header line is printed before stage 1 starts; the Key Vault reads take longer than a signal.
    const run = await sendThenCancel([], process.env, (_stderr, stdout) => stdout.includes('Eventstream Flow'));
    assert.equal(run.code, 130, run.out + run.err);
    assert.doesNotMatch(run.out, /[1-9][\d,]* acknowledged/);
  });
});
