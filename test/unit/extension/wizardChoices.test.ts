// The profile wizard's pick lists from discovery: a vault and a namespace/hub picked from what Azure
// lists, "Type it…" (or a listing that fails) still leads to typing, and Back passes through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WizardChoices } from '../../../src/extension/discovery/wizardChoices';
import { TYPE_IT } from '../../../src/extension/discovery/wizardChoices';
import { runProfileWizard, type WizardDefaults } from '../../../src/extension/profiles/profileWizard';
import { scripted, type Answer } from './scriptedPrompter';
import { READER_CLIENT_ID, READER_SECRET, TENANT } from './profilesFixtures';

const DEFAULTS: WizardDefaults = { cloud: 'public', protocol: 'rest', amqpTransport: 'tcp' };
const CHOICES: WizardChoices = {
  vaults: () => Promise.resolve([{ name: 'contoso-kv', vaultUrl: 'https://contoso-kv.vault.azure.net/', detail: 'Azure RBAC' }]),
  hubs: () => Promise.resolve([{ namespace: 'contoso-ns.servicebus.windows.net', eventHubName: 'orders', detail: 'contoso-ns' }]),
};

function answers(vault: Answer[], endpoint: Answer[]): Answer[] {
  return [
    'Orders pipeline',
    { pick: 'Azure (public)' },
    ...vault,
    { pick: 'Service principal' },
    TENANT,
    READER_CLIENT_ID,
    READER_SECRET,
    { pick: 'Like the pipeline (v1)' },
    'pipeline-client-id',
    'pipeline-client-secret',
    { pick: 'Enter the namespace and event hub' },
    ...endpoint,
    { pick: 'Entra ID (the secure flow)' },
    TENANT,
    { pick: 'v1, like the pipeline' },
    { pick: 'REST (HTTPS)' },
  ];
}

const run = (list: Answer[], choices?: WizardChoices): ReturnType<typeof runProfileWizard> =>
  runProfileWizard({ prompter: scripted(list), defaults: DEFAULTS, others: [], newId: () => 'id', ...(choices ? { choices } : {}) });

describe('profile wizard pick lists', () => {
  it('a vault and a namespace/hub picked from Azure fill the profile (the hub step opens with the picked hub)', async () => {
    const prompter = scripted(answers([{ pick: 'contoso-kv' }], [{ pick: 'contoso-ns.servicebus.windows.net / orders' }, '']));
    const profile = await runProfileWizard({ prompter, defaults: DEFAULTS, others: [], newId: () => 'id', choices: CHOICES });
    assert.equal(profile.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
    assert.equal(profile.endpoint.namespace, 'contoso-ns.servicebus.windows.net');
    assert.equal(profile.endpoint.eventHubName, 'orders');
    const vaultPick = prompter.shown.find((s) => s.kind === 'pick' && s.labels?.includes('contoso-kv'));
    assert.deepEqual(vaultPick?.labels?.slice(-1), [TYPE_IT], 'typing stays offered');
    const hubStep = prompter.shown.find((s) => s.kind === 'input' && /Event hub name/.test(s.prompt));
    assert.equal(hubStep?.value, 'orders');
  });

  it('"Type it…" leads to the input boxes as before', async () => {
    const profile = await run(answers([{ pick: TYPE_IT }, 'https://typed-kv.vault.azure.net/'], [{ pick: TYPE_IT }, 'typed-ns.servicebus.windows.net', 'typed-hub']), CHOICES);
    assert.equal(profile.keyVault.vaultUrl, 'https://typed-kv.vault.azure.net');
    assert.equal(profile.endpoint.namespace, 'typed-ns.servicebus.windows.net');
    assert.equal(profile.endpoint.eventHubName, 'typed-hub');
  });

  it('a listing that fails, or no signed-in account, falls back to typing without a pick', async () => {
    const failing: WizardChoices = { vaults: () => Promise.reject(new Error('AuthorizationFailed')), hubs: () => Promise.resolve([]) };
    const typed = answers(['https://typed-kv.vault.azure.net/'], ['typed-ns.servicebus.windows.net', 'typed-hub']);
    assert.equal((await run(typed, failing)).keyVault.vaultUrl, 'https://typed-kv.vault.azure.net');
    assert.equal((await run(typed)).endpoint.eventHubName, 'typed-hub');
  });
});
