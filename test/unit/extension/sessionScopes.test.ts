import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessTokenExpiry, isNotSignedIn, NotSignedInError, OPAQUE_TOKEN_LIFETIME_MS, sessionScopesFor } from '../../../src/extension/auth/sessionScopes';

void describe('sessionScopesFor', () => {
  void it('adds VSCODE_TENANT only for a specific tenant', () => {
    const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    assert.deepEqual(sessionScopesFor(['https://vault.azure.net/.default'], tid), ['VSCODE_TENANT:' + tid, 'https://vault.azure.net/.default'].sort());
    assert.deepEqual(sessionScopesFor(['https://vault.azure.net/.default'], 'contoso.onmicrosoft.com'), ['VSCODE_TENANT:contoso.onmicrosoft.com', 'https://vault.azure.net/.default'].sort());
    assert.deepEqual(sessionScopesFor(['https://vault.azure.net/.default'], 'organizations'), ['https://vault.azure.net/.default']);
    assert.deepEqual(sessionScopesFor(['https://vault.azure.net/.default', ' https://vault.azure.net/.default'], undefined), ['https://vault.azure.net/.default']);
    assert.deepEqual(sessionScopesFor(['https://vault.azure.net/.default'], 'not a tenant!'), ['https://vault.azure.net/.default']);
  });
});

void describe('accessTokenExpiry', () => {
  void it('reads exp from a JWT and falls back for opaque tokens', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url');
    assert.equal(accessTokenExpiry(`eyJhbGciOiJub25lIn0.${payload}.sig`, 0), 2_000_000_000_000);
    assert.equal(accessTokenExpiry('opaque', 1000), 1000 + OPAQUE_TOKEN_LIFETIME_MS);
    assert.equal(accessTokenExpiry('a.!!!.b', 5), 5 + OPAQUE_TOKEN_LIFETIME_MS);
  });
});

void describe('NotSignedInError', () => {
  void it('is recognised by shape, as the core error and once explained', () => {
    assert.ok(isNotSignedIn(new NotSignedInError('microsoft')));
    assert.ok(isNotSignedIn({ code: 'NotSignedIn' }));
    assert.ok(!isNotSignedIn(new Error('x')));
    assert.match(new NotSignedInError('microsoft-sovereign-cloud').message, /sovereign/);
  });
});
