import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { startEntraPeer, type EntraPeer } from '../../../src/sandbox/entra';
import { Faults } from '../../../src/sandbox/faults';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { decodeJwtPayload, TokenIssuer } from '../../../src/sandbox/jwt';
import { resolveCa, tlsMaterialFor } from '../../../src/sandbox/tls';
import { World } from '../../../src/sandbox/world';

const tls = tlsMaterialFor(resolveCa());
const world = new World();
const faults = new Faults();
const issuer = new TokenIssuer();
let entra: EntraPeer;

before(async () => {
  entra = await startEntraPeer({ tls, world, faults, issuer, tokenLifetimeSeconds: 1800 });
});
after(async () => {
  await entra.stop();
});

const reader = (): { clientId: string; clientSecret: string } => world.demo().reader;
const pipeline = (): { clientId: string; clientSecret: string } => world.demo().pipeline;

function post(path: string, form: Record<string, string> | string, headers: Record<string, string> = {}): Promise<SimpleResponse> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return httpsRequest(`${entra.authorityHost}${path}`, {
    method: 'POST',
    ca: tls.caPem,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json', ...headers },
    body,
  });
}

function v1(form: Record<string, string>): Promise<SimpleResponse> {
  return post(`/${world.tenantId}/oauth2/token`, form);
}

function v2(form: Record<string, string>, tenant = world.tenantId): Promise<SimpleResponse> {
  return post(`/${tenant}/oauth2/v2.0/token`, form);
}

