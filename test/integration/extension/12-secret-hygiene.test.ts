// Secret hygiene in the tree, against the sandbox's seeded vault: the expired and the disabled
// secret warn (and the vault counts them); widening eventstreamFlow.secrets.expiryWarningDays makes
// the pipeline client secret (expires in 150 days) warn too, without listing again; versions are
// listed newest first with the latest (or the pinned one) marked; Open in Azure Portal explains that
// the sandbox vault has no portal page.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import type { TreeNode } from '../../../src/extension/tree/treeNode';
import { CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME, DISABLED_SECRET_NAME, EXPIRED_SECRET_NAME } from '../../../src/sandbox/world';
import {
  childById,
  ensureSandbox,
  flags,
  freshState,
  getApi,
  iconId,
  labelOf,
  rootNodes,
  SANDBOX_PROFILE_ID,
  sandboxProfileNode,
  spyNotifications,
  tooltipText,
  waitFor,
} from './helpers';

const P = SANDBOX_PROFILE_ID;
const WINDOW_KEY = SETTINGS.secretsExpiryWarningDays;

async function setWindow(api: ExtensionApi, days: number | undefined): Promise<void> {
  let fired = false;
  const subscription = api.tree.onDidChangeTreeData((node) => {
    fired ||= node === undefined;
  });
  try {
    await vscode.workspace.getConfiguration().update(WINDOW_KEY, days, vscode.ConfigurationTarget.Global);
    await waitFor(() => fired, `the tree to re-render after ${WINDOW_KEY} changed to ${String(days)}`);
  } finally {
    subscription.dispose();
  }
}

