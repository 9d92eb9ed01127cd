// The one profile decoder (#11): what the corpus rows do not show one by one.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadProfileFile } from '../../../src/cli/profileSource';
import { isValidationError } from '../../../src/core/errors/errors';
import { decodeProfile, decodeProfileValue } from '../../../src/core/model/profileDecoder';
import { checkProfileName, CorruptEntryError, decodeProfile as decodeStoredProfile, uniqueName } from '../../../src/extension/profiles/profileCodec';
import { parseProfilesFile, planImport } from '../../../src/extension/profiles/profileImport';
import { sampleProfile } from '../extension/profilesFixtures';

const SECRET = 'Zq8~do-not-print-this-secret-0123456789';

describe('profile decoder (#11)', () => {
  it('collects every shape problem and lists the others after the first', () => {
    const raw = { ...sampleProfile(), keyVault: 'kv', endpoint: { ...sampleProfile().endpoint, protocol: 'kafka', auth: null } };
    const decoded = decodeProfileValue(raw);
    assert.ok(!decoded.ok);
    assert.deepEqual(
      decoded.errors.map((e) => e.field),
      ['keyVault', 'endpoint.auth', 'endpoint.protocol'],
    );
    assert.throws(
      () => decodeProfile(raw),
      (e: unknown) => isValidationError(e) && e.field === 'keyVault' && /Also: endpoint\.auth: is null.*endpoint\.protocol: is "kafka"/.test(e.fix),
    );
  });

  it('keeps defaults for what older files leave out, and only known fields', () => {
    const { eventHubsToken: _t, cloud: _c, ...rest } = sampleProfile();
    const raw = { ...rest, endpoint: { namespace: 'eventstream-1234abcd.servicebus.windows.net', eventHubName: 'es_1', auth: { kind: 'entra' } }, password: 'hunter2' };
    const profile = decodeProfile(raw);
    assert.equal(profile.cloud, 'public');
    assert.deepEqual(profile.eventHubsToken, { tenantId: '', endpointVersion: 'v1' });
    assert.equal(profile.endpoint.protocol, 'rest');
    assert.doesNotMatch(JSON.stringify(profile), /hunter2/);
  });

  it('never quotes a secret field, whatever it holds', () => {
    const shapes: unknown[] = [[SECRET], { value: SECRET }, 12345678];
    for (const value of shapes) {
      for (const raw of [
        { ...sampleProfile(), keyVault: { ...sampleProfile().keyVault, auth: { kind: 'servicePrincipal', tenantId: 't', clientId: 'c', clientSecret: value } } },
        { ...sampleProfile(), endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'send', key: value } } },
        { ...sampleProfile(), endpoint: { ...sampleProfile().endpoint, auth: { kind: 'connectionString', connectionString: value } } },
      ]) {
        const decoded = decodeProfileValue(raw);
        assert.ok(!decoded.ok);
        const text = decoded.errors.map((e) => e.message).join(' ');
        assert.doesNotMatch(text, /do-not-print|12345678/);
      }
    }
  });

  it('names the profile of a list that has the problem (Import Profiles)', () => {
    const bad = { ...sampleProfile({ name: 'Second' }), keyVault: { ...sampleProfile().keyVault, clientIdSecret: ['pipeline-client-id'] } };
    assert.throws(
      () => planImport(parseProfilesFile(JSON.stringify([sampleProfile(), bad]), 'x.json'), [], () => 'id'),
      (e: unknown) => isValidationError(e) && e.field === 'profile 2 of 2 ("Second") → keyVault.clientIdSecret' && /is an array, not an object/.test(e.problem),
    );
  });

  it('skips a stored entry of an older version with a wrong shape, naming the field without its value', () => {
    const entry = JSON.stringify({ v: 1, profile: { ...sampleProfile(), endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'send', key: [SECRET] } } } });
    assert.throws(
      () => decodeStoredProfile(entry, 'eventstreamFlow.profile.p-1'),
      (e: unknown) => e instanceof CorruptEntryError && /endpoint\.auth\.key is an array, not a string/.test(e.message) && !e.message.includes('do-not-print'),
    );
    // A bare (version 0) entry is decoded the same way.
    assert.throws(() => decodeStoredProfile(JSON.stringify({ ...sampleProfile(), keyVault: null }), 'k'), (e: unknown) => e instanceof CorruptEntryError && /keyVault is null/.test(e.message));
  });

  it('repairs, rather than loses, a stored profile whose name this version would refuse', () => {
    const long = decodeStoredProfile(JSON.stringify({ v: 1, profile: sampleProfile({ name: `Orders\u202e\n${'n'.repeat(300)}` }) }), 'k');
    assert.equal(long.name.length, 100);
    assert.match(long.name, /^Orders n+$/);
  });
});

describe('namespace with a scheme and a trailing slash (#11)', () => {
  it('`run --profile` sends to the bare host, never to "https://https:443"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'esf-decoder-'));
    try {
      for (const namespace of ['https://eventstream-1234abcd.servicebus.windows.net/', 'sb://eventstream-1234abcd.servicebus.windows.net/es_9abc0def', 'amqps://EventStream-1234abcd.servicebus.windows.net']) {
        const path = join(dir, 'p.json');
        await writeFile(path, JSON.stringify({ ...sampleProfile(), endpoint: { ...sampleProfile().endpoint, namespace } }));
        const profile = await loadProfileFile(path, () => undefined, { EVENTSTREAM_FLOW_CLIENT_SECRET: SECRET });
        assert.equal(profile.endpoint.namespace, 'eventstream-1234abcd.servicebus.windows.net');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('profile names stay within their bound (#11)', () => {
  it('a duplicate of a 100-character name, or a profile named after a 256-character hub, is still at most 100 characters', () => {
    const long = 'n'.repeat(100);
    const copy = uniqueName(long, [long]);
    assert.equal(copy.length, 100);
    assert.match(copy, / \(2\)$/);
    assert.equal(checkProfileName(copy, [{ id: 'a', name: long }]), undefined);
    assert.equal(uniqueName('h'.repeat(256), []).length, 100);
  });
});
