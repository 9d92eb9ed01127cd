// Each stage command against the sandbox: the stage succeeds and its node shows it; a fault
// injected into the sandbox makes the stage fail, and the node's tooltip explains cause and fix.
// Tree listings that fail show an error node, never a pop-up.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import type { StageId } from '../../../src/core/flow/types';
import { CLIENT_SECRET_SECRET_NAME } from '../../../src/sandbox/world';
import { labelOf, ensureSandbox, flags, freshState, getApi, iconId, SANDBOX_PROFILE_ID, sandboxChildren, spyNotifications, tooltipText, childById, sandboxProfileNode, waitFor } from './helpers';

const P = SANDBOX_PROFILE_ID;

const STAGE_COMMANDS: readonly [string, StageId][] = [
  [COMMANDS.testKeyVaultToken, 'keyVaultToken'],
  [COMMANDS.readClientId, 'readClientId'],
  [COMMANDS.readClientSecret, 'readClientSecret'],
  [COMMANDS.getEventHubsToken, 'eventHubsToken'],
  [COMMANDS.probeEndpoint, 'probe'],
  [COMMANDS.sendTestEvent, 'send'],
];

async function stageItem(api: ExtensionApi, stage: StageId): Promise<vscode.TreeItem> {
  await sandboxChildren(api); // (re)builds the nodes so tree.find knows them
  const node = api.tree.find(nodeIds.stage(P, stage));
  assert.ok(node, `tree node for ${stage}`);
  return node.getTreeItem();
}

describe('stage commands against the sandbox', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
  });
  afterEach(() => api.services.sandbox.current?.faults.clear());

  for (const [command, stage] of STAGE_COMMANDS) {
    it(`${command} succeeds and the ${stage} node turns green`, async () => {
      const received = api.services.sandbox.current?.received.all().length ?? 0;
      await vscode.commands.executeCommand(command, P);
      assert.equal(api.services.results.get(P, stage)?.status, 'succeeded', JSON.stringify(api.services.results.get(P, stage)?.error));
      const item = await stageItem(api, stage);
      assert.ok(flags(item).includes('status:succeeded'), item.contextValue);
      assert.equal(iconId(item), 'pass');
      assert.match(tooltipText(item), /succeeded/);
      if (stage === 'send') {
        const events = await api.services.sandbox.current!.received.waitFor(received + 1, 10_000);
        const last = events[events.length - 1];
        assert.equal(last?.properties['eventstream-flow'], 'test', 'the test event reached the sandbox');
      }
    });
  }

  it('a secret disabled in the vault fails "Read client secret"; the node explains cause and fix; the notification is one explained line', async () => {
    const spy = spyNotifications();
    try {
      await freshState(api);
      api.services.sandbox.current!.faults.inject({ peer: 'keyVault', kind: 'secretDisabled', match: { secretName: CLIENT_SECRET_SECRET_NAME } });
      await vscode.commands.executeCommand(COMMANDS.readClientSecret, P);
      const outcome = api.services.results.get(P, 'readClientSecret');
      assert.equal(outcome?.status, 'failed');
      assert.equal(outcome?.error?.code, 'SecretDisabled');
      const item = await stageItem(api, 'readClientSecret');
      assert.ok(flags(item).includes('status:failed'), item.contextValue);
      assert.equal(iconId(item), 'error');
      const tip = tooltipText(item);
      assert.match(tip, /failed/);
      assert.match(tip, /\*\*Cause:\*\*/);
      assert.match(tip, /\*\*Fix:\*\*/);
      assert.match(tip, /SecretDisabled/);
      assert.ok(!tip.includes(api.services.sandbox.current!.world.pipeline.clientSecret));
      // The command (not the tree) reports it: one error notification, redacted. This also proves the spy works.
      const errors = await waitFor(() => spy.shown.filter((s) => s.kind === 'error'), 'the error notification', 5_000);
      assert.equal(errors.length, 1, JSON.stringify(spy.shown));
      assert.match(errors[0]?.message ?? '', /disabled/i);
    } finally {
      spy.restore();
    }
  });

  it('an Entra fault on the Event Hubs token fails stage 4 and marks send "not run" in a full flow', async () => {
    const spy = spyNotifications();
    try {
      await freshState(api);
      const world = api.services.sandbox.current!.world;
      api.services.sandbox.current!.faults.inject({ peer: 'entra', kind: 'invalidClientSecret', match: { clientId: world.pipeline.clientId } });
      await vscode.commands.executeCommand(COMMANDS.runFlow, P);
      assert.equal(api.services.results.get(P, 'eventHubsToken')?.status, 'failed');
      const tip = tooltipText(await stageItem(api, 'eventHubsToken'));
      assert.match(tip, /\*\*Fix:\*\*/);
      assert.match(tip, /AADSTS7000215|invalid_client|client secret/i);
      const send = await stageItem(api, 'send');
      assert.ok(flags(send).includes('status:notRun'), send.contextValue);
      const profile = (await sandboxProfileNode(api)).getTreeItem();
      assert.match(String(profile.description), /flow failed at Event Hubs token/);
    } finally {
      spy.restore();
    }
  });

  it('a vault that cannot be listed shows an error node in the tree and no pop-up', async () => {
    const spy = spyNotifications();
    try {
      await freshState(api);
      api.services.sandbox.current!.faults.inject({ peer: 'keyVault', kind: 'missingRole' });
      const vault = await childById(await sandboxProfileNode(api), nodeIds.vault(P));
      const kids = await vault.getChildren();
      const error = kids.find((k) => flags(k.getTreeItem()).includes('error'));
      assert.ok(error, `an error node among ${kids.map((k) => `${k.id}=${labelOf(k.getTreeItem())}`).join(', ')}`);
      const item = error.getTreeItem();
      assert.match(labelOf(item), /^Cannot list secrets: /);
      assert.match(tooltipText(item), /\*\*Fix:\*\*/);
      assert.equal(item.command?.command, COMMANDS.showLog, 'clicking the error opens the log');
      // The two pipeline secrets are still shown (state unknown).
      assert.ok(kids.some((k) => flags(k.getTreeItem()).includes('clientIdSecret')));
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(spy.shown, [], 'no notification from the tree');
    } finally {
      spy.restore();
    }
  });
});
