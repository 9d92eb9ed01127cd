// The profile store's vscode-free half over an in-memory SecretStorage: envelope and index,
// validation, concurrent writes, corrupt entries, delete and clear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidationError } from '../../../src/core/errors/errors';
import { SECRET_KEYS } from '../../../src/extension/constants';
import {
  checkProfileName,
  decodeProfile,
  encodeProfile,
  isProfileStorageKey,
  missingSecrets,
  ProfileRepository,
  storageProblems,
  uniqueName,
} from '../../../src/extension/profiles/profileCodec';
import { captureLogger, MemorySecrets, READER_SECRET, sampleProfile } from './profilesFixtures';

function repository(secrets = new MemorySecrets()) {
  const { logger, lines } = captureLogger();
  let writes = 0;
  const repo = new ProfileRepository(secrets, { logger, onDidWrite: () => writes++ });
  return { repo, secrets, lines, writes: () => writes };
}

describe('profile store', () => {
  it('stores each profile as a versioned envelope under its own key, plus an index of ids and names', async () => {
    const { repo, secrets, writes } = repository();
    await repo.save(sampleProfile());
    const stored = JSON.parse(secrets.map.get(SECRET_KEYS.profile('p-1')) ?? '{}') as { v: number; profile: { name: string } };
    assert.equal(stored.v, 1);
    assert.equal(stored.profile.name, 'Orders pipeline');
    assert.deepEqual(JSON.parse(secrets.map.get(SECRET_KEYS.profileIndex) ?? '{}'), { v: 1, profiles: [{ id: 'p-1', name: 'Orders pipeline' }] });
    assert.deepEqual(await repo.get('p-1'), sampleProfile());
    assert.equal(writes(), 1);
    assert.deepEqual([...secrets.map.keys()].every(isProfileStorageKey), true);
    assert.equal(isProfileStorageKey('eventstreamFlow.somethingElse'), false);
  });

  it('replaces by id, keeps the index free of duplicates, and lists by name', async () => {
    const { repo } = repository();
    await repo.save(sampleProfile({ id: 'b', name: 'Zeta' }));
    await repo.save(sampleProfile({ id: 'a', name: 'alpha' }));
    await repo.save(sampleProfile({ id: 'b', name: 'Beta' }));
    assert.deepEqual(await repo.list(), [
      { id: 'a', name: 'alpha' },
      { id: 'b', name: 'Beta' },
    ]);
  });

  it('normalises addresses on save (vault URL path stripped)', async () => {
    const { repo } = repository();
    const p = sampleProfile();
    await repo.save({ ...p, keyVault: { ...p.keyVault, vaultUrl: 'https://contoso-kv.vault.azure.net/secrets/x/' } });
    assert.equal((await repo.get('p-1'))?.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
  });

  it('refuses an invalid profile with a ValidationError naming the field, and stores nothing', async () => {
    const { repo, secrets } = repository();
    const p = sampleProfile();
    await assert.rejects(
      repo.save({ ...p, keyVault: { ...p.keyVault, vaultUrl: 'ftp://contoso' } }),
      (error: unknown) => isValidationError(error) && error.field === 'keyVault.vaultUrl',
    );
    await assert.rejects(repo.save({ ...p, id: '' }), (error: unknown) => isValidationError(error) && error.field === 'id');
    assert.equal(secrets.map.size, 0);
  });

  it('accepts a profile whose secrets are still empty (an import) and says which are missing', async () => {
    const { repo } = repository();
    const p = sampleProfile();
    const imported = {
      ...p,
      keyVault: { ...p.keyVault, auth: { kind: 'servicePrincipal' as const, tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', clientSecret: '' } },
      endpoint: { ...p.endpoint, auth: { kind: 'sas' as const, keyName: 'key_1', key: '' } },
    };
    await repo.save(imported);
    assert.deepEqual(
      missingSecrets(imported).map((m) => m.label),
      ['Key Vault client secret', 'SAS key'],
    );
    // Other problems are still refused.
    assert.equal(storageProblems({ ...imported, name: ' ' })[0]?.field, 'name');
  });

  it('does not ask for a Key Vault client secret when a profile sends with a key and has no Key Vault (#11)', () => {
    const p = sampleProfile();
    const keyOnly = {
      ...p,
      keyVault: { ...p.keyVault, vaultUrl: '', clientIdSecret: { name: '' }, clientSecretSecret: { name: '' }, auth: { kind: 'servicePrincipal' as const, tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', clientSecret: '' } },
      endpoint: { ...p.endpoint, auth: { kind: 'sas' as const, keyName: 'key_1', key: '' } },
    };
    assert.deepEqual(missingSecrets(keyOnly).map((m) => m.label), ['SAS key']);
  });

  it('loses no index entry when many saves run at once', async () => {
    const { repo } = repository(new MemorySecrets(5));
    await Promise.all(Array.from({ length: 25 }, (_, i) => repo.save(sampleProfile({ id: `id-${i}`, name: `Profile ${String(i).padStart(2, '0')}` }))));
    const list = await repo.list();
    assert.equal(list.length, 25);
    assert.deepEqual(
      list.map((p) => p.id),
      Array.from({ length: 25 }, (_, i) => `id-${i}`),
    );
  });

  it('a failed write does not block the queue', async () => {
    const secrets = new MemorySecrets();
    const { repo } = repository(secrets);
    const original = secrets.store.bind(secrets);
    let failNext = true;
    secrets.store = async (key, value) => {
      if (failNext) {
        failNext = false;
        throw new Error('keychain locked');
      }
      return original(key, value);
    };
    await assert.rejects(repo.save(sampleProfile()), /keychain locked/);
    await repo.save(sampleProfile({ id: 'p-2', name: 'Second' }));
    assert.deepEqual(await repo.list(), [{ id: 'p-2', name: 'Second' }]);
  });

  it('skips and logs (once) a corrupt entry, never quoting it, and keeps listing the others', async () => {
    const { repo, secrets, lines } = repository();
    await repo.save(sampleProfile({ id: 'good', name: 'Good' }));
    await repo.save(sampleProfile({ id: 'bad', name: 'Bad' }));
    secrets.map.set(SECRET_KEYS.profile('bad'), `{"v":1,"profile":${READER_SECRET}`);
    assert.deepEqual(await repo.list(), [{ id: 'good', name: 'Good' }]);
    assert.deepEqual(await repo.list(), [{ id: 'good', name: 'Good' }]);
    assert.equal(await repo.get('bad'), undefined);
    const warnings = lines.filter((l) => l.startsWith('warn'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /cannot be read \(eventstreamFlow\.profile:bad: is not valid JSON\)/);
    assert.doesNotMatch(lines.join('\n'), /reader\.secret/);
    // Delete still works for it.
    await repo.delete('bad');
    assert.equal(secrets.map.has(SECRET_KEYS.profile('bad')), false);
  });

  it('skips entries of another schema version and entries missing from storage', async () => {
    const { repo, secrets, lines } = repository();
    await repo.save(sampleProfile({ id: 'a', name: 'A' }));
    await repo.save(sampleProfile({ id: 'b', name: 'B' }));
    secrets.map.set(SECRET_KEYS.profile('a'), JSON.stringify({ v: 2, profile: sampleProfile({ id: 'a' }) }));
    secrets.map.delete(SECRET_KEYS.profile('b'));
    assert.deepEqual(await repo.list(), []);
    assert.match(lines.join('\n'), /schema version 2/);
    assert.match(lines.join('\n'), /in the index but not in SecretStorage/);
  });

  it('reads an unversioned (bare) profile and a bare-array index', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(SECRET_KEYS.profile('p-1'), JSON.stringify(sampleProfile()));
    secrets.map.set(SECRET_KEYS.profileIndex, JSON.stringify([{ id: 'p-1', name: 'Orders pipeline' }]));
    const { repo } = repository(secrets);
    assert.deepEqual(await repo.list(), [{ id: 'p-1', name: 'Orders pipeline' }]);
    assert.equal(decodeProfile(encodeProfile(sampleProfile()), 'k').id, 'p-1');
  });

  it('survives a corrupt index: lists nothing, and the next save starts a new one', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(SECRET_KEYS.profileIndex, 'not json');
    const { repo, lines } = repository(secrets);
    assert.deepEqual(await repo.list(), []);
    assert.match(lines.join('\n'), /index cannot be read/);
    await repo.save(sampleProfile());
    assert.deepEqual(await repo.list(), [{ id: 'p-1', name: 'Orders pipeline' }]);
  });

  it('delete removes the profile and its index entry; clear removes every key it stored', async () => {
    const { repo, secrets, writes } = repository();
    await repo.save(sampleProfile({ id: 'a', name: 'A' }));
    await repo.save(sampleProfile({ id: 'b', name: 'B' }));
    await repo.delete('a');
    assert.deepEqual(await repo.list(), [{ id: 'b', name: 'B' }]);
    assert.equal(secrets.map.has(SECRET_KEYS.profile('a')), false);
    secrets.map.set('other.extension.key', 'kept');
    assert.equal(await repo.clear(), 1);
    assert.deepEqual([...secrets.map.keys()], ['other.extension.key']);
    assert.equal(writes(), 4);
  });
});

describe('profile names', () => {
  it('makes names unique, case-insensitively', () => {
    assert.equal(uniqueName('A', ['b']), 'A');
    assert.equal(uniqueName('A', ['a']), 'A (2)');
    assert.equal(uniqueName('A (2)', ['A', 'a (2)']), 'A (3)');
    assert.equal(uniqueName('X (copy)', ['X (copy)']), 'X (copy) (2)');
  });

  it('refuses an empty, too long, or taken name but accepts the profile keeping its own', () => {
    const others = [
      { id: '1', name: 'Prod' },
      { id: '2', name: 'Test' },
    ];
    assert.equal(checkProfileName('  ', others)?.problem, 'is empty.');
    assert.match(checkProfileName('x'.repeat(101), others)?.problem ?? '', /101 characters/);
    assert.match(checkProfileName('prod', others)?.problem ?? '', /already used/);
    assert.equal(checkProfileName('Prod', others, '1'), undefined);
    assert.equal(checkProfileName('New', others), undefined);
  });
});
