// Security issue #13 in the editor: a profile someone shares ("try my profile") whose namespace is
// `127.0.0.2:8443\@localhost` once validated as the loopback host and sent the Event Hubs token to
// 127.0.0.2:8443. A listener there stands for the attacker: it must never see a connection, whether
// the profile comes through Import Profiles… or is already stored (by an older version).
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { startAttackerListener, type AttackerListener } from '../../shared/attackerListener';
import { ensureSandbox, freshState, getApi, SANDBOX_PROFILE_ID, spyNotifications } from './helpers';

const CRAFTED = '127.0.0.2:8443\\@localhost';

describe('a shared profile cannot send the Event Hubs token to another host (#13)', () => {
  let api: ExtensionApi;
  let listener: AttackerListener;

  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
    listener = await startAttackerListener();
  });
  after(async () => {
    await listener.close();
    await freshState(api);
  });

  async function sandboxProfile(): Promise<ConnectionProfile> {
    const profile = await api.services.profiles.get(SANDBOX_PROFILE_ID);
    assert.ok(profile, 'the sandbox profile is stored');
    return profile;
  }

  it('Import Profiles… refuses it, naming endpoint.namespace, and stores nothing', async () => {
    const base = await sandboxProfile();
    const shared: ConnectionProfile = { ...base, id: 'shared-with-me', name: 'Shared with me', endpoint: { ...base.endpoint, namespace: CRAFTED, auth: { kind: 'entra' } } };
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'esf-shared-')), 'shared.profile.json');
    writeFileSync(file, JSON.stringify(shared));
    const before = (await api.services.profiles.list()).length;
    const spy = spyNotifications();
    try {
      await vscode.commands.executeCommand(COMMANDS.importProfiles, vscode.Uri.file(file));
    } finally {
      spy.restore();
    }
    const error = spy.shown.find((s) => s.kind === 'error');
    assert.ok(error, `an error was shown: ${JSON.stringify(spy.shown)}`);
    assert.match(error.message, /endpoint\.namespace/);
    assert.match(error.message, /backslash/);
    assert.equal((await api.services.profiles.list()).length, before, 'nothing was imported');
    assert.equal(listener.connections(), 0, 'the crafted host saw no connection');
  });

  for (const where of ['endpoint.namespace', 'readBack.namespace'] as const) {
    it(`a stored profile with it in ${where} is refused before any request: Run Full Flow and a send with read back reach nothing`, async () => {
      const store = api.services.profiles as { get: (id: string) => Promise<ConnectionProfile | undefined> };
      const original = store.get;
      store.get = async (id: string) => {
        const stored = await original(id);
        if (!stored || id !== SANDBOX_PROFILE_ID) {
          return stored;
        }
        // As an older version may have stored it: no validation on the way out of SecretStorage.
        return where === 'endpoint.namespace'
          ? { ...stored, endpoint: { ...stored.endpoint, namespace: CRAFTED, auth: { kind: 'entra' } } }
          : { ...stored, endpoint: { ...stored.endpoint, auth: { kind: 'entra' } }, readBack: { namespace: CRAFTED } };
      };
      const spy = spyNotifications();
      try {
        await vscode.commands.executeCommand(COMMANDS.runFlow, SANDBOX_PROFILE_ID);
        await api.services.flows
          .run(SANDBOX_PROFILE_ID, { target: 'send', send: { events: [{ body: '{"shared":true}' }] }, readBack: { timeoutSeconds: 2 }, showProgress: false })
          .catch((error: unknown) => spy.shown.push({ kind: 'error', message: String((error as Error).message) }));
      } finally {
        spy.restore();
        store.get = original;
      }
      assert.ok(
        spy.shown.some((s) => s.kind === 'error' && s.message.includes(where)),
        `the refusal names ${where}: ${JSON.stringify(spy.shown)}`,
      );
      assert.equal(listener.connections(), 0, 'the crafted host saw no connection');
    });
  }
});
