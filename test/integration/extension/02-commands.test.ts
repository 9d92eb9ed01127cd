// Every command the manifest contributes is registered, and the manifest, COMMANDS and the
// registered list agree (no extra eventstreamFlow.* commands, no missing ones).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../../../src/extension/constants';
import { extension, getApi } from './helpers';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

describe('commands', () => {
  before(async () => {
    await getApi();
  });

  it('registers every command in package.json contributes.commands', async () => {
    const manifest = (extension().packageJSON as { contributes: { commands: ManifestCommand[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
    assert.ok(manifest.length >= 20, `${manifest.length} contributed commands`);
  });

  it('registers no eventstreamFlow.* command the manifest does not contribute, and COMMANDS matches both', async () => {
    const manifest = (extension().packageJSON as { contributes: { commands: ManifestCommand[] } }).contributes.commands;
    const ids = manifest.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('eventstreamFlow.'));
    // VS Code registers focus/reset commands for each contributed view (e.g. eventstreamFlow.profiles.focus).
    const views = (extension().packageJSON as { contributes: { views: Record<string, { id: string }[]> } }).contributes.views;
    const viewIds = Object.values(views).flat().map((v) => v.id);
    const own = registered.filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`)) && !id.startsWith(`workbench.view.extension.${VIEWS.container}`)).sort();
    assert.deepEqual(own, ids, 'registered eventstreamFlow.* commands = manifest commands');
    assert.deepEqual(Object.values(COMMANDS).sort(), ids, 'COMMANDS in constants.ts = manifest commands');
    for (const c of manifest) {
      assert.equal(c.category, 'Eventstream Flow', `${c.command} has the category`);
      assert.ok(c.title.trim().length > 0, `${c.command} has a title`);
    }
  });

  it('every menu entry names a contributed command', () => {
    const contributes = (extension().packageJSON as { contributes: { commands: ManifestCommand[]; menus: Record<string, { command: string }[]> } }).contributes;
    const ids = new Set(contributes.commands.map((c) => c.command));
    const unknown = Object.entries(contributes.menus).flatMap(([menu, entries]) => entries.filter((e) => !ids.has(e.command)).map((e) => `${menu}: ${e.command}`));
    assert.deepEqual(unknown, []);
  });
});
