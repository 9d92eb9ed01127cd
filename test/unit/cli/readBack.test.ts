// `--read-back` end to end, in-process against the sandbox the CLI starts: the matched event's
// line, its JSON object, exit 17 when the event cannot be read back, and refused flag mistakes.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { startSandbox } from '../../../src/sandbox/index';
import { runCli as cli } from './cliRunner';

function assertNothingSecret(text: string): void {
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
  assert.doesNotMatch(text, /sig=[A-Za-z0-9%]{10,}/, 'a SAS signature leaked');
}

describe('eventstream-flow --read-back', () => {
  it('reads the sent event back and prints its partition, sequence number and latency', async () => {
    const { code, out } = await cli(['run', '--read-back', '--read-back-timeout', '10']);
    assert.equal(code, 0, out);
    assert.match(out, /✔ Send event\s+\d+ ms/);
    assert.match(out, /✔ Read back\s+\d+ ms {2}event [0-9a-f-]{36} on partition \d \(seq \d+\) of es_demo, consumer group \$Default: end-to-end \d+ ms, enqueued after -?\d+ ms/);
    assertNothingSecret(out);
  });

  it('adds a readBack object to --json output (AMQP send, explicit consumer group)', async () => {
    const { code, out } = await cli(['send', '--json', '--protocol', 'amqp', '--read-back', '--consumer-group', '$Default', '--partition-id', '1']);
    assert.equal(code, 0, out);
    const objects = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const readBack = objects.find((o) => o.type === 'readBack');
    assert.equal(readBack?.status, 'matched', out);
    assert.equal(readBack?.partitionId, '1');
    assert.equal(typeof readBack?.sequenceNumber, 'number');
    assert.equal(typeof readBack?.latencyMs, 'number');
    assert.equal(objects.at(-1)?.type, 'result');
    assertNothingSecret(out);
  });

  it('exits 17 and explains it when the consumer group does not exist; the send itself succeeded', async () => {
    const { code, out } = await cli(['run', '--read-back', '--consumer-group', 'nobody-reads-this']);
    assert.equal(code, 17, out);
    assert.match(out, /✔ Send event/);
    assert.match(out, /✘ Read back\s+\d+ ms {2}ConsumerGroupNotFound — The consumer group to read back from does not exist\./);
    assert.match(out, /Flow succeeded in \d+ ms, but the sent event was not read back\. Exit code 17\./);
    assert.match(out, /Fix: /);
    assertNothingSecret(out);
  });

  it('reads a profile file\'s readBack endpoint, its key from the environment, and only asks for it with --read-back', async () => {
    const sandbox = await startSandbox();
    try {
      const base = sandbox.profile({ protocol: 'amqp' });
      const group = sandbox.world.consumerGroups[1] ?? '';
      const profile: ConnectionProfile = {
        ...base,
        keyVault: { ...base.keyVault, auth: { ...base.keyVault.auth, clientSecret: '' } as ConnectionProfile['keyVault']['auth'] },
        readBack: { consumerGroup: group, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' }, timeoutSeconds: 10 },
      };
      const file = join(await mkdtemp(join(tmpdir(), 'esf-readback-')), 'profile.json');
      await writeFile(file, JSON.stringify(profile));
      const env = { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret, EVENTSTREAM_FLOW_READ_BACK_SAS_KEY: sandbox.world.sas.key };
      const { code, out, err } = await cli(['run', '--profile', file, '--read-back'], env);
      assert.equal(code, 0, out + err);
      assert.match(out, new RegExp(`✔ Read back .* consumer group ${group}: end-to-end \\d+ ms`));
      assert.ok(!(out + err).includes(sandbox.world.sas.key), 'the read-back key leaked');
      const { EVENTSTREAM_FLOW_READ_BACK_SAS_KEY: _unused, ...withoutKey } = env;
      const plain = await cli(['run', '--profile', file], withoutKey);
      assert.equal(plain.code, 0, plain.out + plain.err);
      assert.doesNotMatch(plain.out, /Read back/);
    } finally {
      await sandbox.stop();
    }
  });

  const mistakes: [string[], RegExp][] = [
    [['run', '--consumer-group', 'cg'], /--consumer-group: only applies to a read-back\.\n {2}fix: Add --read-back\./],
    [['run', '--read-back', '--read-back-timeout', '0'], /--read-back-timeout: is 0\.\n {2}fix: Give a whole number of seconds from 1 to 600/],
    [['run', '--read-back', '--read-back-timeout', '900'], /--read-back-timeout: is 900\.\n {2}fix: Give a whole number of seconds from 1 to 600/],
    [['run', '--read-back', '--consumer-group', 'no spaces'], /--consumer-group: "no spaces" is not a consumer group name/],
    [['test', 'kv-token', '--read-back'], /--read-back: does not apply to test/],
  ];
  for (const [args, message] of mistakes) {
    it(`refuses ${args.join(' ')} with exit 2`, async () => {
      const { code, out, err } = await cli(args);
      assert.equal(code, 2, out + err);
      assert.match(err + out, message);
    });
  }
});
