// Issue #11, "The extension": results that go stale (an edited profile, a send that filled the
// partitions, a failure fixed since), Enter and the context menu on stage rows, Stop Sandbox that
// keeps the profile, and Inspect Token rendered in the Markdown preview with a titled picker.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PartitionInfo } from '../../../src/core/flow/types';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { RecordedPrompt } from '../../../src/extension/userInput';
import { KEEP_EDITED_COPY } from '../../../src/extension/commands/startSandbox';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import type { TreeNode } from '../../../src/extension/tree/treeNode';
import { faultForStage } from '../../../src/sandbox/stageFaults';
import { ensureSandbox, flags, freshState, getApi, SANDBOX_PROFILE_ID, sandboxChildren, sandboxProfileNode, spyNotifications, waitFor } from './helpers';

const P = SANDBOX_PROFILE_ID;
/** addProfile.ts's buttons, spelled here: importing that module would bundle the wizard and its validators into this test. */
const RESUME = 'Resume';
const START_OVER = 'Start Over';

async function profileItem(api: ExtensionApi): Promise<vscode.TreeItem> {
  return (await sandboxProfileNode(api)).getTreeItem();
}

async function node(api: ExtensionApi, id: string): Promise<TreeNode> {
  await sandboxChildren(api);
  const found = api.tree.find(id);
  assert.ok(found, `tree node ${id}`);
  return found;
}

/** Events the partitions hold now, as the endpoint node lists them. */
async function retained(api: ExtensionApi): Promise<number> {
  const endpoint = await node(api, nodeIds.endpoint(P));
  const kids = await endpoint.getChildren();
  const partitions = kids.map((k) => (k as { partition?: PartitionInfo }).partition).filter((p): p is PartitionInfo => p !== undefined);
  assert.ok(partitions.length > 0, `partitions listed (got ${kids.map((k) => k.id).join(', ')})`);
  return partitions.reduce((sum, p) => sum + (p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1), 0);
}

/** Answers every wizard step with what it shows (Enter keeps), except the protocol, which is switched. */
function editSwitchingProtocol(prompt: RecordedPrompt): unknown {
  if (prompt.kind === 'inputBox') {
    return (prompt.options as vscode.InputBoxOptions).value ?? '';
  }
  const options = prompt.options as vscode.QuickPickOptions;
  const choices = prompt.choices.filter((c) => !/Back$/.test(c));
  if (/How are events sent/.test(options.placeHolder ?? '')) {
    return { pick: choices[1] };
  }
  return { pick: choices[0] };
}

