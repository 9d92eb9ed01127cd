import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, isCancelledError } from '../../../src/core/errors/errors';
import { runProfileWizard, type WizardDefaults } from '../../../src/extension/profiles/profileWizard';
import { ResumableAnswers } from '../../../src/extension/profiles/resumableAnswers';
import type { InputStep, PickStep, WizardPrompter } from '../../../src/extension/profiles/wizardPrompter';
import { FABRIC_CS, READER_CLIENT_ID, READER_SECRET, sampleProfile, TENANT } from './profilesFixtures';
import { scripted, type Answer } from './scriptedPrompter';

const DEFAULTS: WizardDefaults = { cloud: 'public', protocol: 'rest', amqpTransport: 'tcp' };

/** The secure flow, as in profilesWizard.test.ts. */
const SECURE_FLOW: Answer[] = [
  'Orders pipeline',
  { pick: 'Azure (public)' },
  'https://contoso-kv.vault.azure.net/',
  { pick: 'Service principal' },
  TENANT,
  READER_CLIENT_ID,
  READER_SECRET,
  { pick: 'Like the pipeline (v1)' },
  'pipeline-client-id',
  'pipeline-client-secret',
  { pick: 'Paste a connection string' },
  FABRIC_CS,
  { pick: 'Entra ID (the secure flow)' },
  TENANT,
  { pick: 'v1, like the pipeline' },
  { pick: 'REST (HTTPS)' },
];

const run = (prompter: WizardPrompter) => runProfileWizard({ prompter, defaults: DEFAULTS, others: [], newId: () => 'new-id' });

/** Escape after `n` answered steps. */
function escapeAfter(inner: WizardPrompter, n: number): WizardPrompter {
  let answered = 0;
  const gate = (): void => {
    if (answered++ >= n) {
      throw new CancelledError();
    }
  };
  return {
    input: (step) => (gate(), inner.input(step)),
    pick: (step) => (gate(), inner.pick(step)),
  };
}

/** Records what each step opened with (an input's value, a pick's active option). */
function opening(inner: WizardPrompter): WizardPrompter & { seen: { prompt: string; value?: string; password?: boolean; active?: string }[] } {
  const seen: { prompt: string; value?: string; password?: boolean; active?: string }[] = [];
  return {
    seen,
    input: (step: InputStep) => (seen.push({ prompt: step.prompt, ...(step.value !== undefined ? { value: step.value } : {}), ...(step.password ? { password: true } : {}) }), inner.input(step)),
    pick: <T>(step: PickStep<T>) => {
      const active = step.options.find((o) => o.value === step.active)?.label;
      seen.push({ prompt: step.placeholder, ...(active ? { active } : {}) });
      return inner.pick(step);
    },
  };
}

describe('Add Profile keeps a dismissed wizard’s answers (issue #11: wizard draft)', () => {
  it('Escape at step 12 of 16, then resume: every kept answer opens its step, secrets are asked again', async () => {
    const answers = new ResumableAnswers();
    await assert.rejects(run(answers.wrap(escapeAfter(scripted(SECURE_FLOW), 12), false)), isCancelledError);
    // 12 answered: the reader's secret (a password box) and the connection string (it holds a key) are not kept.
    assert.equal(answers.size, 10);

    // Enter ('') on every kept text box; the secret and the connection string typed again.
    const resumed: Answer[] = SECURE_FLOW.map((a, i) => ([0, 2, 4, 5, 8, 9].includes(i) ? '' : a));
    const prompter = opening(scripted(resumed));
    const profile = await run(answers.wrap(prompter, true));
    assert.deepEqual(profile, sampleProfile({ id: 'new-id' }));

    const seen = (prompt: RegExp) => prompter.seen.find((s) => prompt.test(s.prompt));
    assert.equal(prompter.seen[0]?.value, 'Orders pipeline');
    assert.ok(prompter.seen.some((s) => /contoso-kv\.vault\.azure\.net/.test(s.value ?? '')), 'the vault URL box opens with it');
    assert.ok(prompter.seen.filter((s) => s.password).every((s) => !s.value), 'a password box never opens with a kept secret');
    assert.ok(prompter.seen.every((s) => !(s.value ?? '').includes(READER_SECRET)));
    assert.ok(prompter.seen.every((s) => !/SharedAccessKey=/.test(s.value ?? '')), 'a connection string with its key is never kept');
    assert.equal(seen(/Key Vault token\?/)?.active, 'Service principal', 'a pick opens on the kept choice');
  });

  it('without resume the steps open as usual, and clear() forgets everything', async () => {
    const answers = new ResumableAnswers();
    await assert.rejects(run(answers.wrap(escapeAfter(scripted(SECURE_FLOW), 3), false)), isCancelledError);
    assert.equal(answers.size, 3);
    const prompter = opening(scripted(SECURE_FLOW));
    await run(answers.wrap(prompter, false));
    assert.notEqual(prompter.seen[0]?.value, 'Orders pipeline');
    answers.clear();
    assert.equal(answers.size, 0);
  });
});
