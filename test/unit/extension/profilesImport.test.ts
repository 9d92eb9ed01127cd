// Import (a file of one profile or many, all or nothing) and the connection-string shortcut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidationError } from '../../../src/core/errors/errors';
import { toShareableProfile } from '../../../src/core/model/shareable';
import { storageProblems } from '../../../src/extension/profiles/profileCodec';
import { cloudOfNamespace, describeBroadKeys, describeMissing, parseProfilesFile, planImport, profileFromConnectionString, splitMissing } from '../../../src/extension/profiles/profileImport';
import { FABRIC_CS, READER_SECRET, SAS_KEY, sampleProfile } from './profilesFixtures';

let counter = 0;
const newId = (): string => `gen-${++counter}`;

function validationError(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isValidationError(error), String(error));
    assert.match(error.message, pattern);
    return true;
  };
}

describe('import profiles', () => {
  it('reads an export (no secrets) and names the secrets to fill in', () => {
    const exported = JSON.stringify(toShareableProfile(sampleProfile()), null, 2);
    assert.doesNotMatch(exported, new RegExp(READER_SECRET.slice(0, 10)));
    const plan = planImport(parseProfilesFile(exported, 'orders.profile.json'), [], newId);
    assert.equal(plan.profiles.length, 1);
    assert.equal(plan.profiles[0]?.id, 'p-1');
    assert.equal(plan.fileHadSecrets, false);
    assert.equal(describeMissing(plan.missing), 'Key Vault client secret of "Orders pipeline"');
  });

  it('reads an array; an id or name already stored gets a new id and a unique name (never overwrites)', () => {
    const sas = sampleProfile({ id: 'p-2', name: 'SAS', endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'key_1', key: SAS_KEY } } });
    const text = JSON.stringify([toShareableProfile(sampleProfile()), sas]);
    const plan = planImport(parseProfilesFile(text, 'all.json'), [{ id: 'p-1', name: 'orders pipeline' }], newId);
    assert.deepEqual(
      plan.profiles.map((p) => [p.id.startsWith('gen-'), p.name]),
      [
        [true, 'Orders pipeline (2)'],
        [false, 'SAS'],
      ],
    );
    assert.equal(plan.fileHadSecrets, true);
    assert.deepEqual(
      plan.missing.map((m) => m.name),
      ['Orders pipeline (2)'],
    );
  });

  it('reads the profile the CLI sandbox command writes (loopback hosts, CA, empty secret)', () => {
    const sandbox = toShareableProfile(
      sampleProfile({
        id: 'sandbox',
        name: 'Local sandbox',
        authorityHost: 'https://localhost:41001',
        keyVault: { ...sampleProfile().keyVault, vaultUrl: 'https://localhost:41002/' },
        endpoint: { ...sampleProfile().endpoint, namespace: 'localhost:41003' },
        trustedCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      }),
    );
    const plan = planImport(parseProfilesFile(JSON.stringify(sandbox), 'profile.json'), [], newId);
    assert.equal(plan.profiles[0]?.authorityHost, 'https://localhost:41001');
    assert.ok(plan.profiles[0]?.trustedCaPem?.includes('BEGIN CERTIFICATE'));
    assert.equal(plan.missing[0]?.secrets[0]?.field, 'keyVault.auth.clientSecret');
  });

  it('refuses the whole file for one bad profile, naming the profile and the field', () => {
    const bad = { ...toShareableProfile(sampleProfile({ id: 'b', name: 'Broken' })), keyVault: { ...sampleProfile().keyVault, vaultUrl: 'contoso-kv' } };
    const text = JSON.stringify([toShareableProfile(sampleProfile()), bad]);
    assert.throws(() => planImport(parseProfilesFile(text, 'x.json'), [], newId), validationError(/^profile 2 of 2 \("Broken"\) → keyVault\.vaultUrl: is only a name/));
  });

  it('refuses malformed shapes and files with a clear message', () => {
    assert.throws(() => parseProfilesFile('{ "name": "x", }', 'x.json'), validationError(/^file: x\.json is not valid JSON/));
    assert.throws(() => parseProfilesFile('[]', 'x.json'), validationError(/empty list/));
    // V8 quotes the text around a syntax error; in a profile file that may be a secret.
    const unquoted = '{ "keyVault": { "auth": { "clientSecret": Xy7~Q8abcdefghijklmnop } } }';
    assert.throws(
      () => parseProfilesFile(unquoted, 'x.json'),
      (error: unknown) => error instanceof Error && /is not valid JSON \(Unexpected token/.test(error.message) && !error.message.includes('Xy7~Q8'),
    );
    assert.throws(() => planImport([{ name: 'NoVault', endpoint: {} }], [], newId), validationError(/^the profile \("NoVault"\) → keyVault: is missing\. Write keyVault as an object/));
    const wrongKind = { ...sampleProfile(), endpoint: { ...sampleProfile().endpoint, auth: { kind: 'password' } } };
    assert.throws(() => planImport([wrongKind], [], newId), validationError(/endpoint\.auth\.kind: is "password"\. Use one of: entra, sas, connectionString/));
    assert.throws(() => planImport(['just a string'], [], newId), validationError(/→ profile: is a string, not an object/));
  });

  it('keeps only known fields', () => {
    const extra = { ...sampleProfile(), password: 'hunter2', endpoint: { ...sampleProfile().endpoint, bogus: true } };
    const plan = planImport([extra], [], newId);
    assert.doesNotMatch(JSON.stringify(plan.profiles), /hunter2|bogus/);
  });

  it('keeps the read-back settings of an export; their missing key is set with Configure Read Back…', () => {
    const group = '3f2b8c1e-7d4a-4b6e-9c0f-1a2b3c4d5e6f';
    const readBack = { namespace: 'eventstream-dest9876.servicebus.windows.net', eventHubName: 'es_dest5678', consumerGroup: group, auth: { kind: 'sas' as const, keyName: 'key_dest1234', key: SAS_KEY }, timeoutSeconds: 20 };
    const exported = JSON.stringify(toShareableProfile(sampleProfile({ readBack })));
    assert.ok(!exported.includes(SAS_KEY), 'the export holds no read-back key');
    const plan = planImport(parseProfilesFile(exported, 'dest.json'), [], newId);
    assert.deepEqual(plan.profiles[0]?.readBack, { ...readBack, auth: { ...readBack.auth, key: '' } });
    const missing = splitMissing(plan.missing);
    assert.equal(describeMissing(missing.edit), 'Key Vault client secret of "Orders pipeline"');
    assert.equal(describeMissing(missing.readBack), 'read-back SAS key of "Orders pipeline"');
    // With its key, the file's secret is noticed (and then lives in SecretStorage only).
    const withKey = planImport(parseProfilesFile(JSON.stringify({ ...toShareableProfile(sampleProfile()), readBack }), 'dest.json'), [], newId);
    assert.equal(withKey.fileHadSecrets, true);
    assert.equal(splitMissing(withKey.missing).readBack.length, 0);
  });

  it('refuses bad read-back settings, naming the field and the fix', () => {
    const bad = (readBack: unknown): string => JSON.stringify({ ...toShareableProfile(sampleProfile()), readBack });
    assert.throws(() => planImport(parseProfilesFile(bad({ consumerGroup: 'bad group!' }), 'x.json'), [], newId), validationError(/readBack\.consumerGroup.*not a consumer group name/));
    assert.throws(() => planImport(parseProfilesFile(bad({ timeoutSeconds: '30' }), 'x.json'), [], newId), validationError(/readBack\.timeoutSeconds.*not a number/));
    assert.throws(() => planImport(parseProfilesFile(bad({ auth: { kind: 'password' } }), 'x.json'), [], newId), validationError(/readBack\.auth\.kind/));
  });
});

