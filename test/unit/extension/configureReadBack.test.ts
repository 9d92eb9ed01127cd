// Configure Read Back…: the prompt flow driven by a scripted prompter (refused values shown where
// they are typed, Back keeping answers, a stored key never shown and kept on Enter), and what it saves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, isCancelledError } from '../../../src/core/errors/errors';
import type { ConnectionProfile, ReadBackSettings } from '../../../src/core/model/profile';
import { toShareableProfile } from '../../../src/core/model/shareable';
import { describeReadBack, runReadBackWizard } from '../../../src/extension/commands/configureReadBack';
import { KEEP_SECRET_PLACEHOLDER } from '../../../src/extension/profiles/profileWizard';
import type { WizardPrompter } from '../../../src/extension/profiles/wizardPrompter';
import { sampleProfile, SAS_KEY } from './profilesFixtures';
import { BACK, scripted } from './scriptedPrompter';

const GROUP = '3f2b8c1e-7d4a-4b6e-9c0f-1a2b3c4d5e6f';
const DEST_KEY = 'ZGVzdGluYXRpb24ta2V5LXZhbHVlLTAxMjM0NTY3ODk=';
const DEST_CS = `Endpoint=sb://eventstream-dest9876.servicebus.windows.net/;SharedAccessKeyName=key_dest1234;SharedAccessKey=${DEST_KEY};EntityPath=es_dest5678`;
const OTHER = { pick: 'Another endpoint (Fabric destination / other hub)' };
const SAME = { pick: 'Same as the send endpoint' };

async function settingsOf(prompter: WizardPrompter, profile: ConnectionProfile = sampleProfile()): Promise<ReadBackSettings> {
  const choice = await runReadBackWizard({ prompter, profile });
  assert.equal(choice.kind, 'set');
  assert.ok(choice.kind === 'set');
  return choice.readBack;
}

