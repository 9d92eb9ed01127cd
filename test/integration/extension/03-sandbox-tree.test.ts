// The sandbox in the extension host and the tree against it: profile → stages, Key Vault → secrets
// (the two pipeline secrets marked, disabled and expired ones shown with their state), endpoint →
// partitions after a probe.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import { CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME, DISABLED_SECRET_NAME, EXPIRED_SECRET_NAME, EVENT_HUB_NAME } from '../../../src/sandbox/world';
import { labelOf, childById, ensureSandbox, flags, freshState, getApi, iconId, SANDBOX_PROFILE_ID, SANDBOX_PROFILE_NAME, sandboxChildren, sandboxProfileNode, tooltipText } from './helpers';

const P = SANDBOX_PROFILE_ID;

describe('sandbox and tree', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
  });

  it('startSandbox stores the "Local sandbox" profile in SecretStorage with the sandbox CA', async () => {
    const list = await api.services.profiles.list();
    assert.ok(list.some((p) => p.id === P && p.name === SANDBOX_PROFILE_NAME), `profiles: ${JSON.stringify(list)}`);
    const profile = await api.services.profiles.get(P);
    assert.ok(profile);
    assert.equal(profile.trustedCaPem, api.services.sandbox.current?.caPem, 'the profile carries the sandbox CA');
    assert.equal(profile.keyVault.vaultUrl.replace(/\/+$/, ''), api.services.sandbox.current?.urls.vaultUrl.replace(/\/+$/, ''));
  });

  it('shows the sandbox profile as a root with its flow in pipeline order', async () => {
    const node = await sandboxProfileNode(api);
    const item = node.getTreeItem();
    assert.equal(item.label, SANDBOX_PROFILE_NAME);
    assert.deepEqual(flags(item).slice(0, 2), ['profile', 'sandbox']);
    assert.equal(iconId(item), 'beaker');
    const kids = await sandboxChildren(api);
    assert.deepEqual(
      kids.map((k) => k.id),
      [nodeIds.stage(P, 'keyVaultToken'), nodeIds.vault(P), nodeIds.stage(P, 'readClientId'), nodeIds.stage(P, 'readClientSecret'), nodeIds.stage(P, 'eventHubsToken'), nodeIds.endpoint(P), nodeIds.stage(P, 'send')],
    );
    const labels = kids.map((k) => labelOf(k.getTreeItem()));
    assert.equal(labels[1], 'Key Vault');
    assert.equal(labels[5], 'Eventstream endpoint');
    assert.deepEqual(
      [labels[0], labels[2], labels[3], labels[4], labels[6]].map((l) => l?.slice(0, 3)),
      ['1. ', '2. ', '3. ', '4. ', '5. '],
    );
    for (const k of kids.filter((n) => n.id.includes('/stage/'))) {
      assert.ok(flags(k.getTreeItem()).some((f) => f.startsWith('stage:')), `${k.id} has a stage:<id> context value`);
    }
  });

  it('lists the vault: both pipeline secrets first and marked, disabled and expired secrets with their state', async () => {
    const vault = await childById(await sandboxProfileNode(api), nodeIds.vault(P));
    assert.deepEqual(flags(vault.getTreeItem()), ['vault']);
    const secrets = await vault.getChildren();
    const byName = new Map(secrets.map((s) => [labelOf(s.getTreeItem()), s.getTreeItem()]));
    assert.deepEqual([...byName.keys()].slice(0, 2), [CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME], `secrets: ${[...byName.keys()].join(', ')}`);

    const clientId = byName.get(CLIENT_ID_SECRET_NAME);
    assert.ok(clientId);
    assert.ok(flags(clientId).includes('clientIdSecret') && flags(clientId).includes('enabled'), clientId.contextValue);
    assert.match(String(clientId.description), /pipeline client id · enabled/);
    assert.equal(iconId(clientId), 'star-full');
    const clientSecret = byName.get(CLIENT_SECRET_SECRET_NAME);
    assert.ok(clientSecret && flags(clientSecret).includes('clientSecretSecret'), clientSecret?.contextValue);
    assert.match(String(clientSecret.description), /pipeline client secret · enabled/);

    const disabled = byName.get(DISABLED_SECRET_NAME);
    assert.ok(disabled, `${DISABLED_SECRET_NAME} is listed`);
    assert.ok(flags(disabled).includes('disabled'), disabled.contextValue);
    assert.match(String(disabled.description), /disabled/);
    assert.equal(iconId(disabled), 'warning', 'a disabled secret needs attention (12-secret-hygiene tests the rest)');
    const expired = byName.get(EXPIRED_SECRET_NAME);
    assert.ok(expired, `${EXPIRED_SECRET_NAME} is listed`);
    assert.ok(flags(expired).includes('expired'), expired.contextValue);
    assert.match(String(expired.description), /expired \d{4}-\d{2}-\d{2}/);
    // No value anywhere in the tree: the sandbox's pipeline client secret never appears.
    const world = api.services.sandbox.current?.world;
    assert.ok(world);
    for (const item of byName.values()) {
      const text = `${labelOf(item)} ${String(item.description)} ${tooltipText(item)}`;
      assert.ok(!text.includes(world.pipeline.clientSecret), 'no secret value in the tree');
    }
  });

  it('lists the endpoint partitions after a probe', async () => {
    await vscode.commands.executeCommand('eventstreamFlow.probeEndpoint', P);
    const endpoint = await childById(await sandboxProfileNode(api), nodeIds.endpoint(P));
    const item = endpoint.getTreeItem();
    assert.ok(flags(item).includes('endpoint') && flags(item).includes('status:succeeded'), item.contextValue);
    assert.match(String(item.description), new RegExp(`^${EVENT_HUB_NAME} · `));
    const partitions = await endpoint.getChildren();
    assert.deepEqual(
      partitions.map((p) => p.getTreeItem().label),
      (api.services.sandbox.current?.world.partitionIds ?? []).map((id) => `Partition ${id}`),
    );
    assert.ok(partitions.every((p) => flags(p.getTreeItem()).includes('partition')));
  });
});
