import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEntraPeer, type EntraPeer } from '../../../src/sandbox/entra';
import { Faults } from '../../../src/sandbox/faults';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import type { AccessTokenClaims } from '../../../src/sandbox/internal';
import { TokenIssuer } from '../../../src/sandbox/jwt';
import { startKeyVaultPeer, type KeyVaultPeer } from '../../../src/sandbox/keyVault';
import { resolveCa, tlsMaterialFor } from '../../../src/sandbox/tls';
import { CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME, DISABLED_SECRET_NAME, EXPIRED_SECRET_NAME, World } from '../../../src/sandbox/world';

const tls = tlsMaterialFor(resolveCa());
const world = new World();
const faults = new Faults();
const issuer = new TokenIssuer();
let entra: EntraPeer;
let vault: KeyVaultPeer;

before(async () => {
  entra = await startEntraPeer({ tls, world, faults, issuer });
  vault = await startKeyVaultPeer({ tls, world, faults, tokens: issuer });
});
after(async () => {
  await Promise.all([entra.stop(), vault.stop()]);
});

const reader = (): { clientId: string; clientSecret: string } => world.demo().reader;

function secretClient(): SecretClient {
  const credential = new ClientSecretCredential(world.tenantId, reader().clientId, reader().clientSecret, {
    authorityHost: entra.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
  return new SecretClient(vault.vaultUrl, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
}

/** A token the way the pipeline gets it: v1 POST with resource exactly as given. */
async function v1Token(resource: string, clientId = reader().clientId, secret = reader().clientSecret): Promise<string> {
  const res = await httpsRequest(`${entra.authorityHost}/${world.tenantId}/oauth2/token`, {
    method: 'POST',
    ca: tls.caPem,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, resource }).toString(),
  });
  assert.equal(res.status, 200, res.text);
  return String(res.json()['access_token']);
}

function kvGet(path: string, token?: string): Promise<SimpleResponse> {
  return httpsRequest(`https://localhost:${vault.port}${path}`, { ca: tls.caPem, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

interface KvError {
  error: { code: string; message: string; innererror?: { code: string } };
}

function assertKvError(res: SimpleResponse, status: number, code: string, inner?: string): string {
  assert.equal(res.status, status, res.text);
  const body = res.json<KvError>();
  assert.equal(body.error.code, code);
  assert.equal(body.error.innererror?.code, inner);
  return body.error.message;
}

function claimsFor(overrides: Partial<AccessTokenClaims>): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: 'https://vault.azure.net',
    iss: `https://sts.windows.net/${world.tenantId}/`,
    tid: world.tenantId,
    appid: reader().clientId,
    oid: world.app(reader().clientId).objectId,
    sub: world.app(reader().clientId).objectId,
    iat: now,
    nbf: now - 300,
    exp: now + 3600,
    ver: '1.0',
    ...overrides,
  };
}

const expectedChallenge = (): string => `Bearer authorization="https://login.microsoftonline.com/${world.tenantId}", resource="https://vault.azure.net"`;

void describe('Key Vault peer: official SDK (SecretClient)', () => {
  void it('gets the latest secret through the challenge handshake, and a version by id', async () => {
    const client = secretClient();
    const latest = await client.getSecret(CLIENT_ID_SECRET_NAME);
    assert.equal(latest.value, world.pipelineClientId);
    assert.equal(latest.properties.vaultUrl, vault.vaultUrl.replace(/\/$/, ''));
    assert.equal(latest.properties.name, CLIENT_ID_SECRET_NAME);
    const versions = world.secrets.get(CLIENT_SECRET_SECRET_NAME) ?? [];
    const older = versions[0];
    assert.ok(older);
    const byVersion = await client.getSecret(CLIENT_SECRET_SECRET_NAME, { version: older.version });
    assert.equal(byVersion.value, older.value);
    assert.equal(byVersion.properties.version, older.version);
    assert.notEqual(byVersion.value, world.demo().pipeline.clientSecret);
    assert.equal((await client.getSecret(CLIENT_SECRET_SECRET_NAME)).value, world.demo().pipeline.clientSecret);
  });

  void it('lists secret properties (no values), including the disabled and expired ones', async () => {
    const names = new Map<string, boolean | undefined>();
    for await (const properties of secretClient().listPropertiesOfSecrets()) {
      names.set(properties.name, properties.enabled);
      assert.equal((properties as { value?: unknown }).value, undefined);
    }
    assert.deepEqual([...names.keys()].sort(), [DISABLED_SECRET_NAME, EXPIRED_SECRET_NAME, CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME].sort());
    assert.equal(names.get(DISABLED_SECRET_NAME), false);
  });

  void it('lists the versions of a secret', async () => {
    const versions: string[] = [];
    for await (const properties of secretClient().listPropertiesOfSecretVersions(CLIENT_SECRET_SECRET_NAME)) {
      assert.match(properties.version ?? '', /^[0-9a-f]{32}$/);
      versions.push(properties.version ?? '');
    }
    assert.deepEqual(versions.sort(), (world.secrets.get(CLIENT_SECRET_SECRET_NAME) ?? []).map((v) => v.version).sort());
  });

  void it('pages listings with maxresults and nextLink ($skiptoken)', async () => {
    const pages: number[] = [];
    for await (const page of secretClient().listPropertiesOfSecrets().byPage({ maxPageSize: 1 })) {
      pages.push(page.length);
    }
    assert.deepEqual(pages, [1, 1, 1, 1]);
  });

  void it('surfaces a missing secret as RestError 404 SecretNotFound', async () => {
    await assert.rejects(secretClient().getSecret('no-such-secret'), (error: { name: string; code: string; statusCode: number; message: string }) => {
      assert.equal(error.name, 'RestError');
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'SecretNotFound');
      assert.match(error.message, /A secret with \(name\/id\) no-such-secret was not found in this key vault/);
      return true;
    });
  });

  void it('surfaces a disabled secret as RestError 403 Forbidden (SecretDisabled)', async () => {
    await assert.rejects(secretClient().getSecret(DISABLED_SECRET_NAME), (error: { code: string; statusCode: number; message: string }) => {
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, 'Forbidden');
      assert.match(error.message, /Operation get is not allowed on a disabled secret\./);
      return true;
    });
  });

  void it('surfaces a missing role as RestError 403 Forbidden with the RBAC text', async () => {
    world.removeRole(reader().clientId, 'Key Vault Secrets User');
    try {
      await assert.rejects(secretClient().getSecret(CLIENT_ID_SECRET_NAME), (error: { code: string; statusCode: number; message: string }) => {
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Forbidden');
        assert.match(error.message, /Caller is not authorized to perform action on resource\./);
        return true;
      });
    } finally {
      world.addRole(reader().clientId, 'Key Vault Secrets User');
    }
  });

  void it('sets a secret only for a caller with a write role (Key Vault Secrets Officer)', async () => {
    const client = secretClient();
    await assert.rejects(client.setSecret('new-secret', 'v1'), (error: { statusCode: number; message: string }) => {
      assert.equal(error.statusCode, 403);
      assert.match(error.message, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/setSecret\/action'/);
      return true;
    });
    world.addRole(reader().clientId, 'Key Vault Secrets Officer');
    try {
      const set = await client.setSecret('new-secret', 'v1', { contentType: 'text/plain', tags: { by: 'test' } });
      assert.equal(set.value, 'v1');
      assert.match(set.properties.version ?? '', /^[0-9a-f]{32}$/);
      const read = await client.getSecret('NEW-SECRET');
      assert.equal(read.value, 'v1');
      assert.equal(read.properties.contentType, 'text/plain');
      assert.deepEqual(read.properties.tags, { by: 'test' });
    } finally {
      world.removeRole(reader().clientId, 'Key Vault Secrets Officer');
      world.deleteSecret('new-secret');
    }
  });
});

void describe('Key Vault peer: wire behaviour', () => {
  void it('challenges a request without a token: 401, WWW-Authenticate, AKV10000 and service headers', async () => {
    const res = await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], expectedChallenge());
    assert.deepEqual(res.json(), { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } });
    assert.match(String(res.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(typeof res.headers['x-ms-keyvault-service-version'], 'string');
    assert.equal(res.headers['x-ms-keyvault-region'], world.region);
  });

  void it("answers the pipeline's raw GET ?api-version=7.0 with a SecretBundle, tolerating // and a trailing slash", async () => {
    const token = await v1Token('https://vault.azure.net');
    const latest = world.secrets.get(CLIENT_SECRET_SECRET_NAME)?.at(-1);
    assert.ok(latest);
    for (const path of [`/secrets/${CLIENT_SECRET_SECRET_NAME}?api-version=7.0`, `//secrets/${CLIENT_SECRET_SECRET_NAME}/?api%2Dversion=7.0`]) {
      const res = await kvGet(path, token);
      assert.equal(res.status, 200, res.text);
      const bundle = res.json<{ value: string; id: string; attributes: Record<string, unknown>; tags?: Record<string, string> }>();
      assert.equal(bundle.value, world.demo().pipeline.clientSecret);
      assert.equal(bundle.id, `https://localhost:${vault.port}/secrets/${CLIENT_SECRET_SECRET_NAME}/${latest.version}`);
      assert.deepEqual(Object.keys(bundle.attributes).sort(), ['created', 'enabled', 'exp', 'recoveryLevel', 'updated']);
      assert.equal(bundle.attributes['created'], latest.created);
      assert.equal(bundle.attributes['exp'], latest.expires);
    }
    const newer = await kvGet(`/secrets/${CLIENT_SECRET_SECRET_NAME}?api-version=7.6`, token);
    assert.equal(newer.json<{ attributes: Record<string, unknown> }>().attributes['recoverableDays'], 90);
  });

  void it('requires a known api-version', async () => {
    const token = await v1Token('https://vault.azure.net');
    assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}`, token), 400, 'BadParameter');
    assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=1.0`, token), 400, 'BadParameter');
    for (const version of ['7.0', '7.6', '2016-10-01', '2025-07-01', '2026-04-01']) {
      assert.equal((await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=${version}`, token)).status, 200, version);
    }
  });

  void it('rejects a trailing-slash audience with AKV10022 (exact text) and the challenge', async () => {
    const res = await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, await v1Token('https://vault.azure.net/'));
    const message = assertKvError(res, 401, 'Unauthorized');
    assert.equal(message, 'AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://vault.azure.net/.');
    assert.equal(res.headers['www-authenticate'], expectedChallenge());
  });

  void it('rejects an Event Hubs token with AKV10022', async () => {
    const token = await v1Token('https://eventhubs.azure.net', world.pipelineClientId, world.demo().pipeline.clientSecret);
    const message = assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, token), 401, 'Unauthorized');
    assert.equal(message, 'AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://eventhubs.azure.net.');
  });

  void it('rejects a token from another tenant with AKV10032', async () => {
    const other = '0b1c2d3e-0000-4000-8000-00000000abcd';
    const token = issuer.sign(claimsFor({ iss: `https://sts.windows.net/${other}/`, tid: other }));
    const message = assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, token), 401, 'Unauthorized');
    assert.match(message, new RegExp(`^AKV10032: Invalid issuer\\. Expected one of https://sts\\.windows\\.net/${world.tenantId}/, .* found https://sts\\.windows\\.net/${other}/\\.$`));
  });

  void it('rejects expired, foreign-signed and malformed tokens with 401 and the challenge', async () => {
    const expired = issuer.sign(claimsFor({ iat: 1_600_000_000, nbf: 1_600_000_000, exp: 1_600_003_600 }));
    const foreign = new TokenIssuer().sign(claimsFor({}));
    for (const token of [expired, foreign, 'not.a.jwt', 'garbage']) {
      const res = await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, token);
      assertKvError(res, 401, 'Unauthorized');
      assert.equal(res.headers['www-authenticate'], expectedChallenge());
    }
  });

  void it('answers an expired secret with 403 SecretExpired (the sandbox choice) and an unknown version with 404', async () => {
    const token = await v1Token('https://vault.azure.net');
    const message = assertKvError(await kvGet(`/secrets/${EXPIRED_SECRET_NAME}?api-version=7.0`, token), 403, 'Forbidden', 'SecretExpired');
    assert.match(message, /expired secret/);
    const missing = assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}/${'0'.repeat(32)}?api-version=7.0`, token), 404, 'SecretNotFound');
    assert.ok(missing.startsWith(`A secret with (name/id) ${CLIENT_ID_SECRET_NAME}/${'0'.repeat(32)} was not found`));
  });

  void it('gives ForbiddenByRbac the documented multi-line message', async () => {
    const token = await v1Token('https://vault.azure.net', world.pipelineClientId, world.demo().pipeline.clientSecret);
    const message = assertKvError(await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, token), 403, 'Forbidden', 'ForbiddenByRbac');
    const lines = message.split('\r\n');
    assert.equal(lines[0], 'Caller is not authorized to perform action on resource.');
    assert.equal(lines[2], `Caller: appid=${world.pipelineClientId};oid=${world.app(world.pipelineClientId).objectId};iss=https://sts.windows.net/${world.tenantId}/`);
    assert.equal(lines[3], "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    assert.ok(lines.includes('Assignment: (not found)'));
    assert.ok(lines.includes(`Vault: ${world.vaultName};location=${world.region}`));
  });

  void it('validates maxresults (1–25) and follows nextLink verbatim', async () => {
    const token = await v1Token('https://vault.azure.net');
    assertKvError(await kvGet('/secrets?api-version=7.0&maxresults=26', token), 400, 'BadParameter');
    assertKvError(await kvGet('/secrets?api-version=7.0&maxresults=0', token), 400, 'BadParameter');
    const ids: string[] = [];
    let next: string | null = `https://localhost:${vault.port}/secrets?api-version=7.0&maxresults=3`;
    while (next) {
      const res = await httpsRequest(next, { ca: tls.caPem, headers: { authorization: `Bearer ${token}` } });
      const page = res.json<{ value: { id: string }[]; nextLink: string | null }>();
      ids.push(...page.value.map((item) => item.id));
      next = page.nextLink;
      if (next) {
        assert.match(next, /[?&]\$skiptoken=/);
      }
    }
    assert.equal(ids.length, world.secrets.size);
    assert.ok(ids.every((id) => /\/secrets\/[0-9a-zA-Z-]+$/.test(id)));
  });

  void it('shows world mutations at once: a new value becomes the latest version', async () => {
    const token = await v1Token('https://vault.azure.net');
    const version = world.setSecretValue(CLIENT_ID_SECRET_NAME, 'rotated-value');
    try {
      const bundle = (await kvGet(`/secrets/${CLIENT_ID_SECRET_NAME}?api-version=7.0`, token)).json<{ value: string; id: string }>();
      assert.equal(bundle.value, 'rotated-value');
      assert.ok(bundle.id.endsWith(`/${version}`));
    } finally {
      world.secrets.get(CLIENT_ID_SECRET_NAME)?.pop();
    }
  });
});
