import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { asTokenCredential, createClientSecretTokenProvider, toTokenCredential } from '../../../src/core/azure/credentials';
import { clientCredentialsForm, parseTokenResponse, requestClientCredentialsToken, tokenEndpoint } from '../../../src/core/azure/entraToken';
import { isCancelledError, isHttpResponseError, type HttpResponseError } from '../../../src/core/errors/errors';
import type { Sandbox } from '../../../src/sandbox/types';
import { abortSoon, EVENT_HUBS_RESOURCE, KEY_VAULT_RESOURCE, neverAborted, startTestSandbox } from './sandboxFixture';
import { destinationOf } from '../../shared/destination';

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

void describe('raw client-credentials token (pipeline Web activity)', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(() => sandbox.faults.clear());

  const base = () => ({
    authorityHost: `${sandbox.urls.authorityHost}/`,
    destination: destinationOf(sandbox.urls.authorityHost),
    tenantId: sandbox.world.tenantId,
    clientId: sandbox.world.reader.clientId,
    clientSecret: sandbox.world.reader.clientSecret,
    signal: neverAborted(),
  });

  void it('v1: resource without /.default, string expires_on/expires_in parsed', async () => {
    const before = Date.now();
    const token = await requestClientCredentialsToken({ ...base(), audience: KEY_VAULT_RESOURCE, endpointVersion: 'v1' });
    const claims = claimsOf(token.token);
    assert.equal(claims['aud'], KEY_VAULT_RESOURCE);
    assert.equal(claims['ver'], '1.0');
    assert.equal(claims['appid'], sandbox.world.reader.clientId);
    // expires_on (epoch seconds, a JSON string in v1) is the token's exp.
    assert.equal(token.expiresOnTimestamp, (claims['exp'] as number) * 1000);
    assert.ok(token.expiresOnTimestamp > before + 30 * 60_000);
  });

  void it('v2: scope=<resource>/.default, numeric expires_in parsed', async () => {
    const before = Date.now();
    const token = await requestClientCredentialsToken({ ...base(), audience: EVENT_HUBS_RESOURCE, endpointVersion: 'v2', clientId: sandbox.world.pipeline.clientId, clientSecret: sandbox.world.pipeline.clientSecret });
    const claims = claimsOf(token.token);
    // First-party resources get v1-format tokens from either endpoint: no assertion on `ver`.
    assert.match(String(claims['aud']), /^https:\/\/eventhubs\.azure\.net\/?$/);
    assert.ok(token.expiresOnTimestamp >= before + 3000 * 1000);
  });

  void it('form-encodes every field, the secret URL-encoded; endpoints per version', () => {
    const form = new URLSearchParams(clientCredentialsForm({ clientId: 'c', clientSecret: 'a+b&c=d/~ é', audience: KEY_VAULT_RESOURCE, endpointVersion: 'v1' }));
    assert.deepEqual([...form.keys()], ['grant_type', 'client_id', 'client_secret', 'resource']);
    assert.equal(form.get('client_secret'), 'a+b&c=d/~ é');
    assert.equal(form.get('resource'), 'https://vault.azure.net');
    const raw = clientCredentialsForm({ clientId: 'c', clientSecret: 'a+b&c', audience: EVENT_HUBS_RESOURCE, endpointVersion: 'v2' });
    assert.match(raw, /client_secret=a%2Bb%26c/);
    assert.match(raw, /scope=https%3A%2F%2Feventhubs\.azure\.net%2F\.default/);
    assert.equal(tokenEndpoint('https://login.microsoftonline.com/', 't', 'v1'), 'https://login.microsoftonline.com/t/oauth2/token');
    assert.equal(tokenEndpoint('https://login.microsoftonline.com', 't', 'v2'), 'https://login.microsoftonline.com/t/oauth2/v2.0/token');
  });

  void it('parses expiries given as numbers or numeric strings, and refuses a response without a token', () => {
    assert.equal(parseTokenResponse('{"access_token":"x","expires_in":"60"}', 1000).expiresOnTimestamp, 61_000);
    assert.equal(parseTokenResponse('{"access_token":"x","expires_in":60}', 1000).expiresOnTimestamp, 61_000);
    assert.equal(parseTokenResponse('{"access_token":"x","expires_in":"60","expires_on":"1700000000"}', 1000).expiresOnTimestamp, 1_700_000_000_000);
    assert.equal(parseTokenResponse('{"access_token":"x","expires_on":1700000000}', 0).expiresOnTimestamp, 1_700_000_000_000);
    assert.throws(() => parseTokenResponse('{"token_type":"Bearer"}', 0), /without an access_token/);
    assert.throws(() => parseTokenResponse('<html>', 0), /not JSON/);
  });

  void it('sends exactly the pipeline form on the wire (captured on a loopback http peer)', async () => {
    let seen: { url?: string; contentType?: string; body?: string } = {};
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen = { url: req.url, contentType: req.headers['content-type'], body };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'Bearer', access_token: 'abc', expires_in: '3599', expires_on: '1700000000', resource: KEY_VAULT_RESOURCE }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const token = await requestClientCredentialsToken({
        authorityHost: `http://127.0.0.1:${port}`,
        destination: destinationOf(`http://127.0.0.1:${port}`),
        tenantId: 'contoso.onmicrosoft.com',
        clientId: 'app',
        clientSecret: 's3cr3t+/=',
        audience: KEY_VAULT_RESOURCE,
        endpointVersion: 'v1',
        signal: neverAborted(),
      });
      assert.equal(token.expiresOnTimestamp, 1_700_000_000_000);
      assert.equal(seen.url, '/contoso.onmicrosoft.com/oauth2/token');
      assert.match(seen.contentType ?? '', /^application\/x-www-form-urlencoded/);
      assert.equal(seen.body, 'grant_type=client_credentials&client_id=app&client_secret=s3cr3t%2B%2F%3D&resource=https%3A%2F%2Fvault.azure.net');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  void it('a wrong secret surfaces as HttpResponseError(entra, 401) carrying the OAuth error body', async () => {
    sandbox.faults.inject({ peer: 'entra', kind: 'invalidClientSecret', times: 1 });
    await assert.rejects(requestClientCredentialsToken({ ...base(), audience: KEY_VAULT_RESOURCE, endpointVersion: 'v1' }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      const http: HttpResponseError = error;
      assert.equal(http.service, 'entra');
      assert.equal(http.status, 401);
      const body = JSON.parse(http.bodyText) as { error: string; error_codes: number[] };
      assert.equal(body.error, 'invalid_client');
      assert.deepEqual(body.error_codes, [7000215]);
      assert.doesNotMatch(http.message, new RegExp(sandbox.world.reader.clientSecret.replace(/[.*+?^${}()|[\]\\~]/g, '\\$&')));
      return true;
    });
  });

  void it('an unknown tenant surfaces as HttpResponseError 400 (AADSTS90002)', async () => {
    sandbox.faults.inject({ peer: 'entra', kind: 'unknownTenant', times: 1 });
    await assert.rejects(requestClientCredentialsToken({ ...base(), audience: KEY_VAULT_RESOURCE, endpointVersion: 'v2' }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.status, 400);
      assert.match(error.bodyText, /90002/);
      return true;
    });
  });

  void it('cancels when the token endpoint does not answer', async () => {
    sandbox.faults.inject({ peer: 'entra', kind: 'timeout', times: 1 });
    await assert.rejects(requestClientCredentialsToken({ ...base(), audience: KEY_VAULT_RESOURCE, endpointVersion: 'v1', signal: abortSoon() }), (error: unknown) =>
      isCancelledError(error),
    );
  });

  void it('refuses a plain-http authority that is not loopback', async () => {
    await assert.rejects(
      requestClientCredentialsToken({ ...base(), authorityHost: 'http://login.contoso.example', destination: destinationOf('http://login.contoso.example'), audience: KEY_VAULT_RESOURCE, endpointVersion: 'v1' }),
      /plain http/,
    );
  });
});

