// The Add/Edit wizard driven by a scripted prompter (what the quick input does: a refused value
// stays and is typed again; Back keeps answers), and the UserInput route the in-host tests use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCancelledError } from '../../../src/core/errors/errors';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { UserInput } from '../../../src/extension/services';
import { KEEP_SECRET_PLACEHOLDER, PASTED_SECRET_PLACEHOLDER, runProfileWizard, type WizardDefaults } from '../../../src/extension/profiles/profileWizard';
import { createUserInputPrompter, WIZARD_BACK, type WizardPrompter } from '../../../src/extension/profiles/wizardPrompter';
import { BACK, scripted, type Answer } from './scriptedPrompter';
import { FABRIC_CS, READER_CLIENT_ID, READER_SECRET, SAS_KEY, sampleProfile, TENANT } from './profilesFixtures';

const DEFAULTS: WizardDefaults = { cloud: 'public', protocol: 'rest', amqpTransport: 'tcp' };

/** The full secure-flow answers: service principal, Fabric connection string, Entra endpoint auth. */
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
  '', // Event Hubs tenant: prefilled with the Key Vault tenant
  { pick: 'v1, like the pipeline' },
  { pick: 'REST (HTTPS)' },
];

function run(prompter: WizardPrompter, existing?: ConnectionProfile, others = [{ id: 'x', name: 'Taken' }]): Promise<ConnectionProfile> {
  return runProfileWizard({ prompter, defaults: DEFAULTS, others, newId: () => 'new-id', ...(existing ? { existing } : {}) });
}