interface EntraError {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

function assertEntraError(res: SimpleResponse, status: number, error: string, code: number): EntraError {
  assert.equal(res.status, status, res.text);
  const body = res.json<EntraError>();
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  assert.match(body.error_description, new RegExp(`^AADSTS${code}: `));
  return body;
}

function credential(clientId: string, secret: string, tenant = world.tenantId): ClientSecretCredential {
  return new ClientSecretCredential(tenant, clientId, secret, {
    authorityHost: entra.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
}

void describe('Entra peer: metadata', () => {
  void it('serves v2 OpenID configuration whose issuer has the authority origin and whose JWKS holds the signing key', async () => {
    const res = await httpsRequest(`${entra.authorityHost}/${world.tenantId}/v2.0/.well-known/openid-configuration`, { ca: tls.caPem });
    assert.equal(res.status, 200);
    const doc = res.json<Record<string, string>>();
    for (const key of ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri']) {
      assert.equal(typeof doc[key], 'string', key);
    }
    assert.equal(new URL(doc['issuer'] ?? '').origin, entra.authorityHost);
    assert.equal(doc['token_endpoint'], `${entra.authorityHost}/${world.tenantId}/oauth2/v2.0/token`);
    const jwks = (await httpsRequest(doc['jwks_uri'] ?? '', { ca: tls.caPem })).json<{ keys: { kid: string; kty: string; n: string; e: string }[] }>();
    assert.equal(jwks.keys[0]?.kid, issuer.kid);
    assert.equal(jwks.keys[0]?.kty, 'RSA');
  });

  void it('serves v1 OpenID configuration and resolves the tenant by its domain name', async () => {
    const res = await httpsRequest(`${entra.authorityHost}/contoso.onmicrosoft.com/.well-known/openid-configuration`, { ca: tls.caPem });
    assert.equal(res.status, 200);
    const doc = res.json<Record<string, string>>();
    assert.equal(doc['token_endpoint'], `${entra.authorityHost}/contoso.onmicrosoft.com/oauth2/token`);
    assert.ok(doc['issuer']?.includes(world.tenantId));
  });

  void it('answers discovery for an unknown tenant with AADSTS90002 invalid_tenant', async () => {
    const res = await httpsRequest(`${entra.authorityHost}/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration`, { ca: tls.caPem });
    assertEntraError(res, 400, 'invalid_tenant', 90002);
  });
});

void describe('Entra peer: official SDK (ClientSecretCredential)', () => {
  void it('gets a Key Vault token for https://vault.azure.net/.default with the right claims', async () => {
    const token = await credential(reader().clientId, reader().clientSecret).getToken('https://vault.azure.net/.default');
    assert.ok(token.expiresOnTimestamp > Date.now());
    const claims = decodeJwtPayload(token.token);
    assert.equal(claims['aud'], 'https://vault.azure.net');
    assert.equal(claims['iss'], `https://sts.windows.net/${world.tenantId}/`);
    assert.equal(claims['tid'], world.tenantId);
    assert.equal(claims['appid'], reader().clientId);
    // Role assignments are looked up by the resource, never carried in the token.
    assert.equal(claims['roles'], undefined);
    assert.equal(claims['idtyp'], 'app');
    assert.equal(claims['oid'], world.app(reader().clientId).objectId);
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 1800);
    assert.equal(issuer.verify(token.token).ok, true);
  });

  void it("gets an Event Hubs token for the SDK's double-slash scope, audience https://eventhubs.azure.net/", async () => {
    const token = await credential(pipeline().clientId, pipeline().clientSecret).getToken('https://eventhubs.azure.net//.default');
    const claims = decodeJwtPayload(token.token);
    assert.equal(claims['aud'], 'https://eventhubs.azure.net/');
    assert.equal(claims['roles'], undefined);
  });

  void it('fails with the AADSTS7000215 text for a wrong secret', async () => {
    await assert.rejects(credential(pipeline().clientId, 'not-the-secret').getToken('https://eventhubs.azure.net//.default'), (error: Error) => {
      assert.match(error.message, /AADSTS7000215: Invalid client secret provided\. Ensure the secret being sent in the request is the client secret value, not the client secret ID/);
      return true;
    });
  });

  void it('works with the tenant given as its domain name; the token carries the tenant GUID', async () => {
    const token = await credential(reader().clientId, reader().clientSecret, 'contoso.onmicrosoft.com').getToken('https://vault.azure.net/.default');
    assert.equal(decodeJwtPayload(token.token)['tid'], world.tenantId);
  });
});

void describe('Entra peer: v1 endpoint (the pipeline Web activity)', () => {
  void it('answers the raw v1 POST with string numbers and the resource as sent', async () => {
    // Exactly the Fiddler-captured body from the Key Vault docs (wire facts §1.1).
    const body = `resource=https%3A%2F%2Fvault.azure.net&client_id=${reader().clientId}&client_secret=${encodeURIComponent(reader().clientSecret)}&client_info=1&grant_type=client_credentials`;
    const res = await post(`/${world.tenantId}/oauth2/token`, body);
    assert.equal(res.status, 200, res.text);
    const json = res.json<Record<string, unknown>>();
    assert.equal(json['token_type'], 'Bearer');
    assert.equal(json['expires_in'], '1800');
    assert.equal(json['ext_expires_in'], '1800');
    assert.match(String(json['expires_on']), /^\d{10}$/);
    assert.match(String(json['not_before']), /^\d{10}$/);
    assert.equal(json['resource'], 'https://vault.azure.net');
    const claims = decodeJwtPayload(String(json['access_token']));
    assert.equal(claims['aud'], 'https://vault.azure.net');
    assert.equal(String(claims['exp']), json['expires_on']);
  });

  void it('keeps a trailing slash in the audience, as sent', async () => {
    const res = await v1({ grant_type: 'client_credentials', client_id: pipeline().clientId, client_secret: pipeline().clientSecret, resource: 'https://eventhubs.azure.net/' });
    assert.equal(res.status, 200);
    assert.equal(decodeJwtPayload(String(res.json()['access_token']))['aud'], 'https://eventhubs.azure.net/');
  });

  void it('rejects a /.default suffix sent as a v1 resource with AADSTS500011', async () => {
    const res = await v1({ grant_type: 'client_credentials', client_id: pipeline().clientId, client_secret: pipeline().clientSecret, resource: 'https://eventhubs.azure.net/.default' });
    const body = assertEntraError(res, 400, 'invalid_resource', 500011);
    assert.match(body.error_description, /The resource principal named https:\/\/eventhubs\.azure\.net\/\.default was not found in the tenant named Contoso/);
  });

  void it('rejects an unknown resource with AADSTS500011', async () => {
    const res = await v1({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret, resource: 'https://vault.keyvault.net' });
    assertEntraError(res, 400, 'invalid_resource', 500011);
  });

  void it('requires the resource parameter (AADSTS900144)', async () => {
    const res = await v1({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret });
    const body = assertEntraError(res, 400, 'invalid_request', 900144);
    assert.match(body.error_description, /must contain the following parameter: 'resource'/);
  });
});

void describe('Entra peer: request validation', () => {
  void it('answers a JSON body as a missing grant_type (AADSTS900144)', async () => {
    const res = await httpsRequest(`${entra.authorityHost}/${world.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      ca: tls.caPem,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: reader().clientId }),
    });
    const body = assertEntraError(res, 400, 'invalid_request', 900144);
    assert.match(body.error_description, /'grant_type'/);
  });

  void it('gives the full Entra error shape, echoing client-request-id as the correlation id', async () => {
    const correlation = '5d0a1f0e-4b8c-4b5e-9d4c-0123456789ab';
    const res = await post(`/${world.tenantId}/oauth2/v2.0/token?client-request-id=${correlation}`, { grant_type: 'client_credentials', scope: 'https://vault.azure.net/.default' });
    const body = assertEntraError(res, 400, 'invalid_request', 900144);
    assert.equal(body.correlation_id, correlation);
    assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
    assert.equal(body.error_uri, 'https://login.microsoftonline.com/error?code=900144');
    assert.equal(
      body.error_description,
      `AADSTS900144: The request body must contain the following parameter: 'client_id'.\r\nTrace ID: ${body.trace_id}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${body.timestamp}`,
    );
  });

  void it('rejects /common and /consumers with AADSTS9001023', async () => {
    for (const tenant of ['common', 'consumers']) {
      const res = await v2({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret, scope: 'https://vault.azure.net/.default' }, tenant);
      assertEntraError(res, 400, 'invalid_request', 9001023);
    }
  });

  void it('rejects malformed tenant segments with AADSTS900023', async () => {
    for (const tenant of ['{{tenantid}}', 'undefined']) {
      const res = await v2({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret, scope: 'https://vault.azure.net/.default' }, encodeURIComponent(tenant));
      const body = assertEntraError(res, 400, 'invalid_request', 900023);
      assert.ok(body.error_description.includes(`Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`));
    }
  });

  void it('rejects an unknown tenant GUID or domain with AADSTS90002', async () => {
    for (const tenant of ['9f0c2e3d-0000-4000-8000-000000000000', 'fabrikam.onmicrosoft.com']) {
      const res = await v2({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret, scope: 'https://vault.azure.net/.default' }, tenant);
      const body = assertEntraError(res, 400, 'invalid_tenant', 90002);
      assert.ok(body.error_description.includes(`Tenant '${tenant}' not found.`));
    }
  });

  void it('rejects an unknown client with AADSTS700016 (400 unauthorized_client)', async () => {
    const res = await v2({ grant_type: 'client_credentials', client_id: world.tenantId, client_secret: 'x', scope: 'https://vault.azure.net/.default' });
    const body = assertEntraError(res, 400, 'unauthorized_client', 700016);
    assert.ok(body.error_description.includes(`Application with identifier '${world.tenantId}' was not found in the directory 'Contoso'`));
  });

  void it('rejects an empty secret with AADSTS7000218', async () => {
    const res = await v2({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: '', scope: 'https://vault.azure.net/.default' });
    assertEntraError(res, 401, 'invalid_client', 7000218);
  });

  void it('rejects a secret whose key has expired with AADSTS7000222, and accepts it again once renewed', async () => {
    const form = { grant_type: 'client_credentials', client_id: pipeline().clientId, client_secret: pipeline().clientSecret, scope: 'https://eventhubs.azure.net/.default' };
    world.expireAppSecret(pipeline().clientId);
    try {
      const body = assertEntraError(await v2(form), 401, 'invalid_client', 7000222);
      assert.match(body.error_description, /are expired\. Visit the Azure portal to create new keys for your app: https:\/\/aka\.ms\/NewClientSecret/);
    } finally {
      world.expireAppSecret(pipeline().clientId, false);
    }
    assert.equal((await v2(form)).status, 200);
  });

  void it('requires /.default on v2 scopes (AADSTS1002012) and one resource per request (AADSTS70011)', async () => {
    const base = { grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret };
    const missing = assertEntraError(await v2({ ...base, scope: 'https://vault.azure.net' }), 400, 'invalid_scope', 1002012);
    assert.match(missing.error_description, /Client credential flows must have a scope value with \/\.default suffixed/);
    assertEntraError(await v2({ ...base, scope: 'https://vault.azure.net/.default https://eventhubs.azure.net/.default' }), 400, 'invalid_scope', 70011);
  });

  void it('rejects `resource` on the v2 endpoint with AADSTS901002', async () => {
    const res = await v2({ grant_type: 'client_credentials', client_id: reader().clientId, client_secret: reader().clientSecret, resource: 'https://vault.azure.net' });
    assertEntraError(res, 400, 'invalid_request', 901002);
  });

  void it('rejects other grant types with unsupported_grant_type', async () => {
    const res = await v2({ grant_type: 'password', client_id: reader().clientId, client_secret: reader().clientSecret, scope: 'https://vault.azure.net/.default' });
    assertEntraError(res, 400, 'unsupported_grant_type', 70003);
  });

  void it("accepts MSAL's telemetry fields, CAE claims and HTTP Basic client authentication on v2", async () => {
    const basic = Buffer.from(`${encodeURIComponent(reader().clientId)}:${encodeURIComponent(reader().clientSecret)}`).toString('base64');
    const res = await post(
      `/${world.tenantId}/oauth2/v2.0/token?client-request-id=${crypto.randomUUID()}`,
      {
        grant_type: 'client_credentials',
        scope: 'https://vault.azure.net/.default',
        'x-client-SKU': 'msal.js.node',
        'x-client-VER': '5.6.0',
        'x-client-OS': 'linux',
        'x-client-CPU': 'x64',
        claims: JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } }),
      },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(res.status, 200, res.text);
    const json = res.json();
    assert.equal(json['expires_in'], 1800);
    assert.equal(json['ext_expires_in'], 1800);
    assert.equal(json['resource'], undefined);
    assert.equal(json['expires_on'], undefined);
  });
});
