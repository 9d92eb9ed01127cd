import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, issueServerCertificate } from '../../../src/sandbox/ca';
import { startEntraPeer, type EntraPeer } from '../../../src/sandbox/entra';
import { Faults } from '../../../src/sandbox/faults';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { sandboxInternals, startSandbox } from '../../../src/sandbox/index';
import { decodeJwtPayload, TokenIssuer } from '../../../src/sandbox/jwt';
import { startKeyVaultPeer, type KeyVaultPeer } from '../../../src/sandbox/keyVault';
import { ReceivedLog } from '../../../src/sandbox/receivedLog';
import { resolveCa, tlsMaterialFor } from '../../../src/sandbox/tls';
import type { Sandbox } from '../../../src/sandbox/types';
import { CLIENT_ID_SECRET_NAME, CLIENT_SECRET_SECRET_NAME, World } from '../../../src/sandbox/world';

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
  faults.clear();
  await Promise.all([entra.stop(), vault.stop()]);
});

function tokenRequest(resource: string, clientId = world.readerClientId, timeoutMs?: number): Promise<SimpleResponse> {
  const app = world.apps.get(clientId);
  return httpsRequest(`${entra.authorityHost}/${world.tenantId}/oauth2/token`, {
    method: 'POST',
    ca: tls.caPem,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: app?.secret ?? '', resource }).toString(),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

async function vaultToken(): Promise<string> {
  const res = await tokenRequest('https://vault.azure.net');
  assert.equal(res.status, 200, res.text);
  return String(res.json()['access_token']);
}

function readSecret(name: string, token: string, timeoutMs?: number): Promise<SimpleResponse> {
  return httpsRequest(`${vault.vaultUrl}secrets/${name}?api-version=7.0`, {
    ca: tls.caPem,
    headers: { authorization: `Bearer ${token}` },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

const entraCode = (res: SimpleResponse): number | undefined => res.json<{ error_codes: number[] }>().error_codes[0];
const kvError = (res: SimpleResponse): { code: string; message: string; innererror?: { code: string } } =>
  res.json<{ error: { code: string; message: string; innererror?: { code: string } } }>().error;

void describe('Fault registry', () => {
  void it('matches resources without /.default or trailing slashes, counts hits and heals after `times`', () => {
    const registry = new Faults();
    let changes = 0;
    registry.onChange(() => changes++);
    const id = registry.inject({ peer: 'entra', kind: 'throttled', match: { resource: 'https://eventhubs.azure.net/' }, times: 2 });
    assert.equal(changes, 1);
    assert.equal(registry.take('entra', { resource: 'https://vault.azure.net' }), undefined);
    assert.equal(registry.take('keyVault', { resource: 'https://eventhubs.azure.net' }), undefined);
    assert.equal(registry.take('entra', { resource: 'https://eventhubs.azure.net//.default' })?.id, id);
    assert.equal(registry.active()[0]?.hits, 1);
    assert.equal(registry.take('entra', { resource: 'https://EventHubs.azure.net' })?.kind, 'throttled');
    assert.deepEqual(registry.active(), []);
    assert.equal(changes, 2);
    assert.equal(registry.take('entra', { resource: 'https://eventhubs.azure.net' }), undefined);
  });

  void it('requires every match field, filters by kind, and never hands out connectionRefused', () => {
    const registry = new Faults();
    registry.inject({ peer: 'keyVault', kind: 'connectionRefused' });
    registry.inject({ peer: 'keyVault', kind: 'secretNotFound', match: { secretName: 'a' } });
    assert.equal(registry.isRefusing('keyVault'), true);
    assert.equal(registry.take('keyVault', {}), undefined);
    assert.equal(registry.take('keyVault', { secretName: 'b' }), undefined);
    assert.equal(registry.take('keyVault', { secretName: 'A' }, ['throttled']), undefined);
    assert.equal(registry.take('keyVault', { secretName: 'A' }, ['secretNotFound'])?.kind, 'secretNotFound');
    registry.clear();
    assert.equal(registry.isRefusing('keyVault'), false);
  });

  void it('rejects faults a peer cannot produce and bad counts', () => {
    const registry = new Faults();
    assert.throws(() => registry.inject({ peer: 'entra', kind: 'secretNotFound' }), TypeError);
    assert.throws(() => registry.inject({ peer: 'keyVault', kind: 'invalidClientSecret' }), TypeError);
    assert.throws(() => registry.inject({ peer: 'keyVault', kind: 'throttled', times: 0 }), TypeError);
  });
});

void describe('Entra peer faults', () => {
  void it('invalidClientSecret matched by resource fails only that resource, with 401 AADSTS7000215', async () => {
    const id = faults.inject({ peer: 'entra', kind: 'invalidClientSecret', match: { resource: 'https://vault.azure.net/.default' } });
    try {
      const res = await tokenRequest('https://vault.azure.net');
      assert.equal(res.status, 401);
      assert.equal(res.json()['error'], 'invalid_client');
      assert.equal(entraCode(res), 7000215);
      assert.equal((await tokenRequest('https://eventhubs.azure.net', world.pipelineClientId)).status, 200);
    } finally {
      faults.clear(id);
    }
  });

  void it('expiredClientSecret, unknownClient and unknownTenant, matched by clientId', async () => {
    const cases = [
      { kind: 'expiredClientSecret', status: 401, error: 'invalid_client', code: 7000222 },
      { kind: 'unknownClient', status: 400, error: 'unauthorized_client', code: 700016 },
      { kind: 'unknownTenant', status: 400, error: 'invalid_tenant', code: 90002 },
    ] as const;
    for (const expected of cases) {
      faults.inject({ peer: 'entra', kind: expected.kind, match: { clientId: world.pipelineClientId }, times: 1 });
      assert.equal((await tokenRequest('https://vault.azure.net')).status, 200, 'another client is unaffected');
      const res = await tokenRequest('https://eventhubs.azure.net', world.pipelineClientId);
      assert.equal(res.status, expected.status, expected.kind);
      assert.equal(res.json()['error'], expected.error);
      assert.equal(entraCode(res), expected.code);
      assert.equal((await tokenRequest('https://eventhubs.azure.net', world.pipelineClientId)).status, 200, 'healed after times: 1');
    }
  });

  void it('throttled answers 429 with Retry-After; serviceUnavailable answers 503 temporarily_unavailable', async () => {
    faults.inject({ peer: 'entra', kind: 'throttled', times: 1, retryAfterSeconds: 7 });
    const throttled = await tokenRequest('https://vault.azure.net');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.match(String(throttled.json()['error_description']), /^AADSTS\d+: /);
    faults.inject({ peer: 'entra', kind: 'serviceUnavailable', times: 1 });
    const unavailable = await tokenRequest('https://vault.azure.net');
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.json()['error'], 'temporarily_unavailable');
  });

  void it('connectionReset destroys the socket; timeout never answers', async () => {
    faults.inject({ peer: 'entra', kind: 'connectionReset', times: 1 });
    await assert.rejects(tokenRequest('https://vault.azure.net'), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'ECONNRESET');
      return true;
    });
    faults.inject({ peer: 'entra', kind: 'timeout', times: 1 });
    await assert.rejects(tokenRequest('https://vault.azure.net', world.readerClientId, 300), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'ETIMEDOUT');
      return true;
    });
    assert.equal((await tokenRequest('https://vault.azure.net')).status, 200);
  });

  void it('wrongAudience mints a token the resource server rejects', async () => {
    faults.inject({ peer: 'entra', kind: 'wrongAudience', match: { resource: 'https://vault.azure.net' }, times: 1 });
    const token = await vaultToken();
    assert.equal(decodeJwtPayload(token)['aud'], 'https://vault.azure.net/');
    const res = await readSecret(CLIENT_ID_SECRET_NAME, token);
    assert.equal(res.status, 401);
    assert.equal(kvError(res).message, 'AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://vault.azure.net/.');
    faults.inject({ peer: 'entra', kind: 'wrongAudience', match: { resource: 'https://eventhubs.azure.net' }, times: 1 });
    const eh = await tokenRequest('https://eventhubs.azure.net', world.pipelineClientId);
    assert.equal(decodeJwtPayload(String(eh.json()['access_token']))['aud'], 'https://management.core.windows.net/');
  });
});

