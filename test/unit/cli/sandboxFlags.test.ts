// `--latency`, `--partition-limit` and `--partition-limit-bytes` (issue #8): whole numbers within a
// stated range, only where the CLI starts the local sandbox, and handed to that sandbox.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSandboxCommand } from '../../../src/cli/commands/sandbox';
import { startCliSandbox } from '../../../src/cli/commands/sandboxSession';
import { HELP, parseCliArgs } from '../../../src/cli/options';
import { ValidationError } from '../../../src/core/errors/errors';
import { Redactor } from '../../../src/core/logging/redact';

function refused(args: string[], field: string, text: RegExp): void {
  assert.throws(
    () => parseCliArgs(args),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.field, field);
      assert.match(`${error.message} ${error.fix ?? ''}`, text);
      return true;
    },
    args.join(' '),
  );
}

describe('CLI sandbox network flags', () => {
  it('are absent by default', () => {
    assert.equal(parseCliArgs(['sandbox']).sandboxNetwork, undefined);
  });

  it('give the sandbox its latency and partition limit (sandbox command, and in-process sandboxes)', () => {
    assert.deepEqual(parseCliArgs(['sandbox', '--latency', '100', '--partition-limit', '1000', '--partition-limit-bytes', '1048576']).sandboxNetwork, {
      latencyMs: 100,
      partitionLimit: { eventsPerSecond: 1000, bytesPerSecond: 1_048_576 },
    });
    assert.deepEqual(parseCliArgs(['send', '--partition-limit', '5']).sandboxNetwork, { partitionLimit: { eventsPerSecond: 5 } });
    assert.deepEqual(parseCliArgs(['run', '--sandbox', '--profile', 'p.json', '--latency', '0']).sandboxNetwork, { latencyMs: 0 });
  });

  it('refuse what is not a whole number in range, naming the flag and the range', () => {
    for (const bad of ['0.5', '1e3', '0x10', '-1', '60001', 'abc', '']) {
      refused(['sandbox', `--latency=${bad}`], '--latency', /whole number of milliseconds from 0 to 60,000/);
    }
    for (const bad of ['0', '1.5', '1e9', '1000001']) {
      refused(['sandbox', `--partition-limit=${bad}`], '--partition-limit', /whole number of events per second from 1 to 1,000,000/);
    }
    for (const bad of ['0', '1073741825', '1MB']) {
      refused(['sandbox', `--partition-limit-bytes=${bad}`], '--partition-limit-bytes', /whole number of bytes per second from 1 to 1,073,741,824/);
    }
  });

  it('are refused against a profile: they shape the local sandbox only', () => {
    refused(['send', '--profile', 'p.json', '--latency', '100'], '--latency', /only applies to the local sandbox/);
    refused(['run', '--profile', 'p.json', '--partition-limit', '10'], '--partition-limit', /only applies to the local sandbox/);
  });

  it('are in the help', () => {
    assert.match(HELP, /--latency MS/);
    assert.match(HELP, /--partition-limit N .*1 to 1,000,000 events per second/s);
    assert.match(HELP, /--partition-limit-bytes N/);
  });

  it('reach the sandbox the CLI starts: its partition limit is on and its Event Hubs answers after the latency', async () => {
    const sandbox = await startCliSandbox(parseCliArgs(['send', '--latency', '120', '--partition-limit', '7']), new Redactor());
    try {
      assert.deepEqual(sandbox.ingress.partitionLimit(), { eventsPerSecond: 7 });
      const start = performance.now();
      const res = await fetch(`https://${sandbox.urls.namespace}/${sandbox.world.eventHubName}/messages`, { method: 'POST', body: 'x' });
      await res.arrayBuffer();
      assert.equal(res.status, 401, 'no token: refused, after the round trip');
      // libuv's millisecond timer clock may fire 1 ms early by performance.now().
      assert.ok(performance.now() - start >= 119);
    } finally {
      await sandbox.stop();
    }
  });

  it('`sandbox` prints them with the endpoints', async () => {
    let out = '';
    const stopped = new AbortController();
    stopped.abort();
    const code = await runSandboxCommand(parseCliArgs(['sandbox', '--latency', '50', '--partition-limit', '1000', '--partition-limit-bytes', '1048576']), { stdout: (t) => (out += t), stderr: () => undefined, color: false, env: process.env }, stopped.signal);
    assert.equal(code, 0);
    assert.match(out, /Latency +50 ms per round trip/);
    assert.match(out, /Partition limit +1000 events\/s and 1048576 bytes\/s per partition/);
  });
});