describe('secret hygiene in the tree', () => {
  let api: ExtensionApi;
  let vault: TreeNode;
  let secrets: Map<string, TreeNode>;

  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
    await vscode.workspace.getConfiguration().update(WINDOW_KEY, undefined, vscode.ConfigurationTarget.Global);
    vault = await childById(await sandboxProfileNode(api), nodeIds.vault(P));
    secrets = new Map((await vault.getChildren()).map((s) => [labelOf(s.getTreeItem()), s]));
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update(WINDOW_KEY, undefined, vscode.ConfigurationTarget.Global);
  });

  function secret(name: string): TreeNode {
    const node = secrets.get(name);
    assert.ok(node, `${name} among ${[...secrets.keys()].join(', ')}`);
    return node;
  }

  it('default window (30 days): the expired and the disabled secret warn with a fix; the pipeline secrets do not', () => {
    const expired = secret(EXPIRED_SECRET_NAME).getTreeItem();
    assert.equal(iconId(expired), 'warning');
    assert.ok(flags(expired).includes('expired') && flags(expired).includes('attention'), expired.contextValue);
    assert.match(tooltipText(expired), /Expired 10 days ago/);
    assert.match(tooltipText(expired), /\*\*Fix:\*\* store a fresh value as a new version/);

    const disabled = secret(DISABLED_SECRET_NAME).getTreeItem();
    assert.equal(iconId(disabled), 'warning');
    assert.ok(flags(disabled).includes('disabled') && flags(disabled).includes('attention'), disabled.contextValue);
    assert.match(tooltipText(disabled), /Disabled: Key Vault refuses to read it .*403 SecretDisabled/);

    for (const name of [CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME]) {
      const item = secret(name).getTreeItem();
      assert.equal(iconId(item), 'star-full', `${name}: ${String(item.description)}`);
      assert.ok(!flags(item).includes('attention'), item.contextValue);
    }
    const clientSecret = secret(CLIENT_SECRET_SECRET_NAME).getTreeItem();
    assert.match(String(clientSecret.description), /^pipeline client secret · enabled · v [0-9a-f]{8}… · expires \d{4}-\d{2}-\d{2}$/);
    assert.match(tooltipText(clientSecret), /Key Vault cannot know when the app registration's client secret expires/);
  });

  it('the vault node counts the secrets that need attention once they are listed', async () => {
    const item = await waitFor(() => {
      const current = vault.getTreeItem();
      return flags(current).includes('attention') ? current : undefined;
    }, 'the vault item to show the attention flag');
    assert.equal(iconId(item), 'warning');
    assert.match(String(item.description), /· 2 secrets need attention$/);
    assert.match(tooltipText(item), new RegExp(`${EXPIRED_SECRET_NAME}\`: Expired 10 days ago`));
  });

  it('a wider window makes the pipeline client secret (150 days left) warn, without listing the vault again', async () => {
    await setWindow(api, 200);
    const clientSecret = secret(CLIENT_SECRET_SECRET_NAME).getTreeItem();
    assert.equal(iconId(clientSecret), 'warning');
    assert.ok(flags(clientSecret).includes('expiringSoon') && flags(clientSecret).includes('attention'), clientSecret.contextValue);
    assert.match(String(clientSecret.description), /expires in 150 days \(\d{4}-\d{2}-\d{2}\)$/);
    assert.match(tooltipText(clientSecret), /Expires in 150 days/);
    assert.match(tooltipText(clientSecret), /rotate: create a new client secret for the app/);
    assert.match(String(vault.getTreeItem().description), /· 3 secrets need attention$/);
    assert.match(tooltipText(vault.getTreeItem()), /warning window: 200 days/);

    await setWindow(api, 0);
    assert.ok(!flags(secret(CLIENT_SECRET_SECRET_NAME).getTreeItem()).includes('attention'), 'a 0-day window warns only once expired');
    assert.ok(flags(secret(EXPIRED_SECRET_NAME).getTreeItem()).includes('attention'), 'an expired secret warns whatever the window');
    await setWindow(api, undefined);
  });

  it('lists versions newest first, the latest marked as the one the pipeline reads, no value anywhere', async () => {
    const node = secret(CLIENT_SECRET_SECRET_NAME);
    assert.equal(node.getTreeItem().collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const versions = await node.getChildren();
    assert.equal(versions.length, 2, versions.map((v) => v.id).join(', '));
    const items = versions.map((v) => v.getTreeItem());
    for (const [i, v] of versions.entries()) {
      assert.match(v.id, new RegExp(`^${nodeIds.secret(P, CLIENT_SECRET_SECRET_NAME)}/version/[0-9a-f]{32}$`));
      assert.ok(flags(items[i]!).includes('secretVersion'), items[i]!.contextValue);
    }
    const [newest, older] = items as [vscode.TreeItem, vscode.TreeItem];
    assert.ok(flags(newest).includes('latest') && !flags(older).includes('latest'));
    assert.match(String(newest.description), /^latest · enabled · created \d{4}-\d{2}-\d{2} · expires \d{4}-\d{2}-\d{2}$/);
    const created = items.map((i) => /created (\d{4}-\d{2}-\d{2})/.exec(String(i.description))?.[1] ?? '');
    assert.ok(created[0]! > created[1]!, `newest first: ${created.join(' > ')}`);
    assert.match(tooltipText(newest), /the version the pipeline reads/);
    assert.doesNotMatch(tooltipText(older), /the version the pipeline reads/);
    assert.equal(iconId(newest), 'star-full');
    const world = api.services.sandbox.current!.world;
    for (const item of items) {
      assert.ok(!`${String(item.description)} ${tooltipText(item)}`.includes(world.pipeline.clientSecret), 'no secret value in a version');
    }

    // Copy Secret Reference on a version copies that version's identifier.
    await vscode.commands.executeCommand(COMMANDS.copySecretReference, versions[1]);
    const vaultUrl = api.services.sandbox.current!.urls.vaultUrl.replace(/\/+$/, '');
    assert.equal(await vscode.env.clipboard.readText(), `${vaultUrl}/secrets/${CLIENT_SECRET_SECRET_NAME}/${versions[1]!.id.split('/').at(-1)}`);
  });

  it('a profile pinning the older version marks that one as pinned and read by the pipeline', async () => {
    const versions = await secret(CLIENT_SECRET_SECRET_NAME).getChildren();
    const olderVersion = versions[1]!.id.split('/').at(-1)!;
    const base = await api.services.profiles.get(P);
    assert.ok(base);
    const id = randomUUID();
    await api.services.profiles.save({ ...base, id, name: 'Hygiene pinned', keyVault: { ...base.keyVault, clientSecretSecret: { name: CLIENT_SECRET_SECRET_NAME, version: olderVersion } } });
    try {
      const profile = await waitFor(async () => (await rootNodes(api)).find((n) => n.id === nodeIds.profile(id)), 'the pinned profile in the tree');
      const pinnedVault = await childById(profile, nodeIds.vault(id));
      const pinnedSecret = await childById(pinnedVault, nodeIds.secret(id, CLIENT_SECRET_SECRET_NAME));
      assert.match(String(pinnedSecret.getTreeItem().description), new RegExp(`v ${olderVersion.slice(0, 8)}…`));
      assert.match(tooltipText(pinnedSecret.getTreeItem()), /\(pinned in the profile\)/);
      const [newest, older] = (await pinnedSecret.getChildren()).map((v) => v.getTreeItem()) as [vscode.TreeItem, vscode.TreeItem];
      assert.ok(flags(older).includes('pinned') && !flags(newest).includes('pinned'), `${older.contextValue} / ${newest.contextValue}`);
      assert.match(String(older.description), /^pinned in the profile · enabled/);
      assert.match(tooltipText(older), /the version the pipeline reads/);
      assert.doesNotMatch(tooltipText(newest), /the version the pipeline reads/);
    } finally {
      await api.services.profiles.delete(id);
    }
  });

  it('Open in Azure Portal explains that the sandbox vault has no portal page', async () => {
    const spy = spyNotifications();
    try {
      const versions = await secret(CLIENT_SECRET_SECRET_NAME).getChildren();
      await vscode.commands.executeCommand(COMMANDS.openSecretInPortal, secret(CLIENT_SECRET_SECRET_NAME));
      await vscode.commands.executeCommand(COMMANDS.openSecretInPortal, versions[0]);
      const infos = spy.shown.filter((s) => s.kind === 'information');
      assert.equal(infos.length, 2, JSON.stringify(spy.shown));
      for (const shown of infos) {
        assert.match(shown.message, new RegExp(`Cannot open "${CLIENT_SECRET_SECRET_NAME}" in the Azure portal`));
        assert.match(shown.message, /local sandbox/);
        assert.match(shown.message, /no Azure portal page/);
      }
      assert.ok(!spy.shown.some((s) => s.kind === 'error'), JSON.stringify(spy.shown));
    } finally {
      spy.restore();
    }
  });
});

