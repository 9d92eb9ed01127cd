import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError } from '../../../src/core/errors/errors';
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

describe('token cache: a request shared by concurrent callers', () => {
  it("does not hand the first caller's cancel to a caller that only joined", async () => {
    const cache = new TokenCache();
    const first = cache.getOrFetch(key, () => new Promise((_, reject) => setTimeout(() => reject(new CancelledError()), 10)));
    const second = cache.getOrFetch(key, () => Promise.resolve(token('second')));
    await assert.rejects(first, (e: unknown) => e instanceof CancelledError);
    const { token: got, cached } = await second;
    assert.deepEqual([got.token, cached], ['second', false]);
  });

  it('shares a real failure with every caller, without asking again', async () => {
    const cache = new TokenCache();
    let calls = 0;
    const fail = (): Promise<never> => {
      calls++;
      return new Promise((_, reject) => setTimeout(() => reject(new Error('AADSTS7000215')), 10));
    };
    const results = await Promise.allSettled([cache.getOrFetch(key, fail), cache.getOrFetch(key, fail)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(calls, 1);
  });
});
