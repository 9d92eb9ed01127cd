// Security issue #13, the reproduction: a shared profile whose namespace is `127.0.0.2:8443\@localhost`
// validated as loopback `localhost` (sb: URL rules) while the REST sender connected to 127.0.0.2:8443
// (https: URL rules) with the Event Hubs token. A listener there stands for the attacker's host: it
// must see no connection at all, and the CLI must refuse the file as bad input naming the field.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { Sandbox } from '../../../src/sandbox/types';
import { startTestSandbox } from '../azure/sandboxFixture';
import { startAttackerListener, type AttackerListener } from '../../shared/attackerListener';
import { runCli } from './cliRunner';

/** Crafted namespaces, each with the field the CLI must name. */
const CRAFTED: readonly string[] = [
  '127.0.0.2:8443\\@localhost',
  'attacker.example\\@localhost',
  'localhost@127.0.0.2:8443',
  'eventstream-abcd1234.servicebus.windows.net\\@localhost',
  'eventstream-abcd1234.servicebus.windows.net\r\nHost: 127.0.0.2',
  'eventstream-abcd1234.servicebus.windows.net?x=1',
  'eventstream-abcd1234.servicebus.windows.net#frag',
  'eventstream-abcd1234.servicebus.windows.net%2F@127.0.0.2',
  'ｌｏｃａｌｈｏｓｔ:8443',
  '2130706434:8443',
];

describe('a shared profile cannot send the Event Hubs token to a host that is not Azure (CLI)', () => {
  let sandbox: Sandbox;
  let listener: AttackerListener;
  let dir: string;

  before(async () => {
    sandbox = await startTestSandbox();
    dir = await mkdtemp(join(tmpdir(), 'esf-host-injection-'));
    listener = await startAttackerListener();
  });
  after(async () => {
    await listener.close();
    await sandbox.stop();
  });

  for (const namespace of CRAFTED) {
    for (const [where, command] of [
      ['endpoint.namespace', ['send', '--body', '{"x":1}']],
      ['readBack.namespace', ['send', '--read-back', '--read-back-timeout', '1']],
      ['endpoint.namespace', ['export', '--format', 'http']],
    ] as const) {
      it(`refuses ${JSON.stringify(namespace)} in ${where} (${command[0]}): exit 2, names the field, nothing connects`, async () => {
        const base = sandbox.profile({ name: 'shared with me' });
        const { clientSecret: _dropped, ...auth } = base.keyVault.auth as { clientSecret: string };
        const profile: ConnectionProfile = {
          ...base,
          keyVault: { ...base.keyVault, auth: auth as ConnectionProfile['keyVault']['auth'] },
          endpoint: { ...base.endpoint, auth: { kind: 'entra' }, ...(where === 'endpoint.namespace' ? { namespace } : {}) },
          ...(where === 'readBack.namespace' ? { readBack: { namespace } } : {}),
        };
        const path = join(dir, 'shared.profile.json');
        await writeFile(path, JSON.stringify(profile));
        const before = sandbox.received.all().length;
        const run = await runCli([...command, '--profile', path], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret });
        assert.equal(run.code, 2, run.out + run.err);
        assert.match(run.err, new RegExp(where.replace('.', '\\.')), run.err);
        assert.equal(listener.connections(), 0, 'the crafted host never saw a connection');
        assert.equal(sandbox.received.all().length, before, 'nothing was sent anywhere');
        assert.doesNotMatch(run.out + run.err, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'no token printed');
      });
    }
  }
});
