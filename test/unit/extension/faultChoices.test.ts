import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { StageId } from '../../../src/core/flow/types';
import { FAULT_DESCRIPTIONS, faultChoices } from '../../../src/extension/faultChoices';
import { COMMANDS } from '../../../src/extension/constants';
import { composeContextValue, CONTEXT } from '../../../src/extension/tree/nodeIds';
import { FAULT_KINDS, FAULTS_BY_STAGE } from '../../../src/sandbox/stageFaults';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> };
};

/** The `when` of Make This Stage Fail's tree menu entry, evaluated for a row and the sandboxRunning key. */
function offered(viewItem: string, sandboxRunning: boolean): boolean {
  return manifest.contributes.menus['view/item/context']!
    .filter((m) => m.command === COMMANDS.makeStageFail)
    .some((m) =>
      (m.when ?? '').split('&&').every((clause) => {
        const c = clause.trim();
        const re = /^viewItem =~ \/(.+)\/$/.exec(c);
        return re ? new RegExp(re[1]!).test(viewItem) : c === 'eventstreamFlow.sandboxRunning' ? sandboxRunning : c === 'view == eventstreamFlow.profiles';
      }),
    );
}

void describe('Make This Stage Fail… (issue #11: faults from the editor)', () => {
  void it('offers, for each stage, the sandbox kinds that can happen there, each with what Azure answers', () => {
    for (const stage of Object.keys(FAULTS_BY_STAGE) as StageId[]) {
      const choices = faultChoices(stage, FAULTS_BY_STAGE);
      assert.deepEqual(
        choices.map((c) => c.label),
        [...FAULTS_BY_STAGE[stage]],
      );
      assert.ok(choices.every((c) => c.description.length > 10), stage);
    }
    assert.deepEqual(Object.keys(FAULT_DESCRIPTIONS).sort(), [...FAULT_KINDS].sort(), 'every kind is described');
    assert.ok(faultChoices('send', FAULTS_BY_STAGE).some((c) => c.label === 'amqpPortBlocked'));
  });

  void it('is in the menu of the running sandbox profile stages only', () => {
    const sandboxStage = composeContextValue(CONTEXT.stage('readClientSecret'), CONTEXT.status('idle'), CONTEXT.onSandbox);
    const otherStage = composeContextValue(CONTEXT.stage('readClientSecret'), CONTEXT.status('idle'));
    assert.ok(offered(sandboxStage, true));
    assert.ok(offered(composeContextValue(CONTEXT.endpoint, CONTEXT.stage('probe'), CONTEXT.onSandbox), true));
    assert.ok(!offered(sandboxStage, false), 'not while the sandbox is stopped');
    assert.ok(!offered(otherStage, true), 'not on a profile that talks to Azure');
    assert.ok(!offered(composeContextValue(CONTEXT.profile, CONTEXT.sandbox), true), 'not on the profile row');
  });
});
