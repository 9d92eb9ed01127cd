// The Fabric & Azure view in the host against the sandbox: the sandbox account → Fabric → workspace
// → eventstream → custom endpoints (with status) and Azure → subscription → vault / namespace → hub;
// Create Profile from Endpoint on the source, in one command, then the whole flow with read back
// green; Refresh Keys from Fabric; and no key in a label, tooltip, the log, settings or global state.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { COMMANDS } from '../../../src/extension/constants';
import type { DiscoveryNode } from '../../../src/extension/discovery/discoveryTree';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { RecordedPrompt } from '../../../src/extension/userInput';
import type { Sandbox } from '../../../src/sandbox/types';
import { ensureSandbox, freshState, getApi, readLog, waitFor } from './helpers';

const label = (node: DiscoveryNode): string => {
  const l = node.getTreeItem().label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};

async function child(node: DiscoveryNode, name: string): Promise<DiscoveryNode> {
  const kids = await node.getChildren();
  const found = kids.find((k) => label(k) === name);
  assert.ok(found, `"${name}" under ${node.id} among ${kids.map(label).join(', ')}`);
  return found;
}

/** Every item text a person can read in the subtree (labels, descriptions, tooltips). */
async function visibleText(node: DiscoveryNode, depth = 0): Promise<string> {
  const item = node.getTreeItem();
  const own = [label(node), String(item.description ?? ''), typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '')].join('\n');
  if (depth > 6) {
    return own;
  }
  const kids = await node.getChildren();
  return [own, ...(await Promise.all(kids.map((k) => visibleText(k, depth + 1))))].join('\n');
}