describe('least privilege on import', () => {
  it('names the imported profiles that send with the namespace root key, and the send-only policy that is enough', () => {
    const root = sampleProfile({ id: 'a', name: 'Root' });
    const rootProfile = { ...root, endpoint: { ...root.endpoint, auth: { kind: 'sas' as const, keyName: 'RootManageSharedAccessKey', key: SAS_KEY } } };
    const fabric = sampleProfile({ id: 'b', name: 'Fabric' });
    const fabricCs = { ...fabric, endpoint: { ...fabric.endpoint, auth: { kind: 'connectionString' as const, connectionString: FABRIC_CS } } };
    const text = describeBroadKeys([rootProfile, fabricCs, sampleProfile({ id: 'c', name: 'Entra' })]);
    assert.ok(text);
    assert.match(text, /^"Root" sends with the namespace root key \(RootManageSharedAccessKey\), more than sending needs\. A send-only policy on the event hub is enough/);
    assert.doesNotMatch(text, /"Fabric"|"Entra"/);
    assert.ok(!text.includes(SAS_KEY), 'never the key');
    assert.equal(describeBroadKeys([fabricCs]), undefined, "Fabric's entity-level key_… key is enough");
    const namespaceLevel = { ...fabric, endpoint: { ...fabric.endpoint, auth: { kind: 'connectionString' as const, connectionString: FABRIC_CS.replace(/;EntityPath=[^;]+/, '') } } };
    assert.match(describeBroadKeys([namespaceLevel]) ?? '', /^"Fabric" sends with a namespace-level key \(no EntityPath\)/);
  });
});

