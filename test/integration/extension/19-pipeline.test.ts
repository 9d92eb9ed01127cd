// Deploy as Pipeline → Run Pipeline in the host against the sandbox: the sandbox profile deployed to
// the sandbox's Data Factory and Fabric, run by its pipeline runner, four green activities and the
// event received; with a fault at the client-secret read the run fails on that activity with the
// explanation the local stage gives (ForbiddenByRbac); no secret in the log.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { Sandbox } from '../../../src/sandbox/types';
import { ensureSandbox, getApi, readLog, SANDBOX_PROFILE_ID } from './helpers';

const ADF = 'Azure Data Factory pipeline';
const FABRIC = 'Fabric data pipeline';

describe('Deploy as Pipeline and Run Pipeline (sandbox)', () => {
  let api: ExtensionApi;
  let sandbox: Sandbox;

  before(async () => {
    api = await getApi();
    sandbox = await ensureSandbox(api);
  });
  afterEach(() => {
    api.testing.useUserInput(undefined);
    sandbox.faults.clear();
  });

  it('Deploy as Pipeline creates it in the sandbox Data Factory; Run Pipeline runs four green activities and the event arrives', async () => {
    const input = new api.testing.TestUserInput().answer({ pick: ADF }, { pick: ADF });
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.deployAsPipeline, SANDBOX_PROFILE_ID);
    const before = sandbox.received.all().length;
    await vscode.commands.executeCommand(COMMANDS.runPipeline, SANDBOX_PROFILE_ID);
    assert.equal(input.pending, 0, `asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
    assert.equal(sandbox.received.all().length, before + 1, 'the sandbox received the event');
    const log = await readLog(api);
    assert.match(log, /Pipeline run [0-9a-f-]{36} of Local-sandbox: Succeeded\. Activities: Get client id=Succeeded, Get client secret=Succeeded, Get Event Hubs token=Succeeded, Send event=Succeeded\./);
  });

  it('with a 403 at the client-secret read, the Fabric run fails on that activity, explained as the local stage (ForbiddenByRbac)', async () => {
    sandbox.faults.inject({ peer: 'keyVault', kind: 'missingRole', match: { secretName: sandbox.world.secrets.clientSecretName } });
    const input = new api.testing.TestUserInput().answer({ pick: FABRIC });
    api.testing.useUserInput(input);
    const before = sandbox.received.all().length;
    await vscode.commands.executeCommand(COMMANDS.runPipeline, SANDBOX_PROFILE_ID);
    assert.equal(sandbox.received.all().length, before, 'nothing was sent');
    const log = await readLog(api);
    assert.match(log, /: Failed at 'Get client secret' \(local stage readClientSecret\): ForbiddenByRbac — /);
    assert.ok(!log.includes(sandbox.world.pipeline.clientSecret) && !log.includes(sandbox.world.reader.clientSecret), 'no secret in the log');
  });
});