void describe('Key Vault peer faults', () => {
  void it('secretNotFound, secretDisabled, missingRole and wrongAudience hit only the matched secret', async () => {
    const token = await vaultToken();
    const cases = [
      { kind: 'secretNotFound', status: 404, code: 'SecretNotFound', inner: undefined },
      { kind: 'secretDisabled', status: 403, code: 'Forbidden', inner: 'SecretDisabled' },
      { kind: 'missingRole', status: 403, code: 'Forbidden', inner: 'ForbiddenByRbac' },
      { kind: 'wrongAudience', status: 401, code: 'Unauthorized', inner: undefined },
    ] as const;
    for (const expected of cases) {
      const id = faults.inject({ peer: 'keyVault', kind: expected.kind, match: { secretName: CLIENT_SECRET_SECRET_NAME } });
      try {
        assert.equal((await readSecret(CLIENT_ID_SECRET_NAME, token)).status, 200, 'other secrets unaffected');
        const res = await readSecret(CLIENT_SECRET_SECRET_NAME, token);
        assert.equal(res.status, expected.status, expected.kind);
        assert.equal(kvError(res).code, expected.code);
        assert.equal(kvError(res).innererror?.code, expected.inner);
      } finally {
        faults.clear(id);
      }
    }
  });

  void it('throttled answers 429 Throttled with Retry-After; serviceUnavailable answers 503', async () => {
    const token = await vaultToken();
    faults.inject({ peer: 'keyVault', kind: 'throttled', times: 1 });
    const throttled = await readSecret(CLIENT_ID_SECRET_NAME, token);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '2');
    assert.equal(kvError(throttled).code, 'Throttled');
    faults.inject({ peer: 'keyVault', kind: 'serviceUnavailable', times: 1 });
    assert.equal((await readSecret(CLIENT_ID_SECRET_NAME, token)).status, 503);
    assert.equal((await readSecret(CLIENT_ID_SECRET_NAME, token)).status, 200);
  });

  void it('connectionReset and timeout, by secret name', async () => {
    const token = await vaultToken();
    faults.inject({ peer: 'keyVault', kind: 'connectionReset', match: { secretName: CLIENT_ID_SECRET_NAME }, times: 1 });
    await assert.rejects(readSecret(CLIENT_ID_SECRET_NAME, token), { code: 'ECONNRESET' });
    faults.inject({ peer: 'keyVault', kind: 'timeout', match: { secretName: CLIENT_ID_SECRET_NAME }, times: 1 });
    await assert.rejects(readSecret(CLIENT_ID_SECRET_NAME, token, 300), { code: 'ETIMEDOUT' });
    assert.equal((await readSecret(CLIENT_ID_SECRET_NAME, token)).status, 200);
  });
});

