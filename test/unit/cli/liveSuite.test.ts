// `npm run test:live` (issue #11): without its variables it says what it needs and exits 0 with
// "skipped"; pointed at the local sandbox's endpoints and CA, it runs every check for real and its
// output holds no secret, token or signature (it passes the redactor unchanged).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redactor } from '../../../src/core/logging/redact';
import { startSandbox } from '../../../src/sandbox/index';

const root = new URL('../../../', import.meta.url).pathname;

function npmRunLive(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'test:live'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run test:live', () => {
  it('with an empty environment: says what it needs, "skipped", exit 0', async () => {
    const { code, out } = await npmRunLive({ PATH: process.env.PATH ?? '' });
    assert.equal(code, 0, out);
    assert.match(out, /skipped/);
    assert.match(out, /ESF_LIVE_TENANT_ID/);
    assert.match(out, /Key Vault Secrets User/);
    assert.match(out, /Azure Event Hubs Data Sender/);
  });

  it('pointed at the sandbox: every stage, REST and AMQP, read back, inspection and SecretNotFound; nothing secret printed', async () => {
    const sandbox = await startSandbox();
    const dir = await mkdtemp(join(tmpdir(), 'esf-live-test-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, sandbox.caPem);
      const profile = sandbox.profile({ name: 'live' });
      const auth = profile.keyVault.auth;
      assert.equal(auth.kind, 'servicePrincipal');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: caFile,
        ESF_LIVE_TENANT_ID: sandbox.world.tenantId,
        ESF_LIVE_AUTHORITY_HOST: sandbox.urls.authorityHost,
        ESF_LIVE_CA_FILE: caFile,
        ESF_LIVE_VAULT_URL: sandbox.urls.vaultUrl,
        ESF_LIVE_CLIENT_ID_SECRET: profile.keyVault.clientIdSecret.name,
        ESF_LIVE_CLIENT_SECRET_SECRET: profile.keyVault.clientSecretSecret.name,
        ESF_LIVE_READER_CLIENT_ID: sandbox.world.reader.clientId,
        ESF_LIVE_READER_CLIENT_SECRET: sandbox.world.reader.clientSecret,
        ESF_LIVE_NAMESPACE: sandbox.urls.namespace,
        ESF_LIVE_EVENT_HUB: sandbox.world.eventHubName,
        ESF_LIVE_CONSUMER_GROUP: '$Default',
        ESF_LIVE_TIMEOUT: '30',
      };
      const { code, out } = await npmRunLive(env);
      assert.equal(code, 0, out);
      for (const check of ['run, REST', 'send, AMQP', 'read back ($Default)', 'probe ($management)', 'inspect Key Vault token', 'inspect Event Hubs token', 'explained failure: wrong secret name', 'secret hygiene']) {
        assert.ok(out.includes(`✔ ${check}`), `${check} not passed:\n${out}`);
      }
      assert.match(out, /Key Vault token\s+succeeded\s+\d+ ms/);
      assert.match(out, /Read client id\s+failed SecretNotFound/);
      assert.match(out, /Read back\s+matched\s+end-to-end \d+ ms/);
      assert.match(out, /test:live passed: 8 checks\./);
      // Every secret the sandbox holds: the output is what the redactor would leave it.
      const secrets = [sandbox.world.reader.clientSecret, sandbox.world.pipeline.clientSecret, sandbox.world.pipeline.clientId, sandbox.world.sas.key];
      assert.equal(new Redactor(secrets).redact(out), out, 'the output held a secret');
      assert.doesNotMatch(out, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    } finally {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