void describe('identity providers', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(() => sandbox.faults.clear());

  void it('ClientSecretCredential against a loopback authority (instance discovery off), cached by MSAL', async () => {
    const provider = createClientSecretTokenProvider({
      authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost),
      tenantId: sandbox.world.tenantId,
      clientId: sandbox.world.reader.clientId,
      clientSecret: sandbox.world.reader.clientSecret,
      trustedCaPem: sandbox.caPem,
    });
    const first = await provider.getToken([`${KEY_VAULT_RESOURCE}/.default`], { signal: neverAborted() });
    assert.equal(claimsOf(first.token)['aud'], KEY_VAULT_RESOURCE);
    assert.ok(first.expiresOnTimestamp > Date.now());
    const again = await asTokenCredential(provider).getToken(`${KEY_VAULT_RESOURCE}/.default`);
    assert.equal(again?.token, first.token);
    assert.equal(asTokenCredential(provider), asTokenCredential(provider));
  });

  void it('a wrong secret surfaces as the identity SDK error, AADSTS code in the message', async () => {
    const provider = createClientSecretTokenProvider({
      authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost),
      tenantId: sandbox.world.tenantId,
      clientId: sandbox.world.reader.clientId,
      clientSecret: 'not-the-secret-value',
    });
    await assert.rejects(provider.getToken([`${KEY_VAULT_RESOURCE}/.default`], { signal: neverAborted() }), (error: Error) => {
      assert.match(error.name, /AuthenticationRequiredError|AuthenticationError/);
      assert.match(error.message, /7000215/);
      return true;
    });
  });

  void it('an empty secret is refused by identity before any request', async () => {
    const provider = createClientSecretTokenProvider({ authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost), tenantId: sandbox.world.tenantId, clientId: 'x', clientSecret: '' });
    await assert.rejects(provider.getToken(['https://vault.azure.net/.default'], { signal: neverAborted() }), (error: Error) => error.name === 'CredentialUnavailableError');
  });

  void it('toTokenCredential hands the SDK the token the flow already has, whatever the scope', async () => {
    const credential = toTokenCredential(() => Promise.resolve({ token: 'tkn', expiresOnTimestamp: 42 }));
    assert.deepEqual(await credential.getToken('https://eventhubs.azure.net//.default'), { token: 'tkn', expiresOnTimestamp: 42 });
  });
});