void describe('startSandbox', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ tokenLifetimeSeconds: 600 });
  });
  after(async () => {
    await sandbox.stop();
  });

  void it('returns a ready profile for the demo world', () => {
    const profile = sandbox.profile({ name: 'Demo', protocol: 'amqp' });
    assert.equal(profile.name, 'Demo');
    assert.equal(profile.cloud, 'public');
    assert.equal(profile.authorityHost, sandbox.urls.authorityHost);
    assert.match(sandbox.urls.authorityHost, /^https:\/\/localhost:\d+$/);
    assert.equal(profile.keyVault.vaultUrl, sandbox.urls.vaultUrl);
    assert.deepEqual(profile.keyVault.auth, {
      kind: 'servicePrincipal',
      tenantId: sandbox.world.tenantId,
      clientId: sandbox.world.reader.clientId,
      clientSecret: sandbox.world.reader.clientSecret,
      tokenRequest: 'pipeline',
    });
    assert.deepEqual(profile.keyVault.clientIdSecret, { name: 'pipeline-client-id' });
    assert.deepEqual(profile.keyVault.clientSecretSecret, { name: 'pipeline-client-secret' });
    assert.deepEqual(profile.eventHubsToken, { tenantId: sandbox.world.tenantId, endpointVersion: 'v1' });
    assert.deepEqual(profile.endpoint, { namespace: sandbox.urls.namespace, eventHubName: 'es_demo', auth: { kind: 'entra' }, protocol: 'amqp' });
    assert.equal(profile.trustedCaPem, sandbox.caPem);
    assert.match(sandbox.world.pipeline.clientSecret, /^[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{34}$/);
    assert.match(sandbox.world.sas.keyName, /^key_[0-9a-f]{8}$/);
    assert.equal(Buffer.from(sandbox.world.sas.key, 'base64').length, 32);
    assert.deepEqual(sandbox.world.partitionIds, ['0', '1']);
  });

  void it('connectionRefused closes a peer until cleared', async () => {
    const { authorityHost, vaultUrl } = sandbox.urls;
    const discovery = `${authorityHost}/${sandbox.world.tenantId}/v2.0/.well-known/openid-configuration`;
    assert.equal((await httpsRequest(discovery, { ca: sandbox.caPem })).status, 200);
    const id = sandbox.faults.inject({ peer: 'entra', kind: 'connectionRefused' });
    sandbox.faults.inject({ peer: 'keyVault', kind: 'connectionRefused' });
    await sandboxInternals(sandbox).settled();
    await assert.rejects(httpsRequest(discovery, { ca: sandbox.caPem }), { code: 'ECONNREFUSED' });
    await assert.rejects(httpsRequest(`${vaultUrl}secrets?api-version=7.0`, { ca: sandbox.caPem }), { code: 'ECONNREFUSED' });
    sandbox.faults.clear(id);
    await sandboxInternals(sandbox).settled();
    assert.equal((await httpsRequest(discovery, { ca: sandbox.caPem })).status, 200);
    await assert.rejects(httpsRequest(`${vaultUrl}secrets?api-version=7.0`, { ca: sandbox.caPem }), { code: 'ECONNREFUSED' });
    sandbox.faults.clear();
    await sandboxInternals(sandbox).settled();
    assert.equal((await httpsRequest(`${vaultUrl}secrets?api-version=7.0`, { ca: sandbox.caPem })).status, 401);
  });

  void it('stop() releases sockets held by a timeout fault', async () => {
    const own = await startSandbox();
    own.faults.inject({ peer: 'keyVault', kind: 'timeout' });
    const pending = httpsRequest(`${own.urls.vaultUrl}secrets?api-version=7.0`, { ca: own.caPem });
    const outcome = pending.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    // Wait until the peer holds the request (the fault counted a hit); stopping must not wait for it.
    while ((own.faults.active()[0]?.hits ?? 0) < 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await own.stop();
    assert.equal(await outcome, 'ECONNRESET');
  });
});

