// The log channel never holds a sandbox secret (after everything the earlier suites ran), and
// stopping the sandbox keeps its profile, marked stopped.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { ensureSandbox, getApi, readLog, SANDBOX_PROFILE_ID, waitFor } from './helpers';

describe('log and sandbox stop', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
  });

  it('the log channel never contains the sandbox secrets', async () => {
    const world = api.services.sandbox.current!.world;
    // A full flow logs every stage; then read the channel's file.
    await vscode.commands.executeCommand(COMMANDS.runFlow, SANDBOX_PROFILE_ID);
    const log = await readLog(api, 'sandbox');
    assert.match(log, /Activated/);
    assert.match(log, /Started in \d+ ms/);
    const secrets = {
      'reader client secret': world.reader.clientSecret,
      'pipeline client secret': world.pipeline.clientSecret,
      'pipeline client id (treated as secret)': world.pipeline.clientId,
      'SAS key': world.sas.key,
    };
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(!log.includes(value), `the log does not contain the ${what}`);
    }
  });

  it('stopSandbox stops it and keeps the "Local sandbox" profile, marked stopped (issue #11)', async () => {
    await vscode.commands.executeCommand(COMMANDS.stopSandbox);
    assert.equal(api.services.sandbox.current, undefined);
    assert.ok((await api.services.profiles.list()).some((p) => p.id === SANDBOX_PROFILE_ID), 'the sandbox profile is kept');
    const root = await waitFor(async () => (await api.tree.getChildren()).find((r) => r.id === `profile/${SANDBOX_PROFILE_ID}`), 'the sandbox profile in the tree');
    assert.match(String(root.getTreeItem().description), /sandbox stopped/);
  });
});
