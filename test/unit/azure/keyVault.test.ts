import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/core-auth';
import { asTokenCredential, createClientSecretTokenProvider } from '../../../src/core/azure/credentials';
import {
  chooseKeyVaultAuthPath,
  getSecretClient,
  listSecrets,
  listSecretVersions,
  readSecret,
  type KeyVaultRequestEvent,
} from '../../../src/core/azure/keyVault';
import { readSecretRaw, secretUrl } from '../../../src/core/azure/keyVaultRaw';
import { isCancelledError, isHttpResponseError } from '../../../src/core/errors/errors';
import type { Sandbox } from '../../../src/sandbox/types';
import { abortSoon, keyVaultToken, neverAborted, startTestSandbox } from './sandboxFixture';
import { destinationOf } from '../../shared/destination';

void describe('Key Vault', () => {
  let sandbox: Sandbox;
  let events: KeyVaultRequestEvent[] = [];
  const onRequest = (event: KeyVaultRequestEvent): void => {
    events.push(event);
  };

  /** A fresh credential per test: clients are cached per credential, and each test wants its own. */
  const readerCredential = (): TokenCredential =>
    asTokenCredential(
      createClientSecretTokenProvider({
        authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost),
        tenantId: sandbox.world.tenantId,
        clientId: sandbox.world.reader.clientId,
        clientSecret: sandbox.world.reader.clientSecret,
      }),
    );
  const knownScope = () => chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: sandbox.urls.vaultUrl, tenantKnown: true });

  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.faults.clear();
    events = [];
  });

  void it('chooses the known-scope path only when tenant and audience are settled', () => {
    assert.deepEqual(
      { ...chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: 'https://kv1.vault.azure.net/', tenantKnown: true }), reason: '' },
      { kind: 'knownScope', scope: 'https://vault.azure.net/.default', reason: '' },
    );
    assert.equal(chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: 'https://kv1.vault.azure.net/', tenantKnown: false }).kind, 'challenge');
    assert.equal(chooseKeyVaultAuthPath({ cloud: 'china', vaultUrl: 'https://kv1.vault.azure.cn/', tenantKnown: true }).kind, 'challenge');
    assert.equal(chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: 'https://kv1.vault.usgovcloudapi.net/', tenantKnown: true }).kind, 'challenge');
    assert.equal(chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: 'https://localhost:4443/', tenantKnown: true }).kind, 'knownScope');
  });

  void it('SDK, known scope: reads the secret with no unauthenticated request at all', async () => {
    const credential = readerCredential();
    const secret = await readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), name: sandbox.world.secrets.clientIdName, credential, authPath: knownScope(), signal: neverAborted(), onRequest });
    assert.equal(secret.value, sandbox.world.pipeline.clientId);
    assert.equal(secret.name, sandbox.world.secrets.clientIdName);
    assert.match(secret.version, /^[0-9a-f]{32}$/);
    assert.equal(secret.enabled, true);
    assert.equal(secret.contentType, 'text/plain');
    assert.deepEqual(
      events.map((e) => [e.authorized, e.status]),
      [[true, 200]],
    );
    const { authPath } = await getSecretClient({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), credential, authPath: knownScope(), signal: neverAborted(), onRequest });
    assert.equal(authPath.kind, 'knownScope');
  });

  void it('SDK, challenge: the first request is unauthenticated (401), then authorized; the cached client skips it next time', async () => {
    const credential = readerCredential();
    const options = { vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), credential, signal: neverAborted(), onRequest };
    const first = await readSecret({ ...options, name: sandbox.world.secrets.clientSecretName });
    assert.equal(first.value, sandbox.world.pipeline.clientSecret);
    assert.ok(first.expiresOn instanceof Date);
    assert.deepEqual(
      events.map((e) => [e.authorized, e.status]),
      [
        [false, 401],
        [true, 200],
      ],
    );
    events = [];
    await readSecret({ ...options, name: sandbox.world.secrets.clientIdName });
    assert.deepEqual(
      events.map((e) => [e.authorized, e.status]),
      [[true, 200]],
    );
  });

  void it('SDK with the pre-fetched stage-1 token: known scope, one request, client shared by both reads', async () => {
    const token = await keyVaultToken(sandbox);
    const common = { vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, audience: 'https://vault.azure.net', signal: neverAborted(), onRequest };
    const [id, secret] = await Promise.all([
      readSecret({ ...common, name: sandbox.world.secrets.clientIdName }),
      readSecret({ ...common, name: sandbox.world.secrets.clientSecretName }),
    ]);
    assert.equal(id.value, sandbox.world.pipeline.clientId);
    assert.equal(secret.value, sandbox.world.pipeline.clientSecret);
    assert.ok(events.every((e) => e.authorized && e.status === 200));
    assert.equal(events.length, 2);
    const a = await getSecretClient(common);
    const b = await getSecretClient(common);
    assert.equal(a.client, b.client);
  });

  void it('reads a given version, and the pipeline-faithful raw GET (api-version=7.0) agrees with the SDK', async () => {
    const versions = await listSecretVersions({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), name: sandbox.world.secrets.clientSecretName, credential: readerCredential(), authPath: knownScope(), signal: neverAborted() });
    const older = [...versions].sort((x, y) => (x.createdOn?.getTime() ?? 0) - (y.createdOn?.getTime() ?? 0))[0];
    assert.ok(older?.version);
    const token = await keyVaultToken(sandbox);
    const viaSdk = await readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, name: sandbox.world.secrets.clientSecretName, version: older.version, signal: neverAborted() });
    const viaRaw = await readSecretRaw({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token: token.token, name: sandbox.world.secrets.clientSecretName, version: older.version, signal: neverAborted() });
    const viaOption = await readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, name: sandbox.world.secrets.clientSecretName, version: older.version, via: 'pipeline', signal: neverAborted() });
    assert.deepEqual(viaRaw, viaSdk);
    assert.deepEqual(viaOption, viaSdk);
    assert.equal(viaRaw.version, older.version);
    assert.notEqual(viaRaw.value, sandbox.world.pipeline.clientSecret, 'the older version is the rotated-out secret');
    assert.equal(secretUrl('https://kv.vault.azure.net/', 'a b', 'v1', '7.0'), 'https://kv.vault.azure.net/secrets/a%20b/v1?api-version=7.0');
  });

  void it('lists secrets and versions as metadata only', async () => {
    const options = { vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), credential: readerCredential(), authPath: knownScope(), signal: neverAborted() };
    const all = await listSecrets(options);
    const names = all.map((s) => s.name);
    assert.ok(names.includes(sandbox.world.secrets.clientIdName));
    assert.ok(names.includes(sandbox.world.secrets.clientSecretName));
    const disabled = all.find((s) => s.enabled === false);
    assert.ok(disabled, 'the demo vault has a disabled secret');
    assert.ok(all.every((s) => !('value' in s)));
    const versions = await listSecretVersions({ ...options, name: sandbox.world.secrets.clientIdName });
    assert.equal(versions.length, 2);
    assert.ok(versions.every((v) => v.version && /^[0-9a-f]{32}$/.test(v.version) && v.updatedOn instanceof Date));
    assert.ok(versions.some((v) => v.tags?.['app'] === 'esf-pipeline'));
  });

  void it('a missing secret: SDK RestError 404 SecretNotFound, raw HttpResponseError(keyVault, 404)', async () => {
    const token = await keyVaultToken(sandbox);
    await assert.rejects(readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, name: 'no-such-secret', signal: neverAborted() }), (error: Error & { statusCode?: number; code?: string }) => {
      assert.equal(error.name, 'RestError');
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'SecretNotFound');
      return true;
    });
    await assert.rejects(readSecretRaw({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token: token.token, name: 'no-such-secret', signal: neverAborted() }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.service, 'keyVault');
      assert.equal(error.status, 404);
      assert.match(error.bodyText, /SecretNotFound/);
      return true;
    });
  });

  void it('injected faults keep their SDK shape: 403 ForbiddenByRbac, 403 SecretDisabled', async () => {
    const token = await keyVaultToken(sandbox);
    const name = sandbox.world.secrets.clientSecretName;
    sandbox.faults.inject({ peer: 'keyVault', kind: 'missingRole', match: { secretName: name }, times: 1 });
    await assert.rejects(readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, name, signal: neverAborted() }), (error: Error & { statusCode?: number; code?: string }) => {
      assert.equal(error.statusCode, 403);
      assert.match(`${error.code} ${error.message}`, /Forbidden/);
      return true;
    });
    sandbox.faults.inject({ peer: 'keyVault', kind: 'secretDisabled', match: { secretName: name }, times: 1 });
    await assert.rejects(readSecretRaw({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token: token.token, name, signal: neverAborted() }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.status, 403);
      assert.match(error.bodyText, /SecretDisabled/);
      return true;
    });
  });

  void it('a token for the wrong audience is refused with 401 (AKV10022), raw path', async () => {
    const token = await keyVaultToken(sandbox);
    sandbox.faults.inject({ peer: 'keyVault', kind: 'wrongAudience', times: 1 });
    await assert.rejects(readSecretRaw({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token: token.token, name: sandbox.world.secrets.clientIdName, signal: neverAborted() }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.status, 401);
      assert.match(error.bodyText, /AKV10022/);
      return true;
    });
  });

  void it('cancels an SDK read and a raw read when the vault does not answer', async () => {
    const token = await keyVaultToken(sandbox);
    sandbox.faults.inject({ peer: 'keyVault', kind: 'timeout', times: 2 });
    await assert.rejects(readSecret({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token, name: sandbox.world.secrets.clientIdName, signal: abortSoon() }), (error: unknown) => isCancelledError(error));
    await assert.rejects(readSecretRaw({ vaultUrl: sandbox.urls.vaultUrl, destination: destinationOf(sandbox.urls.vaultUrl), token: token.token, name: sandbox.world.secrets.clientIdName, signal: abortSoon() }), (error: unknown) =>
      isCancelledError(error),
    );
  });

  void it('identity and the Key Vault SDK trust the profile CA on their own (no NODE_EXTRA_CA_CERTS for it)', async () => {
    const untrusted = await startTestSandbox({ ownCa: true });
    try {
      const provider = createClientSecretTokenProvider({
        authorityHost: untrusted.urls.authorityHost, destination: destinationOf(untrusted.urls.authorityHost),
        tenantId: untrusted.world.tenantId,
        clientId: untrusted.world.reader.clientId,
        clientSecret: untrusted.world.reader.clientSecret,
        trustedCaPem: untrusted.caPem,
      });
      const secret = await readSecret({
        vaultUrl: untrusted.urls.vaultUrl, destination: destinationOf(untrusted.urls.vaultUrl),
        name: untrusted.world.secrets.clientIdName,
        credential: asTokenCredential(provider),
        authPath: chooseKeyVaultAuthPath({ cloud: 'public', vaultUrl: untrusted.urls.vaultUrl, tenantKnown: true }),
        trustedCaPem: untrusted.caPem,
        signal: neverAborted(),
      });
      assert.equal(secret.value, untrusted.world.pipeline.clientId);
    } finally {
      await untrusted.stop();
    }
  });
});
