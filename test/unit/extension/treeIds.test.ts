import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/extension/constants';
import { composeContextValue, CONTEXT, hasContextFlag, nodeIds } from '../../../src/extension/tree/nodeIds';
import { STAGE_RUN_COMMAND, stageDefaultCommand } from '../../../src/extension/tree/stageActions';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  contributes: { commands: { command: string; category?: string }[]; menus: Record<string, MenuItem[]> };
};

/** The `viewItem =~ /…/` regexes of a command's tree menu entries. */
function viewItemPatterns(command: string): RegExp[] {
  return manifest.contributes.menus['view/item/context']!
    .filter((m) => m.command === command)
    .flatMap((m) => [...(m.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].map((x) => new RegExp(x[1]!)));
}

function menuMatches(command: string, contextValue: string): boolean {
  const entries = manifest.contributes.menus['view/item/context']!.filter((m) => m.command === command);
  return entries.some((m) => [...(m.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].every((x) => new RegExp(x[1]!).test(contextValue)));
}

void describe('tree node ids', () => {
  void it('are hierarchical and stable', () => {
    assert.equal(nodeIds.profile('p1'), 'profile/p1');
    assert.equal(nodeIds.stage('p1', 'keyVaultToken'), 'profile/p1/stage/keyVaultToken');
    assert.equal(nodeIds.vault('p1'), 'profile/p1/vault');
    assert.equal(nodeIds.secret('p1', 'Pipeline-Client-Id'), 'profile/p1/vault/secret/pipeline-client-id');
    assert.equal(nodeIds.secretVersion('p1', 'Pipeline-Client-Id', 'ABCDEF0123'), 'profile/p1/vault/secret/pipeline-client-id/version/abcdef0123');
    assert.equal(nodeIds.endpoint('p1'), 'profile/p1/endpoint');
    assert.equal(nodeIds.partition('p1', '0'), 'profile/p1/endpoint/partition/0');
    assert.equal(nodeIds.message(nodeIds.vault('p1'), 'signIn'), 'profile/p1/vault/signIn');
    assert.equal(nodeIds.message(undefined, 'error'), 'error');
  });

  void it('puts the probe stage on the endpoint node', () => {
    assert.equal(nodeIds.stage('p1', 'probe'), nodeIds.endpoint('p1'));
  });

  void it('encodes segments so names cannot collide across levels', () => {
    assert.notEqual(nodeIds.profile('a/vault'), nodeIds.vault('a'));
    assert.equal(nodeIds.profile('a/b'), 'profile/a%2Fb');
  });
});

void describe('context values', () => {
  void it('compose flags and drop the absent ones', () => {
    assert.equal(composeContextValue('secret', false, 'enabled', undefined, null, ''), 'secret;enabled');
    assert.ok(hasContextFlag('secret;enabled;clientIdSecret', 'enabled'));
    assert.ok(!hasContextFlag('secret;disabled', 'enabled'));
  });

  void it('match the package.json menus as the tree composes them', () => {
    const profile = composeContextValue(CONTEXT.profile, CONTEXT.sandbox);
    for (const command of [COMMANDS.runFlow, COMMANDS.openSendPanel, COMMANDS.editProfile, COMMANDS.deleteProfile, COMMANDS.probeEndpoint, COMMANDS.sendTestEvent]) {
      assert.ok(menuMatches(command, profile), `${command} on ${profile}`);
    }
    const stage = (id: Parameters<typeof CONTEXT.stage>[0]): string => composeContextValue(CONTEXT.stage(id), CONTEXT.status('failed'));
    assert.ok(menuMatches(COMMANDS.testKeyVaultToken, stage('keyVaultToken')));
    assert.ok(menuMatches(COMMANDS.readClientId, stage('readClientId')));
    assert.ok(menuMatches(COMMANDS.readClientSecret, stage('readClientSecret')));
    assert.ok(menuMatches(COMMANDS.getEventHubsToken, stage('eventHubsToken')));
    assert.ok(menuMatches(COMMANDS.sendTestEvent, stage('send')));
    assert.ok(menuMatches(COMMANDS.probeEndpoint, composeContextValue(CONTEXT.endpoint, CONTEXT.stage('probe'), CONTEXT.status('idle'))));

    const enabledSecret = composeContextValue(CONTEXT.secret, CONTEXT.enabled, CONTEXT.clientSecretSecret);
    const disabledSecret = composeContextValue(CONTEXT.secret, CONTEXT.disabled);
    assert.ok(menuMatches(COMMANDS.copySecretReference, enabledSecret));
    assert.ok(menuMatches(COMMANDS.copySecretReference, disabledSecret));
    assert.ok(menuMatches(COMMANDS.revealSecretValue, enabledSecret));
    assert.ok(!menuMatches(COMMANDS.revealSecretValue, disabledSecret), 'reveal is offered on enabled secrets only');
    assert.ok(menuMatches(COMMANDS.refresh, composeContextValue(CONTEXT.vault)));

    const expiringSecret = composeContextValue(CONTEXT.secret, CONTEXT.enabled, CONTEXT.expiringSoon, CONTEXT.attention, CONTEXT.clientSecretSecret);
    const version = composeContextValue(CONTEXT.secretVersion, CONTEXT.disabled, CONTEXT.expired, CONTEXT.pinned);
    for (const value of [enabledSecret, disabledSecret, expiringSecret, version]) {
      assert.ok(menuMatches(COMMANDS.openSecretInPortal, value), `portal on ${value}`);
      assert.ok(menuMatches(COMMANDS.copySecretReference, value), `copy reference on ${value}`);
    }
    assert.ok(!menuMatches(COMMANDS.revealSecretValue, version), 'reveal is offered on secrets, not on single versions');
    assert.ok(!menuMatches(COMMANDS.openSecretInPortal, composeContextValue(CONTEXT.vault, CONTEXT.attention)));
    assert.ok(menuMatches(COMMANDS.refresh, composeContextValue(CONTEXT.endpoint, CONTEXT.stage('probe'))));
  });

  void it('do not let one stage menu leak onto another node', () => {
    assert.ok(!menuMatches(COMMANDS.readClientId, composeContextValue(CONTEXT.stage('readClientSecret'))));
    assert.ok(!menuMatches(COMMANDS.runFlow, composeContextValue(CONTEXT.partition)));
    assert.ok(!menuMatches(COMMANDS.copySecretReference, composeContextValue(CONTEXT.signIn)));
    assert.ok(!menuMatches(COMMANDS.probeEndpoint, composeContextValue(CONTEXT.error)));
    assert.ok(viewItemPatterns(COMMANDS.signIn).every((re) => !re.test(composeContextValue(CONTEXT.error)) && re.test(composeContextValue(CONTEXT.signIn))), 'sign-in only on sign-in nodes');
    assert.ok(!menuMatches(COMMANDS.sendTestEvent, composeContextValue(CONTEXT.stage('readClientId'), CONTEXT.status('idle'))));
  });
});

/** Evaluates a menu `when` the way VS Code does for the forms package.json uses: `view == x`, `viewItem =~ /re/`, `key`, `!key`. */
function whenHolds(when: string | undefined, viewItem: string, keys: Record<string, boolean>): boolean {
  return (when ?? '').split('&&').every((raw) => {
    const clause = raw.trim();
    const view = /^view == (\S+)$/.exec(clause);
    if (view) {
      return view[1] === 'eventstreamFlow.profiles';
    }
    const re = /^viewItem =~ \/(.+)\/$/.exec(clause);
    if (re) {
      return new RegExp(re[1]!).test(viewItem);
    }
    if (/^!?[\w.]+$/.test(clause)) {
      return clause.startsWith('!') ? !keys[clause.slice(1)] : Boolean(keys[clause]);
    }
    throw new Error(`a when clause this test cannot read: ${clause}`);
  });
}

/** The commands of a node's context menu (inline: its hover icons). */
function menuOf(viewItem: string, inline: boolean, keys: Record<string, boolean> = {}): Set<string> {
  return new Set(
    manifest.contributes.menus['view/item/context']!
      .filter((m) => (m.group ?? '').startsWith('inline') === inline && whenHolds(m.when, viewItem, keys))
      .map((m) => m.command),
  );
}

void describe('every tree action is in the context menu (issue #11: keyboard and menus)', () => {
  const stages = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'] as const;
  const nodeTypes: Record<string, string> = {
    profile: composeContextValue(CONTEXT.profile),
    sandboxProfile: composeContextValue(CONTEXT.profile, CONTEXT.sandbox),
    stoppedSandbox: composeContextValue(CONTEXT.profile, CONTEXT.sandbox, CONTEXT.sandboxStopped),
    ...Object.fromEntries(stages.map((s) => [`stage ${s}`, composeContextValue(CONTEXT.stage(s), CONTEXT.status('failed'))])),
    vault: composeContextValue(CONTEXT.vault, CONTEXT.attention),
    secret: composeContextValue(CONTEXT.secret, CONTEXT.enabled, CONTEXT.clientIdSecret),
    secretVersion: composeContextValue(CONTEXT.secretVersion, CONTEXT.enabled, CONTEXT.latest),
    endpoint: composeContextValue(CONTEXT.endpoint, CONTEXT.stage('probe'), CONTEXT.status('idle')),
    partition: composeContextValue(CONTEXT.partition, 'empty'),
    error: composeContextValue(CONTEXT.error),
    signIn: composeContextValue(CONTEXT.signIn),
    hint: composeContextValue(CONTEXT.hint),
  };

  void it('every node type has a context menu', () => {
    for (const [type, value] of Object.entries(nodeTypes)) {
      assert.ok(menuOf(value, false, { 'eventstreamFlow.sandboxRunning': true }).size > 0, `${type} (${value}) has context-menu entries`);
    }
  });

  void it('each hover icon of a node is also in its context menu', () => {
    for (const [type, value] of Object.entries(nodeTypes)) {
      const context = menuOf(value, false, { 'eventstreamFlow.sandboxRunning': true });
      for (const command of menuOf(value, true)) {
        assert.ok(context.has(command), `${command} on ${type} is a hover icon only`);
      }
    }
  });

  void it('each stage runs from its context menu and from Enter', () => {
    for (const stage of stages) {
      const menu = menuOf(nodeTypes[`stage ${stage}`]!, false);
      assert.ok(menu.has(STAGE_RUN_COMMAND[stage]), `${STAGE_RUN_COMMAND[stage]} in the menu of ${stage}`);
      assert.ok(menu.has(COMMANDS.runFlow), `Run Full Flow in the menu of ${stage}`);
      assert.ok(Object.values(COMMANDS).includes(stageDefaultCommand(stage).command));
    }
    assert.equal(stageDefaultCommand('send').command, COMMANDS.openSendPanel, 'Enter on the send stage opens the panel, never sends');
    assert.equal(stageDefaultCommand('readClientId').command, COMMANDS.readClientId);
    assert.ok(menuOf(nodeTypes.endpoint!, false).has(COMMANDS.probeEndpoint));
  });

  void it('the sandbox profile offers Stop while running and Start once stopped', () => {
    assert.ok(menuOf(nodeTypes.sandboxProfile!, false, { 'eventstreamFlow.sandboxRunning': true }).has(COMMANDS.stopSandbox));
    assert.ok(!menuOf(nodeTypes.sandboxProfile!, false, { 'eventstreamFlow.sandboxRunning': false }).has(COMMANDS.stopSandbox));
    assert.ok(menuOf(nodeTypes.stoppedSandbox!, false).has(COMMANDS.startSandbox));
    assert.ok(!menuOf(nodeTypes.profile!, false, { 'eventstreamFlow.sandboxRunning': true }).has(COMMANDS.stopSandbox), 'not on other profiles');
    assert.ok(!menuOf(nodeTypes.sandboxProfile!, false).has(COMMANDS.startSandbox));
  });
});

void describe('manifest and constants', () => {
  void it('declare each view and each menu entry once (a merge once doubled them: two trees answered to one id)', () => {
    const contributes = manifest.contributes as unknown as { views: Record<string, { id: string }[]>; menus: Record<string, unknown[]> };
    const viewIds = Object.values(contributes.views).flat().map((v) => v.id);
    assert.deepEqual(viewIds, [...new Set(viewIds)]);
    for (const [place, entries] of Object.entries(contributes.menus)) {
      const keys = entries.map((e) => JSON.stringify(e));
      assert.deepEqual(keys, [...new Set(keys)], place);
    }
  });

  void it('declare the same commands, each with the category', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'Eventstream Flow', c.command);
    }
  });

  void it('give Read Client Id an icon that draws a picture, not the "abc" of symbol-key (issue #11)', () => {
    const icons = manifest.contributes.commands as { command: string; icon?: string }[];
    assert.equal(icons.find((c) => c.command === COMMANDS.readClientId)?.icon, '$(person)');
    assert.ok(!icons.some((c) => c.icon === '$(symbol-key)'));
  });

  void it('hide tree-only commands from the palette', () => {
    const hidden = new Set(manifest.contributes.menus.commandPalette!.filter((m) => m.when === 'never').map((m) => m.command));
    assert.ok(hidden.has(COMMANDS.copySecretReference));
    assert.ok(hidden.has(COMMANDS.revealSecretValue));
    assert.ok(hidden.has(COMMANDS.openSecretInPortal));
  });
});