describe('Fabric & Azure discovery', () => {
  let api: ExtensionApi;
  let sandbox: Sandbox;
  let account: DiscoveryNode;
  let profileId: string;

  before(async () => {
    api = await getApi();
    sandbox = await ensureSandbox(api);
    await freshState(api);
    assert.ok(api.discovery, 'activate() exposes the Fabric & Azure provider');
    await vscode.commands.executeCommand(COMMANDS.refreshDiscovery);
    account = await waitFor(async () => (await api.discovery?.getChildren())?.find((n) => n.id === 'discovery/sandbox'), 'the sandbox account in the Fabric & Azure view');
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('lists Fabric: workspace → eventstream → custom endpoint source and destination, with status', async () => {
    assert.equal(label(account), 'Local sandbox');
    const fabric = await child(account, 'Fabric');
    const workspaces = (await fabric.getChildren()).map(label);
    assert.deepEqual(workspaces, ['Contoso Streaming', 'Sales Analytics', 'Finance Reporting'], 'every page of workspaces');
    const es = await child(await child(fabric, 'Contoso Streaming'), 'es-orders');
    const source = await child(es, 'orders-in');
    const item = source.getTreeItem();
    assert.equal(item.contextValue, 'fabricEndpoint;source');
    assert.equal(item.description, 'custom endpoint source · Running');
    const destination = (await child(es, 'orders-readback')).getTreeItem();
    assert.equal(destination.contextValue, 'fabricEndpoint;destination');
    assert.match(label(await child(es, '1 other source or destination')), /other source/);
  });

  it('lists Azure: subscription → the sandbox vault (URI, RBAC) and namespace → hub', async () => {
    const azure = await child(account, 'Azure');
    const subscription = await child(azure, 'Contoso Streaming (sandbox)');
    const kids = await subscription.getChildren();
    const vault = kids.find((k) => k.getTreeItem().contextValue === 'azureVault');
    assert.equal(vault?.getTreeItem().description, sandbox.urls.vaultUrl);
    assert.match(vault?.getTreeItem().tooltip as string, /Azure RBAC/);
    const namespace = kids.find((k) => k.getTreeItem().contextValue === 'azureNamespace');
    assert.equal(namespace?.getTreeItem().description, sandbox.urls.namespace);
    assert.deepEqual((await namespace?.getChildren())?.map(label), [sandbox.world.eventHubName]);
  });

  it('Create Profile from Endpoint makes a runnable profile in one command; the whole flow with read back is green', async () => {
    const es = await child(await child(await child(account, 'Fabric'), 'Contoso Streaming'), 'es-orders');
    const source = await child(es, 'orders-in');
    const input = new api.testing.TestUserInput().answer('Fabric orders', { pick: "Entra ID (the pipeline's service principal, read from Key Vault)" }, { pick: 'Read back from orders-readback' });
    api.testing.useUserInput(input);
    const before = new Set((await api.services.profiles.list()).map((p) => p.id));
    await vscode.commands.executeCommand(COMMANDS.createProfileFromEndpoint, source);
    assert.equal(input.pending, 0, `asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
    assert.equal(input.prompts.length, 3, 'only what Fabric cannot know: name, endpoint auth, read back (the sandbox knows the vault)');
    const created = (await api.services.profiles.list()).find((p) => !before.has(p.id));
    assert.ok(created, 'a new profile is stored');
    profileId = created.id;
    const profile = (await api.services.profiles.get(profileId)) as ConnectionProfile;
    assert.equal(profile.name, 'Fabric orders');
    assert.equal(profile.endpoint.namespace, sandbox.urls.namespace);
    assert.equal(profile.endpoint.eventHubName, sandbox.world.eventHubName);
    assert.deepEqual(profile.endpoint.auth, { kind: 'entra' });
    assert.equal(profile.readBack?.consumerGroup, sandbox.world.consumerGroups[1]);
    assert.deepEqual(profile.readBack?.auth, { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key }, 'the destination key is kept, in SecretStorage');

    const result = await api.services.flows.run(profileId, {
      target: 'send',
      showProgress: false,
      send: { events: [{ body: { marker: `fabric-discovery-${Date.now()}` }, contentType: 'application/json' }] },
      readBack: {},
    });
    assert.ok(result.ok, JSON.stringify(result.outcomes.filter((o) => o.status === 'failed')));
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
  });

  it('Refresh Keys from Fabric puts the current keys back after a rotation', async () => {
    const stale = (await api.services.profiles.get(profileId)) as ConnectionProfile;
    assert.ok(stale.readBack?.auth?.kind === 'sas');
    await api.services.profiles.save({ ...stale, readBack: { ...stale.readBack, auth: { ...stale.readBack.auth, key: 'cm90YXRlZC1hd2F5LWtleS0xMjM0NTY3ODkwYWJjZGVm' } } });
    await vscode.commands.executeCommand(COMMANDS.refreshKeysFromFabric, profileId);
    const refreshed = (await api.services.profiles.get(profileId)) as ConnectionProfile;
    assert.deepEqual(refreshed.readBack?.auth, { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key });
  });

  it('Add Profile offers the sandbox vault and its namespace / hub from Azure discovery (typing stays offered)', async () => {
    const offered: string[][] = [];
    const pickFrom = (wanted: string) => (prompt: RecordedPrompt): unknown => {
      const choices = prompt.choices.filter((c) => !/Back$/.test(c));
      offered.push(choices);
      return { pick: choices.find((c) => c.includes(wanted)) ?? choices[0] };
    };
    const keep = (prompt: RecordedPrompt): unknown => (prompt.options as vscode.InputBoxOptions).value ?? '';
    const { world } = sandbox;
    const input = new api.testing.TestUserInput().answer(
      'Wizard from Azure',
      { pick: 'Azure (public)' },
      pickFrom('kv-esf-'),
      { pick: 'Service principal' },
      world.tenantId,
      world.reader.clientId,
      world.reader.clientSecret,
      { pick: 'Like the pipeline (v1)' },
      'pipeline-client-id',
      'pipeline-client-secret',
      { pick: 'Enter the namespace and event hub' },
      pickFrom(`${sandbox.urls.namespace} / ${world.eventHubName}`),
      keep,
      { pick: 'Entra ID (the secure flow)' },
      keep,
      { pick: 'v1, like the pipeline' },
      { pick: 'REST (HTTPS)' },
    );
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.addProfile);
    assert.equal(input.pending, 0, `asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
    assert.ok(offered[0]?.some((c) => c.startsWith('kv-esf-')) && offered[0].includes('Type it…'), `vault choices: ${JSON.stringify(offered[0])}`);
    assert.ok(offered[1]?.includes(`${sandbox.urls.namespace} / ${world.eventHubName}`) && offered[1].includes('Type it…'), `hub choices: ${JSON.stringify(offered[1])}`);
    const summary = (await api.services.profiles.list()).find((p) => p.name === 'Wizard from Azure');
    assert.ok(summary, 'the profile was stored');
    const profile = (await api.services.profiles.get(summary.id)) as ConnectionProfile;
    assert.equal(profile.keyVault.vaultUrl.replace(/\/+$/, ''), sandbox.urls.vaultUrl.replace(/\/+$/, ''));
    assert.equal(profile.endpoint.namespace, sandbox.urls.namespace);
    assert.equal(profile.endpoint.eventHubName, world.eventHubName);
  });

  it('no key in a label, description or tooltip, the log, settings or global state', async () => {
    const key = sandbox.world.sas.key;
    assert.ok(!(await visibleText(account)).includes(key), 'a key in the Fabric & Azure view');
    assert.ok(!(await readLog(api)).includes(key), 'a key in the log');
    // The profile made from Fabric, exported: its keys are left out.
    const target = vscode.Uri.file(path.join(mkdtempSync(path.join(os.tmpdir(), 'esf-fabric-')), 'fabric.profile.json'));
    api.testing.useUserInput(new api.testing.TestUserInput().answer(target));
    await vscode.commands.executeCommand(COMMANDS.exportProfile, profileId);
    const exported = readFileSync(target.fsPath, 'utf8');
    assert.match(exported, /"keyName"/, 'the export holds the read-back settings');
    assert.ok(!exported.includes(key), 'a key in the exported profile');
    const state = api.services.context.globalState;
    assert.ok(!JSON.stringify(state.keys().map((k) => state.get(k))).includes(key), 'a key in global state');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('eventstreamFlow')).includes(key), 'a key in settings');
  });
});
