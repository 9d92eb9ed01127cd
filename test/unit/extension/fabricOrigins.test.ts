// Where a profile made from Fabric came from: kept per profile in SecretStorage, indexed, and
// forgotten with the profile (delete, Clear All Data).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { originOf, pruneOrigins, saveOrigin } from '../../../src/extension/discovery/fabricOrigins';

function memorySecrets(): { get(k: string): Promise<string | undefined>; store(k: string, v: string): Promise<void>; delete(k: string): Promise<void>; keys(): string[] } {
  const map = new Map<string, string>();
  return {
    get: (k) => Promise.resolve(map.get(k)),
    store: (k, v) => {
      map.set(k, v);
      return Promise.resolve();
    },
    delete: (k) => {
      map.delete(k);
      return Promise.resolve();
    },
    keys: () => [...map.keys()].sort(),
  };
}

const origin = { accountId: 'sandbox', workspaceId: 'w', eventstreamId: 'e', sourceId: 's' };

describe('Fabric origins', () => {
  it('are stored per profile and read back; a malformed one reads as none', async () => {
    const secrets = memorySecrets();
    await saveOrigin(secrets, 'p1', { ...origin, destinationId: 'd' });
    assert.deepEqual(await originOf(secrets, 'p1'), { ...origin, destinationId: 'd' });
    await secrets.store('eventstreamFlow.fabricOrigin:p2', '{"accountId":1}');
    assert.equal(await originOf(secrets, 'p2'), undefined);
    assert.equal(await originOf(secrets, 'nope'), undefined);
  });

  it('are forgotten with their profiles, and the index with the last one', async () => {
    const secrets = memorySecrets();
    await saveOrigin(secrets, 'p1', origin);
    await saveOrigin(secrets, 'p2', origin);
    await pruneOrigins(secrets, ['p2', 'other']);
    assert.equal(await originOf(secrets, 'p1'), undefined);
    assert.deepEqual(await originOf(secrets, 'p2'), origin);
    await pruneOrigins(secrets, []);
    assert.deepEqual(secrets.keys(), []);
  });
});
