// "Export for Pipeline…" in the extension host against the sandbox profile: the menu on profiles,
// the pipeline JSON opened as an untitled document, the .http file and the curl script saved, no
// secret in any of them, and the saved curl script run with bash: the event reaches the sandbox.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { EXPORT_DESTINATION_LABELS, EXPORT_FORMAT_LABELS } from '../../../src/extension/commands/exportForPipeline';
import { ensureSandbox, extension, getApi, SANDBOX_PROFILE_ID, sandboxProfileNode, spyNotifications, waitFor } from './helpers';

const P = SANDBOX_PROFILE_ID;

interface MenuEntry {
  command: string;
  when?: string;
}

function assertNoSecrets(api: ExtensionApi, text: string): void {
  const world = api.services.sandbox.current!.world;
  for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key]) {
    assert.ok(!text.includes(secret), 'a secret value is in the export');
  }
}

describe('Export for Pipeline', () => {
  let api: ExtensionApi;
  let dir: string;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    dir = mkdtempSync(path.join(os.tmpdir(), 'esf-host-export-'));
  });
  afterEach(async () => {
    api.testing.useUserInput(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is on every profile node, next to Export Profile (without secrets)', async () => {
    const menus = (extension().packageJSON as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes.menus['view/item/context'] ?? [];
    const item = (await sandboxProfileNode(api)).getTreeItem();
    for (const command of [COMMANDS.exportForPipeline, COMMANDS.exportProfile]) {
      const when = menus.find((m) => m.command === command)?.when ?? '';
      const viewItem = new RegExp(/viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when)?.[1] ?? '$^');
      assert.ok(viewItem.test(item.contextValue ?? ''), `${command} on ${item.contextValue}`);
    }
  });

  it('opens the pipeline JSON as an untitled JSON document: four secure Web activities, no secret', async () => {
    const input = new api.testing.TestUserInput().answer(EXPORT_FORMAT_LABELS.pipeline, EXPORT_DESTINATION_LABELS.open);
    api.testing.useUserInput(input);
    await vscode.commands.executeCommand(COMMANDS.exportForPipeline, P);
    assert.deepEqual(input.prompts.map((p) => p.kind), ['quickPick', 'quickPick']);
    assert.ok(input.prompts[0]?.choices.includes(EXPORT_FORMAT_LABELS.pipelineServicePrincipal), 'the sandbox reads the vault with a service principal');
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.isUntitled ? vscode.window.activeTextEditor : undefined), 'the untitled export');
    assert.equal(editor.document.languageId, 'json');
    const text = editor.document.getText();
    const pipeline = JSON.parse(text) as { properties: { activities: { name: string; type: string; policy: { secureInput: boolean; secureOutput: boolean } }[] } };
    assert.deepEqual(
      pipeline.properties.activities.map((a) => a.name),
      ['Get client id', 'Get client secret', 'Get Event Hubs token', 'Send event'],
    );
    assert.ok(pipeline.properties.activities.every((a) => a.type === 'WebActivity' && a.policy.secureInput && a.policy.secureOutput));
    assertNoSecrets(api, text);
  });

  it('saves the .http file where the save dialog says, with the secret as an environment reference', async () => {
    const target = vscode.Uri.file(path.join(dir, 'sandbox.http'));
    const notifications = spyNotifications();
    try {
      api.testing.useUserInput(new api.testing.TestUserInput().answer(EXPORT_FORMAT_LABELS.http, EXPORT_DESTINATION_LABELS.save, target));
      await vscode.commands.executeCommand(COMMANDS.exportForPipeline, P);
    } finally {
      notifications.restore();
    }
    const text = readFileSync(target.fsPath, 'utf8');
    // The secret comes from the environment and goes into the form body percent-encoded ({{%name}}).
    assert.match(text, /^@readerClientSecret = \{\{\$processEnv EVENTSTREAM_FLOW_CLIENT_SECRET\}\}$/m);
    assert.match(text, /client_secret=\{\{%readerClientSecret\}\}/);
    assert.match(text, /^# @name kvToken$/m);
    assertNoSecrets(api, text);
    assert.ok(notifications.shown.some((n) => n.kind === 'information' && /Exported "Local sandbox" as REST Client requests \(\.http\) to sandbox\.http\. It holds no secret/.test(n.message)), JSON.stringify(notifications.shown));
  });

  it('saves an executable curl script that, run with bash and the secret in the environment, delivers the event', async () => {
    const sandbox = api.services.sandbox.current!;
    const target = vscode.Uri.file(path.join(dir, 'sandbox.sh'));
    api.testing.useUserInput(new api.testing.TestUserInput().answer(EXPORT_FORMAT_LABELS.curl, EXPORT_DESTINATION_LABELS.save, target));
    await vscode.commands.executeCommand(COMMANDS.exportForPipeline, P);
    assert.ok((statSync(target.fsPath).mode & 0o111) !== 0, 'the script is executable');
    const text = readFileSync(target.fsPath, 'utf8');
    assertNoSecrets(api, text);

    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, sandbox.caPem);
    sandbox.received.clear();
    const env = { PATH: process.env.PATH, CURL_CA_BUNDLE: ca, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    // Async: the sandbox answers from this very process.
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('bash', [target.fsPath], { env, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: `${stdout}${stderr}` })),
    );
    assert.equal(run.code, 0, run.out.split(sandbox.world.reader.clientSecret).join('[REDACTED]'));
    assert.match(run.out, /The event was sent/);
    const [event] = sandbox.received.all();
    assert.equal(event?.sender, sandbox.world.pipeline.clientId, 'sent with the token of the principal read from the vault');
  });

  it('a dismissed format pick is a silent cancel', async () => {
    const notifications = spyNotifications();
    try {
      api.testing.useUserInput(new api.testing.TestUserInput().answer(undefined));
      await vscode.commands.executeCommand(COMMANDS.exportForPipeline, P);
    } finally {
      notifications.restore();
    }
    assert.deepEqual(notifications.shown, []);
    assert.equal(vscode.window.activeTextEditor, undefined);
  });
});
