import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenCache, type TokenCacheKey } from '../../../src/core/flow/tokenCache';

const key: TokenCacheKey = { authority: 'https://login.microsoftonline.com', tenantId: 'contoso.onmicrosoft.com', clientId: 'app', audience: 'https://vault.azure.net' };
const token = (name: string): { token: string; expiresOnTimestamp: number } => ({ token: name, expiresOnTimestamp: Date.now() + 3_600_000 });

describe('token cache', () => {
  it('answers the same client with the same secret from the cache', async () => {
    const cache = new TokenCache();
    await cache.getOrFetch({ ...key, credential: 'secret~one' }, () => Promise.resolve(token('first')));
    const again = await cache.getOrFetch({ ...key, credential: 'secret~one' }, () => Promise.resolve(token('second')));
    assert.deepEqual([again.token.token, again.cached], ['first', true]);
  });

  it('asks again when the secret changed (edited, rotated in Key Vault, or another profile of the same app)', async () => {
    const cache = new TokenCache();
    await cache.getOrFetch({ ...key, credential: 'secret~one' }, () => Promise.resolve(token('first')));
    let asked = false;
    const other = await cache.getOrFetch({ ...key, credential: 'secret~two' }, () => {
      asked = true;
      return Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.'));
    }).catch((error: unknown) => error);
    assert.equal(asked, true, 'a token for the old secret must not hide a wrong new secret');
    assert.ok(other instanceof Error);
  });

  it('never puts the secret itself in a key', () => {
    assert.ok(!TokenCache.keyOf({ ...key, credential: 'secret~one' }).includes('secret~one'));
  });

  it('still clears by client id', async () => {
    const cache = new TokenCache();
    await cache.getOrFetch({ ...key, credential: 'secret~one' }, () => Promise.resolve(token('first')));
    cache.clear('app');
    assert.equal(cache.size, 0);
  });
});
