// Configure Read Back… in the host: the (scripted) command points the sandbox profile's read back
// at the world's GUID-named consumer group with a Listen-only connection string of its own, the
// round trip then reads the sent event there, and neither the export nor the log holds the key.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { ensureSandbox, freshState, getApi, readLog, SANDBOX_PROFILE_ID } from './helpers';

const P = SANDBOX_PROFILE_ID;

describe('configure read back', () => {
  let api: ExtensionApi;
  let group: string;
  let listenKey: string;
  let connectionString: string;

  before(async () => {
    api = await getApi();
    const sandbox = await ensureSandbox(api);
    await freshState(api);
    const profile = await api.services.profiles.get(P);
    assert.ok(profile, 'the sandbox profile is stored');
    group = sandbox.world.consumerGroups.find((g) => g !== '$Default') ?? '';
    assert.match(group, /^[0-9a-f-]{36}$/, 'the world has a GUID-named consumer group');
    listenKey = sandbox.world.listenOnlySas.key;
    // Like a Fabric destination's key: Listen only, its own policy, the hub in EntityPath.
    connectionString = `Endpoint=sb://${profile.endpoint.namespace}/;SharedAccessKeyName=${sandbox.world.listenOnlySas.keyName};SharedAccessKey=${listenKey};EntityPath=${profile.endpoint.eventHubName}`;
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('stores the consumer endpoint with the profile, the key typed hidden', async () => {
    const input = new api.testing.TestUserInput().answer(
      { pick: 'Another endpoint (Fabric destination / other hub)' },
      { pick: 'Connection string' },
      connectionString,
      group,
      '20',
    );
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.configureReadBack, P);
    assert.equal(input.pending, 0, `every step was asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
    const hidden = input.prompts.filter((p) => (p.options as vscode.InputBoxOptions).password);
    assert.equal(hidden.length, 1, 'the connection string is typed hidden');
    const profile = (await api.services.profiles.get(P)) as ConnectionProfile;
    assert.equal(profile.readBack?.consumerGroup, group);
    assert.equal(profile.readBack?.timeoutSeconds, 20);
    assert.deepEqual(profile.readBack?.auth, { kind: 'connectionString', connectionString });
  });

  it('the round trip reads the sent event from that consumer group', async () => {
    const result = await api.services.flows.run(P, {
      target: 'send',
      showProgress: false,
      send: { events: [{ body: { marker: `configured-readback-${Date.now()}` }, contentType: 'application/json' }] },
      readBack: {},
    });
    assert.ok(result.ok, JSON.stringify(result.outcomes.filter((o) => o.status === 'failed')));
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
    assert.equal(result.readBack?.consumerGroup, group);
    const sent = api.services.sandbox.current?.received.all().find((e) => e.correlationId === result.readBack?.correlationId);
    assert.ok(sent, 'the sandbox received the event that was read back');
  });

  it('exports the read-back settings without their key, and never logs it', async () => {
    const target = vscode.Uri.file(path.join(mkdtempSync(path.join(os.tmpdir(), 'esf-readback-')), 'sandbox.profile.json'));
    api.testing.useUserInput(new api.testing.TestUserInput().answer(target));
    await vscode.commands.executeCommand(COMMANDS.exportProfile, P);
    const text = readFileSync(target.fsPath, 'utf8');
    const exported = JSON.parse(text) as ConnectionProfile;
    assert.equal(exported.readBack?.consumerGroup, group);
    assert.deepEqual(exported.readBack?.auth, { kind: 'connectionString', connectionString: '' });
    assert.ok(!text.includes(listenKey), 'no read-back key in the exported file');
    assert.ok(!(await readLog(api)).includes(listenKey), 'no read-back key in the log');
  });

  it('removes the settings again: read back returns to the send endpoint\'s $Default', async () => {
    api.testing.useUserInput(new api.testing.TestUserInput().answer({ pick: 'Remove read-back settings' }));
    await vscode.commands.executeCommand(COMMANDS.configureReadBack, P);
    const profile = await api.services.profiles.get(P);
    assert.equal(profile?.readBack, undefined);
  });
});