describe('least privilege in the editor', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('Import Connection String warns (in the box and after) when the string carries the namespace root key; the endpoint tooltip says it too', async () => {
    const key = Buffer.from(randomUUID()).toString('base64');
    const hub = `es_${randomUUID().slice(0, 8)}`;
    const text = `Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${key};EntityPath=${hub}`;
    let boxCheck: unknown;
    const input = new api.testing.TestUserInput().answer((prompt: { options: unknown }) => {
      boxCheck = (prompt.options as vscode.InputBoxOptions).validateInput?.(text);
      return text;
    });
    api.testing.useUserInput(input);
    const before = new Set((await api.services.profiles.list()).map((p) => p.id));
    const spy = spyNotifications();
    let created: string | undefined;
    try {
      await vscode.commands.executeCommand(COMMANDS.importConnectionString);
      const check = (await boxCheck) as vscode.InputBoxValidationMessage | undefined;
      assert.equal(check?.severity, vscode.InputBoxValidationSeverity.Warning, JSON.stringify(check));
      assert.match(check?.message ?? '', /RootManageSharedAccessKey is the namespace's root key.*A send-only policy on the event hub is enough/);
      const warning = spy.shown.find((s) => s.kind === 'warning');
      assert.ok(warning, JSON.stringify(spy.shown));
      assert.match(warning.message, /^Created the profile .*A send-only policy on the event hub is enough: create one with only Send/);
      assert.ok(!spy.shown.some((s) => s.message.includes(key)), 'the key is never shown');

      created = (await api.services.profiles.list()).find((p) => !before.has(p.id))?.id;
      assert.ok(created, 'the profile was stored');
      const profile = await waitFor(async () => (await rootNodes(api)).find((n) => n.id === nodeIds.profile(created!)), 'the imported profile in the tree');
      const endpoint = await childById(profile, nodeIds.endpoint(created));
      const tooltip = tooltipText(endpoint.getTreeItem());
      assert.match(tooltip, /\$\(warning\) \*\*Least privilege:\*\* RootManageSharedAccessKey is the namespace's root key/);
      assert.ok(!tooltip.includes(key));
    } finally {
      spy.restore();
      if (created) {
        await api.services.profiles.delete(created);
      }
    }
  });
});