void describe('Sandbox CA and received-event log', () => {
  void it('issues a leaf for localhost, 127.0.0.1 and ::1 that chains to the CA', () => {
    const ca = createCertificateAuthority('Test CA');
    const leaf = new X509Certificate(issueServerCertificate(ca).certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.ok(caCert.ca);
    assert.ok(leaf.checkIssued(caCert));
    assert.ok(leaf.verify(caCert.publicKey));
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkIP('::1'), '::1');
    assert.equal(leaf.checkHost('example.com'), undefined);
  });

  void it('numbers events per partition and wakes waiters', async () => {
    const log = new ReceivedLog();
    assert.deepEqual(log.partitionState('0'), { beginSequenceNumber: 0, lastSequenceNumber: -1, lastOffset: '-1' });
    const waiting = log.waitFor(3, 2000);
    const base = { eventHubName: 'es_demo', protocol: 'rest' as const, properties: {}, sender: 'app' };
    log.record({ ...base, partitionId: '0', body: Buffer.from('a') });
    log.record({ ...base, partitionId: '1', body: Buffer.from('bb') });
    const third = log.record({ ...base, partitionId: '0', body: Buffer.from('ccc') });
    assert.equal(third.sequenceNumber, 1);
    assert.equal((await waiting).length, 3);
    assert.equal(log.partitionState('0').lastSequenceNumber, 1);
    assert.equal(log.partitionState('0').lastOffset, '1');
    log.clear();
    assert.equal(log.all().length, 0);
    await assert.rejects(log.waitFor(1, 10), /Expected 1 events/);
  });
});