describe('configure read back', () => {
  it('reads a Fabric destination from its connection string: namespace and hub from the string, key typed hidden', async () => {
    const prompter = scripted([OTHER, { pick: 'Connection string' }, DEST_CS, GROUP, '']);
    const readBack = await settingsOf(prompter);
    assert.deepEqual(readBack, {
      namespace: 'eventstream-dest9876.servicebus.windows.net',
      eventHubName: 'es_dest5678',
      consumerGroup: GROUP,
      auth: { kind: 'connectionString', connectionString: DEST_CS },
    });
    assert.deepEqual(
      prompter.shown.map((s) => `${s.step}/${s.totalSteps}`),
      ['1/3', '2/5', '3/5', '4/5', '5/5'],
      'the count follows the choices; the hub is not asked: EntityPath names it',
    );
    assert.ok(prompter.shown.every((s) => s.title === 'Configure Read Back: Orders pipeline'));
    assert.deepEqual(prompter.shown.filter((s) => s.password).map((s) => s.prompt.slice(0, 17)), ['Connection string']);
    assert.equal(prompter.shown[3]?.value, '$Default', 'the consumer group starts at $Default');
    assert.doesNotMatch(describeReadBack({ ...sampleProfile(), readBack }), new RegExp(DEST_KEY.slice(0, 12)), 'the summary line names no key');
  });

  it('refuses bad values where they are typed, naming the problem and the fix, and keeps going', async () => {
    const prompter = scripted([OTHER, { pick: 'SAS key' }, 'not a host!', 'eventstream-dest9876.servicebus.windows.net', 'es_dest5678', 'key_dest1234', DEST_CS, DEST_KEY, 'bad group!', GROUP, '0', '45']);
    const readBack = await settingsOf(prompter);
    assert.deepEqual(readBack, {
      namespace: 'eventstream-dest9876.servicebus.windows.net',
      eventHubName: 'es_dest5678',
      consumerGroup: GROUP,
      auth: { kind: 'sas', keyName: 'key_dest1234', key: DEST_KEY },
      timeoutSeconds: 45,
    });
    const refused = (prefix: string): string[] => prompter.shown.find((s) => s.prompt.startsWith(prefix))?.refused ?? [];
    assert.match(refused('Event Hubs namespace')[0] ?? '', /^The namespace .+/);
    assert.match(refused('SAS key (primary')[0] ?? '', /^The SAS key is a whole connection string, not a key\. Choose the connection-string authentication/);
    assert.ok(!JSON.stringify(prompter.shown).includes(DEST_KEY), 'a refused secret is never echoed in a message');
    assert.match(refused('Consumer group')[0] ?? '', /"bad group!" is not a consumer group name\. Use \$Default, or the consumer group shown on the consumer endpoint/);
    assert.match(refused('Seconds to wait')[0] ?? '', /The timeout .*is 0\. Give a number of seconds from 1 to 600/);
  });

  it('goes back without losing answers; the step count follows the choices', async () => {
    const prompter = scripted([OTHER, { pick: 'Connection string' }, DEST_CS, GROUP, BACK, BACK, BACK, BACK, SAME, '', '20']);
    const readBack = await settingsOf(prompter);
    assert.deepEqual(readBack, { consumerGroup: GROUP, timeoutSeconds: 20 });
    // After Back the typed consumer group is still there, and Enter keeps it.
    assert.deepEqual(
      prompter.shown.filter((s) => s.prompt.startsWith('Consumer group')).map((s) => [s.value, s.step, s.totalSteps]),
      [
        ['$Default', 4, 5],
        [GROUP, 4, 5],
        [GROUP, 2, 3],
      ],
    );
    // Back to the connection string shows what was typed (the user's own), hidden.
    const cs = prompter.shown.filter((s) => s.password);
    assert.equal(cs[1]?.value, DEST_CS);
  });

  it('offers Entra ID only when the send endpoint uses Entra ID (the stage-4 token)', async () => {
    const entra = scripted([OTHER, { pick: 'Entra ID (the flow’s Event Hubs token)' }, 'eventstream-dest9876.servicebus.windows.net', 'es_dest5678', GROUP, '']);
    assert.deepEqual((await settingsOf(entra)).auth, { kind: 'entra' });
    const sasProfile = sampleProfile({ endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'key_send', key: SAS_KEY } } });
    const sas = scripted([OTHER, { pick: 'SAS key' }]);
    await assert.rejects(runReadBackWizard({ prompter: sas, profile: sasProfile }), /no option "SAS key"|no scripted answer/);
    const authStep = sas.shown[1];
    assert.deepEqual(authStep?.labels, ['Connection string', 'SAS key']);
    assert.match(authStep?.prompt ?? '', /Entra ID needs a send endpoint that uses Entra ID/);
  });

  it('edits: every value prefilled, the stored key never shown, Enter keeps it', async () => {
    const profile = sampleProfile({ readBack: { namespace: 'eventstream-dest9876.servicebus.windows.net', eventHubName: 'es_dest5678', consumerGroup: GROUP, auth: { kind: 'sas', keyName: 'key_dest1234', key: DEST_KEY }, timeoutSeconds: 12 } });
    const prompter = scripted([OTHER, { pick: 'SAS key' }, '', '', '', '', '', '']);
    assert.deepEqual(await settingsOf(prompter, profile), profile.readBack);
    const keyStep = prompter.shown.find((s) => s.password);
    assert.equal(keyStep?.value, '');
    assert.equal(keyStep?.placeholder, KEEP_SECRET_PLACEHOLDER);
    assert.ok(!JSON.stringify(prompter.shown).includes(DEST_KEY), 'the stored key is in no prompt');
    assert.deepEqual(prompter.shown[0]?.labels?.at(-1), 'Remove read-back settings');
  });

  it('removes the settings (offered only when there are some)', async () => {
    const profile = sampleProfile({ readBack: { consumerGroup: GROUP } });
    assert.deepEqual(await runReadBackWizard({ prompter: scripted([{ pick: 'Remove read-back settings' }]), profile }), { kind: 'remove' });
    const fresh = scripted([SAME, '', '']);
    await settingsOf(fresh);
    assert.ok(!fresh.shown[0]?.labels?.includes('Remove read-back settings'));
  });

  it('cancels with CancelledError and leaves the profile as it was', async () => {
    const profile = sampleProfile({ readBack: { consumerGroup: GROUP } });
    const before = JSON.stringify(profile);
    const dismissing: WizardPrompter = {
      input: () => Promise.reject(new CancelledError()),
      pick: (step) => Promise.resolve({ kind: 'value', value: step.options[1]?.value as never }),
    };
    await assert.rejects(runReadBackWizard({ prompter: dismissing, profile }), (e: unknown) => isCancelledError(e));
    assert.equal(JSON.stringify(profile), before);
  });

  it('exports the settings without the read-back key', () => {
    const profile = sampleProfile({ readBack: { namespace: 'eventstream-dest9876.servicebus.windows.net', eventHubName: 'es_dest5678', consumerGroup: GROUP, auth: { kind: 'connectionString', connectionString: DEST_CS } } });
    const text = JSON.stringify(toShareableProfile(profile));
    assert.ok(!text.includes(DEST_KEY));
    assert.match(text, new RegExp(GROUP));
  });
});
