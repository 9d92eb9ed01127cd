// Issue #13: the id `local-sandbox` belongs to the sandbox manager's own profile (it replaces it
// on start and deletes it on stop). An imported profile must never keep it, or the sandbox would
// overwrite it and its secrets, then delete it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toShareableProfile } from '../../../src/core/model/shareable';
import { ProfileRepository } from '../../../src/extension/profiles/profileCodec';
import { describeReservedIds, parseProfilesFile, planImport } from '../../../src/extension/profiles/profileImport';
import { isReservedProfileId, isSandboxLeftover, SANDBOX_PROFILE_ID } from '../../../src/extension/profiles/sandboxProfileId';
import { captureLogger, MemorySecrets, READER_SECRET, sampleProfile } from './profilesFixtures';

let counter = 0;
const newId = (): string => `fresh-${++counter}`;

/** What an export of the running sandbox's profile looks like, after the user pointed it at Azure. */
const exportedWithSandboxId = () => toShareableProfile(sampleProfile({ id: SANDBOX_PROFILE_ID, name: 'My pipeline' }));

describe('the reserved sandbox profile id on import', () => {
  it('gives a profile with the id local-sandbox a fresh id even when no sandbox profile is stored, and says so', () => {
    const plan = planImport(parseProfilesFile(JSON.stringify(exportedWithSandboxId()), 'mine.json'), [], newId);
    const [profile] = plan.profiles;
    assert.ok(profile);
    assert.notEqual(profile.id, SANDBOX_PROFILE_ID);
    assert.match(profile.id, /^fresh-\d+$/);
    assert.deepEqual(plan.reservedIdsReplaced, [{ name: 'My pipeline', fileId: SANDBOX_PROFILE_ID, id: profile.id }]);
    assert.equal(
      describeReservedIds(plan),
      '"My pipeline" had the id local-sandbox, which belongs to the local sandbox\'s own profile; it was imported with a new id, so starting or stopping the sandbox cannot replace or delete it.',
    );
  });

  it('does the same when the sandbox profile is stored, and for the id in other cases or with spaces', () => {
    const variants = [SANDBOX_PROFILE_ID, 'Local-Sandbox', ' local-sandbox '].map((id, i) => ({ ...exportedWithSandboxId(), id, name: `P${i}` }));
    const plan = planImport(variants, [{ id: SANDBOX_PROFILE_ID, name: 'Local sandbox' }], newId);
    assert.ok(plan.profiles.every((p) => !isReservedProfileId(p.id)));
    assert.equal(new Set(plan.profiles.map((p) => p.id)).size, 3);
    assert.equal(plan.reservedIdsReplaced.length, 3);
    assert.match(describeReservedIds(plan) ?? '', /^"P0", "P1", "P2" had the id local-sandbox, .* they were imported with a new id, so starting or stopping the sandbox cannot replace or delete them\.$/);
  });

  it('keeps every other id, and says nothing about reserved ids then', () => {
    const plan = planImport([toShareableProfile(sampleProfile({ id: 'local-sandbox-2' }))], [], newId);
    assert.equal(plan.profiles[0]?.id, 'local-sandbox-2');
    assert.deepEqual(plan.reservedIdsReplaced, []);
    assert.equal(describeReservedIds(plan), undefined);
  });

  it('so a sandbox start (save under the reserved id) and stop (delete it) leave the imported profile and its secret alone', async () => {
    const { logger } = captureLogger();
    const repo = new ProfileRepository(new MemorySecrets(), { logger });
    // Imported with its secret filled in, as a user would after Edit Profile.
    const plan = planImport([{ ...exportedWithSandboxId(), keyVault: sampleProfile().keyVault }], [], newId);
    const imported = plan.profiles[0];
    assert.ok(imported);
    await repo.save(imported);

    // What ExtensionSandboxManager does: save its profile under the reserved id, later delete it.
    await repo.save(sampleProfile({ id: SANDBOX_PROFILE_ID, name: 'Local sandbox', authorityHost: 'https://localhost:41001', keyVault: { ...sampleProfile().keyVault, vaultUrl: 'https://localhost:41002/' } }));
    await repo.delete(SANDBOX_PROFILE_ID);

    const kept = await repo.get(imported.id);
    assert.equal(kept?.name, 'My pipeline');
    assert.equal(kept?.keyVault.vaultUrl, 'https://contoso-kv.vault.azure.net');
    assert.equal(kept?.keyVault.auth.kind === 'servicePrincipal' ? kept.keyVault.auth.clientSecret : undefined, READER_SECRET);
    assert.deepEqual(
      (await repo.list()).map((p) => p.id),
      [imported.id],
    );
  });
});

describe('what the sandbox manager may replace under its id when it starts', () => {
  const sandboxLike = sampleProfile({
    id: SANDBOX_PROFILE_ID,
    name: 'Local sandbox',
    authorityHost: 'https://localhost:41001',
    keyVault: { ...sampleProfile().keyVault, vaultUrl: 'https://localhost:41002/' },
    endpoint: { ...sampleProfile().endpoint, namespace: 'localhost:41003' },
  });

  it('a sandbox profile left behind: every host on this machine', () => {
    assert.equal(isSandboxLeftover(sandboxLike), true);
    assert.equal(isSandboxLeftover({ ...sandboxLike, authorityHost: 'https://127.0.0.1:41001', endpoint: { ...sandboxLike.endpoint, namespace: '[::1]:41003' } }), true);
  });

  it('not a profile that names any host elsewhere, or the default authority (it is moved to a fresh id instead)', () => {
    assert.equal(isSandboxLeftover(sampleProfile({ id: SANDBOX_PROFILE_ID })), false);
    assert.equal(isSandboxLeftover({ ...sandboxLike, keyVault: { ...sandboxLike.keyVault, vaultUrl: 'https://contoso-kv.vault.azure.net' } }), false);
    assert.equal(isSandboxLeftover({ ...sandboxLike, endpoint: { ...sandboxLike.endpoint, namespace: 'eventstream-1234abcd.servicebus.windows.net' } }), false);
    assert.equal(isSandboxLeftover({ ...sandboxLike, readBack: { namespace: 'dest.servicebus.windows.net' } }), false);
    assert.equal(isSandboxLeftover({ ...sandboxLike, authorityHost: 'https://login.microsoftonline.com' }), false);
    assert.equal(isSandboxLeftover({ ...sandboxLike, authorityHost: 'https://localhost.evil.example' }), false);
  });
});