describe('profile wizard', () => {
  it('builds the secure-flow profile; the connection string fills namespace and hub, its key is dropped for Entra', async () => {
    const answers = [...SECURE_FLOW];
    answers[13] = TENANT;
    const prompter = scripted(answers);
    const profile = await run(prompter);
    assert.deepEqual(profile, { ...sampleProfile({ id: 'new-id' }) });
    assert.doesNotMatch(JSON.stringify(profile), new RegExp(SAS_KEY.slice(0, 12)));
    // Step counter: 1..16 of 16, every step titled.
    assert.deepEqual(
      prompter.shown.map((s) => s.step),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    assert.ok(prompter.shown.every((s) => s.totalSteps === 16 && s.title === 'Add Profile'));
    // Secrets are typed hidden.
    const hidden = prompter.shown.filter((s) => s.password).map((s) => s.prompt);
    assert.equal(hidden.length, 2);
    assert.match(hidden[0] ?? '', /Client secret value/);
    assert.match(hidden[1] ?? '', /Connection string/);
    // The Event Hubs tenant step was prefilled with the Key Vault tenant.
    assert.equal(prompter.shown[13]?.value, TENANT);
  });

  it('refuses a bad value where it is typed, saying what is wrong and how to fix it, and keeps going', async () => {
    const answers: Answer[] = [...SECURE_FLOW];
    answers.splice(2, 0, 'contoso-kv'); // vault name only
    answers.splice(5, 0, 'common'); // multi-tenant alias
    answers.splice(10, 0, 'https://contoso-kv.vault.azure.net/secrets/pipeline-client-id'); // URL, not name: accepted (read from URL)
    answers.splice(11, 1); // …so the plain name is not needed
    answers.splice(11, 0, 'pipeline-client-id'); // same secret twice: refused
    const prompter = scripted(answers);
    answers[14 + 3] = TENANT;
    const profile = await run(prompter);
    const refused = prompter.shown.flatMap((s) => s.refused);
    assert.equal(refused.length, 3, refused.join('\n'));
    assert.match(refused[0] ?? '', /^The vault URL is only a name \(contoso-kv\)\. Use the full vault URL: https:\/\/contoso-kv\.vault\.azure\.net/);
    assert.match(refused[1] ?? '', /^The tenant is "common", a multi-tenant alias/);
    assert.match(refused[2] ?? '', /client id secret again/);
    assert.equal(profile.keyVault.clientIdSecret.name, 'pipeline-client-id');
    assert.equal(profile.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
  });

  it('refuses a name another profile has', async () => {
    const prompter = scripted(['taken', ...SECURE_FLOW]);
    await run(prompter);
    assert.match(prompter.shown[0]?.refused[0] ?? '', /already used by another profile/);
  });

  it('goes back without losing answers, and the step count follows the choices', async () => {
    const answers: Answer[] = [
      'Dev',
      { pick: 'Azure (public)' },
      'https://contoso-kv.vault.azure.net',
      { pick: 'Service principal' },
      TENANT,
      BACK, // back from client id to tenant…
      BACK, // …to how to reach Key Vault
      { pick: 'Azure CLI' },
      '', // Enter on the optional tenant: it still shows the tenant typed before Back
      'pipeline-client-id',
      'pipeline-client-secret',
      { pick: 'Enter the namespace and event hub' },
      'eventstream-1234abcd.servicebus.windows.net',
      'es_9abc0def',
      { pick: 'SAS key' },
      'key_1',
      SAS_KEY,
      { pick: 'AMQP over WebSockets' },
    ];
    const prompter = scripted(answers);
    const profile = await run(prompter);
    const tenantSteps = prompter.shown.filter((s) => /tenant/i.test(s.prompt) && s.kind === 'input');
    assert.equal(tenantSteps[1]?.value, TENANT, 'the tenant typed before Back is still there');
    assert.equal(prompter.shown.find((s) => s.prompt.startsWith('How does this profile get'))?.totalSteps, 16);
    assert.equal(prompter.shown.at(-1)?.totalSteps, 14);
    assert.deepEqual(profile.keyVault.auth, { kind: 'azureCli', tenantId: TENANT });
    assert.deepEqual(profile.endpoint, {
      namespace: 'eventstream-1234abcd.servicebus.windows.net',
      eventHubName: 'es_9abc0def',
      auth: { kind: 'sas', keyName: 'key_1', key: SAS_KEY },
      protocol: 'amqp',
      amqpTransport: 'websockets',
    });
  });

  it('uses the pasted key for SAS auth when Enter is pressed on the key step', async () => {
    const answers = [...SECURE_FLOW];
    answers.splice(12, 4, { pick: 'SAS key' }, '', '', { pick: 'REST (HTTPS)' });
    const prompter = scripted(answers);
    const profile = await run(prompter);
    assert.deepEqual(profile.endpoint.auth, { kind: 'sas', keyName: 'key_5678efgh', key: SAS_KEY });
    const keyStep = prompter.shown.find((s) => s.prompt.startsWith('SAS key (primary'));
    assert.equal(keyStep?.placeholder, PASTED_SECRET_PLACEHOLDER);
    assert.equal(keyStep?.value, '');
  });

  it('accepts the namespace root key with a warning naming the send-only policy that is enough', async () => {
    const answers = [...SECURE_FLOW];
    answers.splice(10, 6, { pick: 'Enter the namespace and event hub' }, 'eventstream-1234abcd.servicebus.windows.net', 'es_9abc0def', { pick: 'SAS key' }, 'RootManageSharedAccessKey', SAS_KEY, { pick: 'REST (HTTPS)' });
    const prompter = scripted(answers);
    const profile = await run(prompter);
    assert.deepEqual(profile.endpoint.auth, { kind: 'sas', keyName: 'RootManageSharedAccessKey', key: SAS_KEY });
    const keyName = prompter.shown.find((s) => s.prompt.startsWith('SAS key (policy) name'));
    assert.equal(keyName?.refused.length, 0, 'a warning, not a refusal');
    assert.match(keyName?.warnings?.[0] ?? '', /^RootManageSharedAccessKey is the namespace's root key.*A send-only policy on the event hub is enough: create one with only Send/);
    assert.match(keyName?.prompt ?? '', /Fabric: key_…/, 'the prompt asks for the entity-level key, never the root key');
    for (const shown of prompter.shown) {
      assert.doesNotMatch(`${shown.prompt} ${shown.placeholder ?? ''}`, /RootManage/, 'no prompt suggests the root key');
    }
  });

  it('warns when a pasted connection string carries the root key, and not for Fabric\'s key_… key', async () => {
    const rootCs = FABRIC_CS.replace('key_5678efgh', 'RootManageSharedAccessKey');
    const answers = [...SECURE_FLOW];
    answers[11] = rootCs;
    const prompter = scripted(answers);
    await run(prompter);
    const paste = prompter.shown.find((s) => s.prompt.startsWith('Connection string of the endpoint'));
    assert.match(paste?.warnings?.[0] ?? '', /^If the endpoint authenticates with this key: RootManageSharedAccessKey is the namespace's root key/);
    assert.ok(!(paste?.warnings?.[0] ?? '').includes(SAS_KEY));
    const fabric = scripted([...SECURE_FLOW]);
    await run(fabric);
    assert.ok(fabric.shown.every((s) => !s.warnings?.length), 'no warning for an entity-level key');
  });

  it('keeps the pasted string whole for connection-string auth without asking again', async () => {
    const answers = [...SECURE_FLOW];
    answers.splice(12, 4, { pick: 'Connection string' }, { pick: 'AMQP over TLS' });
    const profile = await run(scripted(answers));
    assert.deepEqual(profile.endpoint.auth, { kind: 'connectionString', connectionString: FABRIC_CS });
    assert.equal(profile.endpoint.amqpTransport, 'tcp');
  });

  it('an edit that only renames keeps every other field as stored: an unpinned AMQP transport, WebSockets, the CA and authority (#8)', async () => {
    const acceptAll: WizardPrompter = {
      input: (step) => Promise.resolve({ kind: 'value', value: step.prompt.startsWith('Profile name') ? 'Renamed' : (step.value ?? '') }),
      pick: (step) => Promise.resolve({ kind: 'value', value: step.active as never }),
    };
    const base = sampleProfile();
    const unpinned = sampleProfile({ endpoint: { ...base.endpoint, protocol: 'amqp' } });
    assert.equal(unpinned.endpoint.amqpTransport, undefined);
    assert.deepEqual(await run(acceptAll, unpinned, [{ id: 'p-1', name: 'x' }]), { ...unpinned, name: 'Renamed' }, 'no transport stays no transport (TCP with the WebSockets fallback)');
    const sandboxLike = sampleProfile({
      authorityHost: 'https://localhost:4443',
      trustedCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      keyVault: { ...base.keyVault, vaultUrl: 'https://localhost:4444' },
      endpoint: { ...base.endpoint, namespace: 'localhost:4445', protocol: 'amqp', amqpTransport: 'websockets' },
    });
    assert.deepEqual(await run(acceptAll, sandboxLike, [{ id: 'p-1', name: 'x' }]), { ...sandboxLike, name: 'Renamed' }, 'the sandbox profile keeps WebSockets, its CA and authority');
  });

  it('edits with every value prefilled, never shows a stored secret, and Enter keeps it', async () => {
    // The read-back settings (Configure Read Back…'s, not asked here) are kept too.
    const readBack = { consumerGroup: 'cg-orders', auth: { kind: 'sas' as const, keyName: 'listen_1', key: SAS_KEY } };
    const existing = sampleProfile({ endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'key_1', key: SAS_KEY } }, readBack });
    // Presses Enter on every step (prefilled values, kept secrets) and types only the new name.
    const prompter = scripted([]);
    const accept: WizardPrompter = {
      input: (step) => {
        prompter.shown.push({ kind: 'input', title: step.title, step: step.step, totalSteps: step.totalSteps, prompt: step.prompt, value: step.value, placeholder: step.placeholder, password: step.password, refused: [] });
        const value = step.prompt.startsWith('Profile name') ? 'Orders pipeline (renamed)' : (step.value ?? '');
        const check = step.validate(value);
        assert.notEqual(check?.severity, 'error', `${step.prompt}: ${check?.message}`);
        return Promise.resolve({ kind: 'value', value });
      },
      pick: (step) => {
        prompter.shown.push({ kind: 'pick', title: step.title, step: step.step, totalSteps: step.totalSteps, prompt: step.placeholder, refused: [] });
        return Promise.resolve({ kind: 'value', value: step.active as never });
      },
    };
    const edited = await run(accept, existing, [{ id: 'p-1', name: 'Orders pipeline' }]);
    assert.deepEqual(edited, { ...existing, name: 'Orders pipeline (renamed)' });
    const secretSteps = prompter.shown.filter((s) => s.password);
    assert.deepEqual(
      secretSteps.map((s) => [s.value, s.placeholder]),
      [
        ['', KEEP_SECRET_PLACEHOLDER],
        ['', KEEP_SECRET_PLACEHOLDER],
      ],
    );
    const everything = JSON.stringify(prompter.shown);
    assert.ok(!everything.includes(READER_SECRET) && !everything.includes(SAS_KEY), 'a stored secret was shown');
    assert.ok(prompter.shown.every((s) => s.title === 'Edit Profile: Orders pipeline'));
    assert.equal(prompter.shown.find((s) => s.prompt.startsWith('Key Vault URL'))?.value, existing.keyVault.vaultUrl);
  });

  it('requires a secret that an imported profile lacks', async () => {
    const base = sampleProfile();
    const imported = { ...base, keyVault: { ...base.keyVault, auth: { ...base.keyVault.auth, clientSecret: '' } } } as ConnectionProfile;
    const seen: string[] = [];
    const prompter: WizardPrompter = {
      input: (step) => {
        if (step.password) {
          assert.equal(step.placeholder?.includes('unchanged'), false);
          const empty = step.validate('');
          seen.push(empty?.message ?? '');
          return Promise.resolve({ kind: 'value', value: READER_SECRET });
        }
        return Promise.resolve({ kind: 'value', value: step.value ?? '' });
      },
      pick: (step) => Promise.resolve({ kind: 'value', value: step.active as never }),
    };
    const edited = await run(prompter, imported, []);
    assert.match(seen[0] ?? '', /^The client secret is empty\./);
    assert.equal(edited.keyVault.auth.kind === 'servicePrincipal' && edited.keyVault.auth.clientSecret, READER_SECRET);
  });

  it('reopens the step that owns a problem found in the whole profile, then finishes', async () => {
    // A kept connection string is not re-checked when Enter keeps it; after a cloud change it no
    // longer fits, which only the whole-profile check sees.
    const base = sampleProfile();
    const existing = sampleProfile({ endpoint: { ...base.endpoint, auth: { kind: 'connectionString', connectionString: FABRIC_CS } } });
    const chinaCs = FABRIC_CS.replace('servicebus.windows.net', 'servicebus.chinacloudapi.cn');
    const prompter = scripted([
      '',
      { pick: 'Azure China (21Vianet)' },
      'https://contoso-kv.vault.azure.cn',
      { pick: 'Service principal' },
      '',
      '',
      '', // client secret: kept
      { pick: 'Like the pipeline (v1)' },
      '',
      '',
      { pick: 'Paste a connection string' },
      '', // keep the stored (public cloud) string
      { pick: 'Connection string' },
      { pick: 'REST (HTTPS)' },
      chinaCs, // the reopened paste step
    ]);
    const edited = await run(prompter, existing, []);
    const reopened = prompter.shown.at(-1);
    assert.match(reopened?.prompt ?? '', /^Connection string of the endpoint/);
    assert.match(reopened?.initialError ?? '', /Azure \(public\) namespace .* but the profile targets Azure China/);
    assert.equal(edited.cloud, 'china');
    assert.equal(edited.endpoint.namespace, 'eventstream-1234abcd.servicebus.chinacloudapi.cn');
    assert.deepEqual(edited.endpoint.auth, { kind: 'connectionString', connectionString: chinaCs });
    assert.equal(edited.keyVault.auth.kind === 'servicePrincipal' && edited.keyVault.auth.clientSecret, READER_SECRET);
  });

  it('cancels with CancelledError when dismissed', async () => {
    const prompter: WizardPrompter = {
      input: () => Promise.reject(new (class extends Error {
        readonly isCancelledError = true;
      })('dismissed')),
      pick: () => Promise.reject(new Error('unexpected')),
    };
    await assert.rejects(run(prompter), isCancelledError);
  });
});

describe('wizard over UserInput (how in-host tests script it)', () => {
  /** A TestUserInput-like double: answers in order, records what was asked. */
  function fakeInput(answers: (string | undefined)[]): UserInput & { asked: { title: string; password?: boolean; prompt?: string; value?: string; choices?: string[] }[] } {
    const queue = [...answers];
    const asked: { title: string; password?: boolean; prompt?: string; value?: string; choices?: string[] }[] = [];
    return {
      asked,
      showInputBox: (o) => {
        asked.push({ title: o.title ?? '', password: o.password, prompt: o.prompt, value: o.value });
        return Promise.resolve(queue.shift());
      },
      showQuickPick: (items, o) => {
        asked.push({ title: o.title ?? '', choices: items.map((i) => i.label) });
        const a = queue.shift();
        return Promise.resolve(a === undefined ? undefined : items.find((i) => i.label === a));
      },
      showWarningMessage: () => Promise.resolve(undefined),
      showOpenDialog: () => Promise.resolve(undefined),
      showSaveDialog: () => Promise.resolve(undefined),
    };
  }

  it('asks every step through showInputBox/showQuickPick, titled "Step n of m", with Back and re-asking on refusal', async () => {
    // A scripted answer is the box's final text (as with TestUserInput): '' would clear a prefilled box.
    const answers = SECURE_FLOW.map((a) => (a === '' ? TENANT : typeof a === 'string' ? a : 'pick' in a ? a.pick : WIZARD_BACK));
    answers.splice(3, 0, WIZARD_BACK, 'https://contoso-kv.vault.azure.net'); // back at "how to reach Key Vault", then the URL again
    answers.splice(6, 0, 'not-a-tenant!'); // refused, asked again
    const input = fakeInput(answers);
    const profile = await runProfileWizard({ prompter: createUserInputPrompter(input), defaults: DEFAULTS, others: [], newId: () => 'new-id' });
    assert.equal(profile.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
    assert.equal(input.asked[0]?.title, 'Add Profile (Step 1 of 16)');
    assert.ok(input.asked[3]?.choices?.includes(WIZARD_BACK), 'picks from step 2 list Back');
    const tenantAsks = input.asked.filter((a) => a.prompt?.startsWith('Directory (tenant) ID'));
    assert.equal(tenantAsks.length, 2);
    assert.match(tenantAsks[1]?.prompt ?? '', /— The tenant is neither a GUID nor a domain name/);
    assert.equal(tenantAsks[1]?.value, 'not-a-tenant!');
    assert.equal(input.asked.find((a) => a.prompt?.startsWith('Client secret value'))?.password, true);
  });

  it('turns a dismissed prompt into CancelledError', async () => {
    const input = fakeInput(['Name', undefined]);
    await assert.rejects(runProfileWizard({ prompter: createUserInputPrompter(input), defaults: DEFAULTS, others: [], newId: () => 'x' }), isCancelledError);
  });
});
