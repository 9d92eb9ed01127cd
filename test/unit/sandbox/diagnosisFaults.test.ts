// The sandbox faults added for diagnosis: each peer answers as Azure does (status, body shape,
// verbatim text) and only for the requests the fault targets; the profile faults make the
// sandbox profile wrong the way users get it wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StageId } from '../../../src/core/flow/types';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { startSandbox } from '../../../src/sandbox/index';
import { applyProfileFault, faultForStage, UNRESOLVABLE_NAMESPACE } from '../../../src/sandbox/stageFaults';
import type { FaultKind, Sandbox } from '../../../src/sandbox/types';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox.stop();
});

function token(resource: string, who: { clientId: string; clientSecret: string } = sandbox.world.reader): Promise<SimpleResponse> {
  return httpsRequest(`${sandbox.urls.authorityHost}/${sandbox.world.tenantId}/oauth2/token`, {
    method: 'POST',
    ca: sandbox.caPem,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: who.clientId, client_secret: who.clientSecret, resource }).toString(),
  });
}

async function vaultToken(): Promise<string> {
  const res = await token('https://vault.azure.net');
  assert.equal(res.status, 200, res.text);
  return String(res.json()['access_token']);
}

function readSecret(name: string, bearer: string): Promise<SimpleResponse> {
  return httpsRequest(`${sandbox.urls.vaultUrl}secrets/${name}?api-version=7.0`, { ca: sandbox.caPem, headers: { authorization: `Bearer ${bearer}` } });
}

/** Runs `check` while the fault aimed at `stage` is injected, and clears it even when a check fails. */
async function withStageFault(stage: StageId, kind: FaultKind, check: () => Promise<void>): Promise<void> {
  const id = sandbox.faults.inject(faultForStage(stage, kind, sandbox.world));
  try {
    await check();
  } finally {
    sandbox.faults.clear(id);
  }
}

const kvError = (res: SimpleResponse): { code: string; message: string; innererror?: { code: string } } =>
  res.json<{ error: { code: string; message: string; innererror?: { code: string } } }>().error;

void describe('diagnosis faults on the peers', () => {
  void it('defaultScopeAsResource: Entra answers 500011 naming the resource with /.default, only for the stage it targets', async () => {
    await withStageFault('eventHubsToken', 'defaultScopeAsResource', async () => {
      assert.equal((await token('https://vault.azure.net')).status, 200, 'stage 1 unaffected');
      const res = await token('https://eventhubs.azure.net', sandbox.world.pipeline);
      assert.equal(res.status, 400);
      const body = res.json<{ error: string; error_codes: number[]; error_description: string }>();
      assert.equal(body.error, 'invalid_resource');
      assert.deepEqual(body.error_codes, [500011]);
      assert.match(body.error_description, /^AADSTS500011: The resource principal named https:\/\/eventhubs\.azure\.net\/\.default was not found in the tenant named /);
    });
  });

  void it('tokenFromOtherTenant: 401 AKV10032 with the vault tenant expected and another found', async () => {
    const bearer = await vaultToken();
    await withStageFault('readClientId', 'tokenFromOtherTenant', async () => {
      const res = await readSecret(sandbox.world.secrets.clientIdName, bearer);
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer authorization="https:\/\/login\.microsoftonline\.com\//);
      const error = kvError(res);
      assert.equal(error.code, 'Unauthorized');
      assert.match(error.message, new RegExp(`^AKV10032: Invalid issuer\\. Expected one of https://sts\\.windows\\.net/${sandbox.world.tenantId}/, .* found https://sts\\.windows\\.net/(?!${sandbox.world.tenantId})[0-9a-f-]{36}/\\.$`));
      assert.equal((await readSecret(sandbox.world.secrets.clientSecretName, bearer)).status, 200, 'only the targeted secret');
    });
  });

  void it('blockedByFirewall: 403 Forbidden/ForbiddenByFirewall naming the client address, which x-ms-keyvault-network-info repeats', async () => {
    const bearer = await vaultToken();
    await withStageFault('readClientId', 'blockedByFirewall', async () => {
      const res = await readSecret(sandbox.world.secrets.clientIdName, bearer);
      assert.equal(res.status, 403);
      const error = kvError(res);
      assert.equal(error.code, 'Forbidden');
      assert.equal(error.innererror?.code, 'ForbiddenByFirewall');
      const lines = error.message.split('\r\n');
      assert.equal(lines[0], 'Client address is not authorized and caller is not a trusted service.');
      const address = /^Client address: (\S+)$/.exec(lines[1] ?? '')?.[1];
      assert.ok(address === '127.0.0.1' || address === '::1', lines[1]);
      assert.match(lines[2] ?? '', /^Caller: appid=[0-9a-f-]{36};oid=[0-9a-f-]{36};iss=https:\/\/sts\.windows\.net\//);
      assert.match(lines[3] ?? '', /^Vault: kv-esf-[0-9a-f]{4};location=westeurope$/);
      assert.match(String(res.headers['x-ms-keyvault-network-info']), new RegExp(`addr=${address?.replace(/\./g, '\\.')};`));
    });
  });

  void it('secretIdStored: the client-secret secret reads as a GUID, and Entra then refuses it with 7000215', async () => {
    const bearer = await vaultToken();
    await withStageFault('eventHubsToken', 'secretIdStored', async () => {
      const read = await readSecret(sandbox.world.secrets.clientSecretName, bearer);
      assert.equal(read.status, 200);
      const value = String(read.json()['value']);
      assert.match(value, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const res = await token('https://eventhubs.azure.net', { clientId: sandbox.world.pipeline.clientId, clientSecret: value });
      assert.equal(res.status, 401);
      assert.match(res.json<{ error_description: string }>().error_description, /^AADSTS7000215: .*client secret value, not the client secret ID/);
    });
  });

  void it('untrustedCertificate: new connections see another CA until the fault is cleared', async () => {
    const id = sandbox.faults.inject(faultForStage('keyVaultToken', 'untrustedCertificate', sandbox.world));
    await assert.rejects(token('https://vault.azure.net'), (error: NodeJS.ErrnoException) => /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/.test(error.code ?? ''));
    sandbox.faults.clear(id);
    assert.equal((await token('https://vault.azure.net')).status, 200);
  });
});

void describe('profile faults', () => {
  void it('swap the client id for the tenant id, use the Listen-only SAS rule, or point at a .invalid namespace', () => {
    const profile = sandbox.profile();
    const swapped = applyProfileFault('clientIdIsTenantId', profile, sandbox.world);
    assert.equal(swapped.keyVault.auth.kind === 'servicePrincipal' && swapped.keyVault.auth.clientId, sandbox.world.tenantId);
    const listen = applyProfileFault('sasWithoutSend', profile, sandbox.world);
    assert.deepEqual(listen.endpoint.auth, { kind: 'sas', keyName: sandbox.world.listenOnlySas.keyName, key: sandbox.world.listenOnlySas.key });
    assert.notEqual(sandbox.world.listenOnlySas.keyName, sandbox.world.sas.keyName);
    const dns = applyProfileFault('unresolvableHost', profile, sandbox.world);
    assert.equal(dns.endpoint.namespace, UNRESOLVABLE_NAMESPACE);
    assert.match(UNRESOLVABLE_NAMESPACE, /\.invalid$/);
    assert.equal(dns.trustedCaPem, undefined, 'an extra CA is only for loopback hosts');
  });
});