describe('editor UX (issue #11)', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
  });
  beforeEach(async () => {
    await ensureSandbox(api);
    await freshState(api);
  });
  afterEach(async () => {
    api.testing.useUserInput(undefined);
    api.services.sandbox.current?.faults.clear();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a failed flow stops showing once its failing stage passes: profile row and status bar', async () => {
    const sandbox = api.services.sandbox.current!;
    sandbox.faults.inject(faultForStage('readClientId', 'secretNotFound', sandbox.world, 1));
    await vscode.commands.executeCommand(COMMANDS.runFlow, P);
    await waitFor(async () => /flow failed at Read client id/.test(String((await profileItem(api)).description)), 'the profile row to say the flow failed');
    assert.equal(api.testing.statusBar().error, true, 'the status bar is red');

    await vscode.commands.executeCommand(COMMANDS.readClientId, P);
    assert.equal(api.services.results.get(P, 'readClientId')?.status, 'succeeded');
    assert.doesNotMatch(String((await profileItem(api)).description), /failed/, 'the profile row no longer says the flow failed');
    const bar = api.testing.statusBar();
    assert.equal(bar.error, false, `the status bar is no longer red (${bar.text})`);
    assert.match(bar.text, /pass/);
  });

  it('Edit Profile resets the profile results and the status bar', async () => {
    const sandbox = api.services.sandbox.current!;
    sandbox.faults.inject(faultForStage('readClientId', 'secretNotFound', sandbox.world, 1));
    await vscode.commands.executeCommand(COMMANDS.runFlow, P);
    await waitFor(async () => /flow failed/.test(String((await profileItem(api)).description)), 'the failed flow on the profile row');
    const before = await api.services.profiles.get(P);

    const input = new api.testing.TestUserInput().answer(...Array.from({ length: 40 }, () => editSwitchingProtocol));
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.editProfile, P);
    const after = await api.services.profiles.get(P);
    assert.notEqual(after?.endpoint.protocol, before?.endpoint.protocol, `the edit switched the protocol (prompts: ${input.prompts.map((p) => p.text).join(' | ')})`);

    await waitFor(() => api.services.results.get(P, 'readClientId') === undefined, 'the stage results to be cleared');
    assert.equal(api.services.results.lastFlow(P), undefined);
    assert.doesNotMatch(String((await profileItem(api)).description), /failed/);
    assert.equal(api.testing.statusBar().visible, false, 'the status bar no longer shows the old failure');
    const stage = (await node(api, nodeIds.stage(P, 'readClientId'))).getTreeItem();
    assert.equal(stage.description, 'not run');
  });

  it('a send refreshes the partitions without a manual refresh', async () => {
    const before = await retained(api);
    await vscode.commands.executeCommand(COMMANDS.sendTestEvent, P);
    await waitFor(async () => (await retained(api)) > before, 'the partitions to show the sent event');
  });

  it('success raises no notification; a failure raises one naming the stage, with Show Details', async () => {
    const spy = spyNotifications();
    try {
      await vscode.commands.executeCommand(COMMANDS.readClientId, P);
      await vscode.commands.executeCommand(COMMANDS.runFlow, P);
      assert.equal(spy.shown.length, 0, `the tree and the status bar show success: ${JSON.stringify(spy.shown)}`);
      await vscode.commands.executeCommand(COMMANDS.refresh); // a warm flow would reuse the secrets read above
      const sandbox = api.services.sandbox.current!;
      sandbox.faults.inject(faultForStage('readClientSecret', 'secretDisabled', sandbox.world, 1));
      await vscode.commands.executeCommand(COMMANDS.runFlow, P);
      assert.equal(spy.shown.length, 1, JSON.stringify(spy.shown));
      assert.equal(spy.shown[0]?.kind, 'error');
      assert.match(spy.shown[0]?.message ?? '', /^Read client secret failed: /);
      assert.match(api.testing.statusBar().text, /Flow failed at Read client secret/);
    } finally {
      spy.restore();
    }
  });

  it('Make This Stage Fail… on a sandbox stage shows that failure explained, then the sandbox heals', async () => {
    const stageNode = await node(api, nodeIds.stage(P, 'readClientSecret'));
    assert.ok(flags(stageNode.getTreeItem()).includes('onSandbox'));
    const input = new api.testing.TestUserInput().answer({ pick: 'secretDisabled' });
    api.testing.useUserInput(input);
    const spy = spyNotifications();
    try {
      await vscode.commands.executeCommand(COMMANDS.makeStageFail, stageNode);
      assert.match((input.prompts[0]?.options as vscode.QuickPickOptions).title ?? '', /Make This Stage Fail: Read client secret/);
      assert.ok(input.prompts[0]?.choices.includes('amqpPortBlocked') === false && input.prompts[0]?.choices.includes('secretNotFound'), 'the kinds of stage 3');
      const outcome = api.services.results.get(P, 'readClientSecret');
      assert.equal(outcome?.status, 'failed');
      assert.equal(outcome?.error?.code, 'SecretDisabled');
      assert.equal(spy.shown.filter((n) => n.kind === 'error' && /^Read client secret failed: /.test(n.message)).length, 1, JSON.stringify(spy.shown));
    } finally {
      spy.restore();
    }
    assert.deepEqual(api.services.sandbox.current?.faults.active(), [], 'the fault is gone');
    await vscode.commands.executeCommand(COMMANDS.readClientSecret, P);
    assert.equal(api.services.results.get(P, 'readClientSecret')?.status, 'succeeded');
  });

  it('Add Profile dismissed half way keeps the answers and offers to resume', async () => {
    const name = `Draft ${Date.now()}`;
    api.testing.useUserInput(new api.testing.TestUserInput().answer(name, { pick: 'Azure (public)' }, undefined));
    await vscode.commands.executeCommand(COMMANDS.addProfile);

    let opened: string | undefined;
    const resume = new api.testing.TestUserInput().answer(RESUME, (prompt: RecordedPrompt) => {
      opened = (prompt.options as vscode.InputBoxOptions).value;
      return undefined;
    });
    api.testing.useUserInput(resume);
    await vscode.commands.executeCommand(COMMANDS.addProfile);
    assert.match(resume.prompts[0]?.text ?? '', /You left Add Profile with 2 answers/);
    assert.equal(opened, name, 'the name step opens with what was typed');

    const over = new api.testing.TestUserInput().answer(START_OVER, (prompt: RecordedPrompt) => {
      opened = (prompt.options as vscode.InputBoxOptions).value;
      return undefined;
    });
    api.testing.useUserInput(over);
    await vscode.commands.executeCommand(COMMANDS.addProfile);
    assert.notEqual(opened, name, 'Start Over forgets it');
    assert.ok(!(await api.services.profiles.list()).some((p) => p.name === name), 'nothing was stored');
  });

  it('Enter on a stage row runs that stage; on the send row it opens the panel', async () => {
    const item = (await node(api, nodeIds.stage(P, 'readClientSecret'))).getTreeItem();
    assert.equal(item.command?.command, COMMANDS.readClientSecret);
    await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
    assert.equal(api.services.results.get(P, 'readClientSecret')?.status, 'succeeded');

    const send = (await node(api, nodeIds.stage(P, 'send'))).getTreeItem();
    assert.equal(send.command?.command, COMMANDS.openSendPanel, 'Enter on the send stage opens the panel, never sends');
    for (const stage of ['keyVaultToken', 'readClientId', 'eventHubsToken'] as const) {
      assert.ok((await node(api, nodeIds.stage(P, stage))).getTreeItem().command, `${stage} has a command for Enter`);
    }
  });

  it('Inspect Token asks with a titled picker and shows a rendered report', async () => {
    const input = new api.testing.TestUserInput().answer({ pick: 'Event Hubs token' });
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.inspectToken, P);
    assert.equal((input.prompts[0]?.options as vscode.QuickPickOptions).title, 'Inspect Token');
    const tab = await waitFor(() => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(active.input.viewType) ? active : undefined;
    }, 'the Markdown preview of the report');
    assert.match(tab.label, /Event Hubs token/);
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.scheme, 'eventstream-flow-token', 'not the raw Markdown');
  });

  it('Stop Sandbox keeps the profile (marked stopped), clears its results and the status bar; Start asks before replacing edits', async () => {
    await vscode.commands.executeCommand(COMMANDS.runFlow, P);
    assert.equal(api.testing.statusBar().visible, true);
    await vscode.commands.executeCommand(COMMANDS.stopSandbox);
    assert.equal(api.services.sandbox.current, undefined);
    assert.ok(await api.services.profiles.get(P), 'the profile is kept');
    const item = await waitFor(async () => {
      const i = await profileItem(api);
      return flags(i).includes('stopped') ? i : undefined;
    }, 'the profile marked stopped');
    assert.match(String(item.description), /sandbox stopped/);
    assert.equal(api.services.results.lastFlow(P), undefined, 'the results of peers that are gone are cleared');
    assert.equal(api.testing.statusBar().visible, false, 'the status bar no longer shows the old figure');

    // An edit to the stopped profile: Start asks, and "keep a copy" keeps it.
    const stored = (await api.services.profiles.get(P))!;
    await api.services.profiles.save({ ...stored, endpoint: { ...stored.endpoint, eventHubName: 'edited-hub' } });
    const input = new api.testing.TestUserInput().answer(KEEP_EDITED_COPY);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.startSandbox);
    assert.match(input.prompts[0]?.text ?? '', /has edits/);
    assert.ok(api.services.sandbox.current, 'started');
    const copy = (await api.services.profiles.list()).find((p) => p.name === 'Local sandbox (edited copy)');
    assert.ok(copy, 'the edited profile is kept as a copy');
    assert.equal((await api.services.profiles.get(copy.id))?.endpoint.eventHubName, 'edited-hub', 'with the edit');
    assert.notEqual((await api.services.profiles.get(P))?.endpoint.eventHubName, 'edited-hub', 'the sandbox profile is fresh');
    await api.services.profiles.delete(copy.id);
  });
});
