// Reveal Secret Value asks a modal confirmation first (declined: nothing read, nothing shown) and
// never logs the value; Copy Secret Reference copies the identifier URI, never the value.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import type { TreeNode } from '../../../src/extension/tree/treeNode';
import { CLIENT_SECRET_SECRET_NAME } from '../../../src/sandbox/world';
import { childById, ensureSandbox, freshState, getApi, readLog, SANDBOX_PROFILE_ID, sandboxProfileNode } from './helpers';

const P = SANDBOX_PROFILE_ID;

async function secretNode(api: ExtensionApi, name: string): Promise<TreeNode> {
  const vault = await childById(await sandboxProfileNode(api), nodeIds.vault(P));
  return childById(vault, nodeIds.secret(P, name));
}

describe('secret commands', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('revealSecretValue: declining the modal confirmation reads and shows nothing', async () => {
    const input = new api.testing.TestUserInput().answer(undefined);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.revealSecretValue, await secretNode(api, CLIENT_SECRET_SECRET_NAME));
    assert.equal(input.prompts.length, 1, JSON.stringify(input.prompts.map((p) => p.text)));
    const [confirm] = input.prompts;
    assert.equal(confirm?.kind, 'warning');
    assert.equal((confirm?.options as vscode.MessageOptions).modal, true, 'the confirmation is modal');
    assert.deepEqual(confirm?.choices, ['Reveal']);
    assert.match(confirm?.text ?? '', new RegExp(CLIENT_SECRET_SECRET_NAME));
  });

  it('revealSecretValue: confirmed, shows the value once in an input box and never logs it', async () => {
    const value = api.services.sandbox.current!.world.pipeline.clientSecret;
    const input = new api.testing.TestUserInput().answer('Reveal', undefined);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.revealSecretValue, await secretNode(api, CLIENT_SECRET_SECRET_NAME));
    assert.deepEqual(
      input.prompts.map((p) => p.kind),
      ['warning', 'inputBox'],
    );
    assert.equal((input.prompts[1]?.options as vscode.InputBoxOptions).value, value, 'the input box shows the value');
    const log = await readLog(api, `Revealed the value of ${CLIENT_SECRET_SECRET_NAME}`);
    assert.ok(!log.includes(value), 'the revealed value is not in the log');
  });

  it('copySecretReference copies the secret identifier URI, not the value', async () => {
    const node = await secretNode(api, CLIENT_SECRET_SECRET_NAME);
    const vaultUrl = api.services.sandbox.current!.urls.vaultUrl.replace(/\/+$/, '');
    await vscode.env.clipboard.writeText('before');
    await vscode.commands.executeCommand(COMMANDS.copySecretReference, node);
    const copied = await vscode.env.clipboard.readText();
    assert.equal(copied, `${vaultUrl}/secrets/${CLIENT_SECRET_SECRET_NAME}`);
    assert.ok(!copied.includes(api.services.sandbox.current!.world.pipeline.clientSecret));
  });
});
