// "Inspect Token" in the extension host against the sandbox: the read-only report of a token's
// claims and checks (never the token, the client id hidden), the menu on the two token stage
// nodes, the tooltip summary, and a wrong audience flagged and named as a later failure's likely cause.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import type { StageId } from '../../../src/core/flow/types';
import { ensureSandbox, extension, freshState, getApi, SANDBOX_PROFILE_ID, sandboxChildren, spyNotifications, tooltipText, waitFor } from './helpers';

const P = SANDBOX_PROFILE_ID;
const SCHEME = 'eventstream-flow-token';

interface MenuEntry {
  command: string;
  when?: string;
}

async function stageItem(api: ExtensionApi, stage: StageId): Promise<vscode.TreeItem> {
  await sandboxChildren(api);
  const node = api.tree.find(nodeIds.stage(P, stage));
  assert.ok(node, `tree node for ${stage}`);
  return node.getTreeItem();
}

/** The report the last Inspect Token opened: rendered in the Markdown preview (issue #11), its source a read-only document. */
async function openedReport(): Promise<string> {
  await waitFor(() => markdownPreviewTab(), 'the token report in the Markdown preview');
  const documents = await waitFor(() => {
    const found = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME);
    return found.length > 0 ? found : undefined;
  }, 'the token report document');
  // Each Inspect Token opens a fresh URI (its query counts up): the last one is the newest.
  return documents.sort((a, b) => Number(a.uri.query) - Number(b.uri.query)).at(-1)!.getText();
}

/** The active tab, when it is VS Code's Markdown preview (a webview, not a text editor). */
function markdownPreviewTab(): vscode.Tab | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType) ? tab : undefined;
}

function assertNoSecrets(api: ExtensionApi, text: string): void {
  const world = api.services.sandbox.current!.world;
  for (const secret of [world.pipeline.clientId, world.pipeline.clientId.toLowerCase(), world.pipeline.clientSecret, world.reader.clientSecret]) {
    assert.ok(!text.includes(secret), 'a secret (or the pipeline client id) is shown');
  }
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}/, 'a token (or part of one) is shown');
}

describe('Inspect Token', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
  });
  beforeEach(async () => {
    await freshState(api);
  });
  afterEach(async () => {
    api.services.sandbox.current?.faults.clear();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is offered on the Key Vault and Event Hubs token nodes only', async () => {
    const menus = (extension().packageJSON as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes.menus['view/item/context'] ?? [];
    const whens = menus.filter((m) => m.command === COMMANDS.inspectToken).map((m) => m.when ?? '');
    assert.ok(whens.length > 0, 'Inspect Token has a tree menu entry');
    const viewItem = (when: string): RegExp => new RegExp(/viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when)?.[1] ?? '$^');
    for (const stage of ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'] as const) {
      const item = await stageItem(api, stage);
      const offered = whens.some((w) => viewItem(w).test(item.contextValue ?? ''));
      assert.equal(offered, stage === 'keyVaultToken' || stage === 'eventHubsToken', `${stage}: ${item.contextValue}`);
    }
  });

  it('Event Hubs token: runs stages 1 to 4 and opens a read-only report with every check passing, the client id hidden, no token', async () => {
    await vscode.commands.executeCommand(COMMANDS.inspectToken, P, 'eventHubsToken');
    assert.equal(api.services.results.get(P, 'eventHubsToken')?.status, 'succeeded');
    const text = await openedReport();
    assert.match(text, /^# Local sandbox: Event Hubs token$/m);
    assert.match(text, /\*\*No mismatch:\*\* the token fits Event Hubs\./);
    assert.match(text, /^\| ✔ \| `aud` \| ok \|/m);
    assert.match(text, /^\| ✔ \| `appid` \| ok \| appid matches the client id read from Key Vault\./m);
    assert.match(text, /^\| `appid` \| \[REDACTED\] \|$/m);
    assert.match(text, /signature is not verified/);
    assertNoSecrets(api, text);

    const tip = tooltipText(await stageItem(api, 'eventHubsToken'));
    assert.match(tip, /Token: claims ok/);
  });

  it("from the tree node: a wrong Key Vault audience (Entra's wrongAudience fault) is flagged, and the Key Vault read's failure names it as the likely cause", async () => {
    const spy = spyNotifications();
    try {
      api.services.sandbox.current!.faults.inject({ peer: 'entra', kind: 'wrongAudience', match: { resource: 'https://vault.azure.net' } });
      await sandboxChildren(api);
      const node = api.tree.find(nodeIds.stage(P, 'keyVaultToken'));
      assert.ok(node);
      await vscode.commands.executeCommand(COMMANDS.inspectToken, node);
      const text = await openedReport();
      assert.match(text, /^# Local sandbox: Key Vault token$/m);
      assert.match(text, /\*\*1 mismatch:\*\* Key Vault will likely refuse this token\./);
      assert.match(text, /^\| ✘ \| `aud` \| mismatch \| aud is https:\/\/vault\.azure\.net\/, .*trailing slash.*\| Request the token for resource https:\/\/vault\.azure\.net/m);
      assertNoSecrets(api, text);

      await vscode.commands.executeCommand(COMMANDS.readClientId, P);
      const failure = api.services.results.get(P, 'readClientId')?.error;
      assert.equal(failure?.code, 'AKV10022');
      assert.deepEqual(failure?.likelyCauses?.map((c) => `${c.tokenStage}:${c.claim}`), ['keyVaultToken:aud']);
      const tip = tooltipText(await stageItem(api, 'readClientId'));
      assert.match(tip, /\*\*Likely cause\*\* \(Key Vault token, `aud`\)/);
      assertNoSecrets(api, tip + JSON.stringify(spy.shown));
    } finally {
      spy.restore();
    }
  });
});