describe('import connection string', () => {
  const options = { id: 'cs-1', stored: [], cloud: 'public' as const, protocol: 'rest' as const, amqpTransport: 'tcp' as const };

  it("makes a profile named after the hub from Fabric's es_… string, sending with the whole string", () => {
    const profile = profileFromConnectionString(`  "${FABRIC_CS}"  `, options);
    assert.equal(profile.name, 'es_9abc0def');
    assert.equal(profile.endpoint.namespace, 'eventstream-1234abcd.servicebus.windows.net');
    assert.equal(profile.endpoint.eventHubName, 'es_9abc0def');
    assert.deepEqual(profile.endpoint.auth, { kind: 'connectionString', connectionString: FABRIC_CS });
    assert.deepEqual(storageProblems(profile), []);
  });

  it('picks the cloud from the namespace suffix and keeps names unique', () => {
    const china = FABRIC_CS.replace('servicebus.windows.net', 'servicebus.chinacloudapi.cn');
    const profile = profileFromConnectionString(china, { ...options, stored: [{ id: 'x', name: 'es_9abc0def' }], protocol: 'amqp', amqpTransport: 'websockets' });
    assert.equal(profile.cloud, 'china');
    assert.equal(profile.name, 'es_9abc0def (2)');
    assert.equal(profile.endpoint.amqpTransport, 'websockets');
    assert.equal(cloudOfNamespace('localhost:5671'), undefined);
  });

  it('refuses a string without EntityPath or credentials, never echoing the key', () => {
    const noHub = FABRIC_CS.replace(/;EntityPath=.*$/, '');
    assert.throws(() => profileFromConnectionString(noHub, options), validationError(/has no EntityPath/));
    assert.throws(() => profileFromConnectionString('Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;EntityPath=es_1', options), validationError(/no credentials/));
    try {
      profileFromConnectionString(`Endpoint=sb://x.example.com/;SharedAccessKeyName=k;SharedAccessKey=${SAS_KEY};EntityPath=es_1`, options);
      assert.fail('expected a ValidationError');
    } catch (error) {
      assert.ok(isValidationError(error));
      assert.doesNotMatch(error.message, new RegExp(SAS_KEY.slice(0, 10)));
    }
  });
});
