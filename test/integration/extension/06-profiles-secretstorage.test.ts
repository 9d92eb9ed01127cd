// Profiles live in SecretStorage only: add one through the (scripted) wizard, read it back, export
// it (the file holds no secret), delete it; nothing reaches settings.json, the settings API or
// globalState/workspaceState.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, SECRET_KEYS, SETTINGS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { getApi, waitFor } from './helpers';

const NAME = 'Orders pipeline (in-host test)';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const READER_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const READER_SECRET = 'Abc8Q~inhost.reader-secret_0123456789xyz';
const SAS_KEY = 'aW4taG9zdC1zYXMta2V5LXZhbHVlLTAxMjM0NTY3ODk=';
const CONNECTION_STRING = `Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_5678efgh;SharedAccessKey=${SAS_KEY};EntityPath=es_9abc0def`;
const SECRET_VALUES = [READER_SECRET, SAS_KEY];

/** The secure-flow answers, in wizard order (see test/unit/extension/profilesWizard.test.ts). */
const WIZARD = [
  NAME,
  { pick: 'Azure (public)' },
  'https://contoso-kv.vault.azure.net/',
  { pick: 'Service principal' },
  TENANT,
  READER_CLIENT_ID,
  READER_SECRET,
  { pick: 'Like the pipeline (v1)' },
  'pipeline-client-id',
  'pipeline-client-secret',
  { pick: 'Paste a connection string' },
  CONNECTION_STRING,
  { pick: 'Entra ID (the secure flow)' },
  TENANT,
  { pick: 'v1, like the pipeline' },
  { pick: 'REST (HTTPS)' },
];

function userSettingsFile(api: ExtensionApi): string {
  // <user-data-dir>/User/globalStorage/<extension id> → <user-data-dir>/User/settings.json
  return path.resolve(api.services.context.globalStorageUri.fsPath, '..', '..', 'settings.json');
}

function mementoDump(memento: vscode.Memento): string {
  return JSON.stringify(memento.keys().map((k) => [k, memento.get(k)]));
}

describe('profiles in SecretStorage', () => {
  let api: ExtensionApi;
  let settingsBefore: string | undefined;
  let profileId: string | undefined;

  before(async () => {
    api = await getApi();
    const file = userSettingsFile(api);
    settingsBefore = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('adds a profile through the wizard (scripted), stored whole in SecretStorage', async () => {
    // While the sandbox runs, the wizard first offers its vault from Azure discovery: type instead.
    const answers = api.services.sandbox.current ? [...WIZARD.slice(0, 2), { pick: 'Type it…' }, ...WIZARD.slice(2)] : WIZARD;
    const input = new api.testing.TestUserInput().answer(...answers);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.addProfile);
    assert.equal(input.pending, 0, `every step was asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
    const secretPrompts = input.prompts.filter((p) => (p.options as vscode.InputBoxOptions).password);
    assert.equal(secretPrompts.length, 2, 'the client secret and the connection string are typed hidden');
    const summary = await waitFor(async () => (await api.services.profiles.list()).find((p) => p.name === NAME), 'the new profile in the list');
    profileId = summary.id;
    const stored = await api.services.context.secrets.get(SECRET_KEYS.profile(profileId));
    assert.ok(stored?.includes(READER_SECRET), 'the reader secret is in SecretStorage');
    const index = await api.services.context.secrets.get(SECRET_KEYS.profileIndex);
    assert.ok(index?.includes(profileId), 'the index lists it');
  });

  it('reads it back with every field, and the tree shows it', async () => {
    assert.ok(profileId);
    const profile = await api.services.profiles.get(profileId);
    assert.ok(profile);
    assert.equal(profile.name, NAME);
    assert.equal(profile.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
    assert.deepEqual(profile.keyVault.auth, { kind: 'servicePrincipal', tenantId: TENANT, clientId: READER_CLIENT_ID, clientSecret: READER_SECRET, tokenRequest: 'pipeline' });
    assert.equal(profile.endpoint.namespace, 'eventstream-1234abcd.servicebus.windows.net');
    assert.equal(profile.endpoint.eventHubName, 'es_9abc0def');
    assert.deepEqual(profile.endpoint.auth, { kind: 'entra' }, 'the connection string key is dropped for Entra auth');
    const roots = await api.tree.getChildren();
    assert.ok(roots.some((r) => r.id === `profile/${profileId}` && r.getTreeItem().label === NAME), roots.map((r) => r.id).join(', '));
  });

  it('exports it without secrets', async () => {
    assert.ok(profileId);
    const target = vscode.Uri.file(path.join(mkdtempSync(path.join(os.tmpdir(), 'esf-export-')), 'orders.profile.json'));
    const input = new api.testing.TestUserInput().answer(target);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.exportProfile, profileId);
    assert.deepEqual(input.prompts.map((p) => p.kind), ['saveDialog']);
    const text = readFileSync(target.fsPath, 'utf8');
    const exported = JSON.parse(text) as { name: string; keyVault: { auth: { clientSecret: string; clientId: string } } };
    assert.equal(exported.name, NAME);
    assert.equal(exported.keyVault.auth.clientId, READER_CLIENT_ID);
    assert.equal(exported.keyVault.auth.clientSecret, '');
    for (const secret of SECRET_VALUES) {
      assert.ok(!text.includes(secret), 'no secret value in the exported file');
    }
  });

  it('deletes it after a modal confirmation; SecretStorage forgets it', async () => {
    assert.ok(profileId);
    const input = new api.testing.TestUserInput().answer('Delete');
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.deleteProfile, profileId);
    assert.equal((input.prompts[0]?.options as vscode.MessageOptions).modal, true);
    assert.ok(!(await api.services.profiles.list()).some((p) => p.id === profileId));
    assert.equal(await api.services.context.secrets.get(SECRET_KEYS.profile(profileId)), undefined);
  });

  it('wrote nothing to settings.json, the settings API, globalState or workspaceState', () => {
    const file = userSettingsFile(api);
    assert.ok(existsSync(file), `user settings file at ${file} (the harness writes quiet settings there)`);
    assert.equal(readFileSync(file, 'utf8'), settingsBefore, 'user settings.json unchanged');
    const config = vscode.workspace.getConfiguration(SETTINGS.section);
    for (const key of Object.values(SETTINGS).filter((k) => k !== SETTINGS.section)) {
      const inspected = config.inspect(key.slice(SETTINGS.section.length + 1));
      assert.equal(inspected?.globalValue, undefined, `${key} has no user value`);
      assert.equal(inspected?.workspaceValue, undefined, `${key} has no workspace value`);
    }
    const anyConfig = JSON.stringify(vscode.workspace.getConfiguration().get(SETTINGS.section) ?? {});
    for (const secret of [...SECRET_VALUES, TENANT, READER_CLIENT_ID]) {
      assert.ok(!anyConfig.includes(secret), 'no identifier or secret under eventstreamFlow.* settings');
    }
    const states = mementoDump(api.services.context.globalState) + mementoDump(api.services.context.workspaceState);
    for (const secret of [...SECRET_VALUES, READER_CLIENT_ID]) {
      assert.ok(!states.includes(secret), `no secret or identifier in globalState/workspaceState (${states.slice(0, 200)})`);
    }
    const sandbox = api.services.sandbox.current;
    if (sandbox) {
      for (const secret of [sandbox.world.reader.clientSecret, sandbox.world.pipeline.clientSecret, sandbox.world.sas.key]) {
        assert.ok(!states.includes(secret), 'no sandbox secret in globalState/workspaceState');
      }
    }
  });
});
