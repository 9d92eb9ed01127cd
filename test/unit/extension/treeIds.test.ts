import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/extension/constants';
import { composeContextValue, CONTEXT, hasContextFlag, nodeIds } from '../../../src/extension/tree/nodeIds';

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
    assert.equal(viewItemPatterns(COMMANDS.signIn).length, 0);
  });
});

void describe('manifest and constants', () => {
  void it('declare the same commands, each with the category', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'Eventstream Flow', c.command);
    }
  });

  void it('hide tree-only commands from the palette', () => {
    const hidden = new Set(manifest.contributes.menus.commandPalette!.filter((m) => m.when === 'never').map((m) => m.command));
    assert.ok(hidden.has(COMMANDS.copySecretReference));
    assert.ok(hidden.has(COMMANDS.revealSecretValue));
    assert.ok(hidden.has(COMMANDS.openSecretInPortal));
  });
});
