// Issue #11: the CLI asks only for the secrets the planned stages need. A profile that sends with a
// SAS key or a connection string skips stages 1–4, so it must run without the Key Vault reader's
// secret; a run that stops before the send (test kv-token) does not need the endpoint's key.
// Each case runs the real CLI (`src/cli/index.ts` in a child process, no terminal) against a sandbox.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { secretsNeeded } from '../../../src/core/flow/plan';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';

const root = new URL('../../../', import.meta.url).pathname;
const SECRET_VARS = [
  'EVENTSTREAM_FLOW_CLIENT_SECRET',
  'EVENTSTREAM_FLOW_SAS_KEY',
  'EVENTSTREAM_FLOW_CONNECTION_STRING',
  'EVENTSTREAM_FLOW_READ_BACK_SAS_KEY',
  'EVENTSTREAM_FLOW_READ_BACK_CONNECTION_STRING',
];

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** The CLI as a user runs it: its own process, stdin not a terminal (so nothing can be prompted). */
function cli(args: string[], secrets: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...secrets };
  for (const name of SECRET_VARS) {
    if (!(name in secrets)) {
      delete env[name];
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('the CLI asks only for the secrets the plan needs (#11)', () => {
  let sandbox: Sandbox;
  let dir: string;
  let base: ConnectionProfile;

  before(async () => {
    sandbox = await startSandbox();
    dir = await mkdtemp(join(tmpdir(), 'esf-needed-'));
    base = sandbox.profile({ name: 'Needs' });
  });
  after(async () => {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A profile file as Export Profile writes it: no secret values in it. */
  async function profileFile(name: string, endpointAuth: ConnectionProfile['endpoint']['auth'], protocol: 'rest' | 'amqp' = 'rest'): Promise<string> {
    const auth = base.keyVault.auth.kind === 'servicePrincipal' ? { ...base.keyVault.auth, clientSecret: '' } : base.keyVault.auth;
    const profile: ConnectionProfile = { ...base, name, keyVault: { ...base.keyVault, auth }, endpoint: { ...base.endpoint, auth: endpointAuth, protocol } };
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(profile));
    return path;
  }

  function connectionString(): string {
    const { keyName, key } = sandbox.world.sas;
    return `Endpoint=sb://${base.endpoint.namespace}/;SharedAccessKeyName=${keyName};SharedAccessKey=${key};EntityPath=${base.endpoint.eventHubName}`;
  }

  function assertNoSecret(run: Run): void {
    const text = run.out + run.err;
    for (const secret of [sandbox.world.sas.key, sandbox.world.reader.clientSecret]) {
      assert.ok(!text.includes(secret), 'a secret was printed');
    }
  }

  it('the plan names what each target reads', () => {
    const sas: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: 'k', key: '' } } };
    assert.deepEqual(secretsNeeded('send', sas), { keyVaultReader: false, endpoint: true });
    assert.deepEqual(secretsNeeded('probe', sas), { keyVaultReader: false, endpoint: true });
    assert.deepEqual(secretsNeeded('keyVaultToken', sas), { keyVaultReader: true, endpoint: false });
    assert.deepEqual(secretsNeeded('send', base), { keyVaultReader: true, endpoint: false });
    const cli: ConnectionProfile = { ...base, keyVault: { ...base.keyVault, auth: { kind: 'azureCli' } } };
    assert.deepEqual(secretsNeeded('send', cli), { keyVaultReader: false, endpoint: false });
  });

  it('a SAS-key profile sends without EVENTSTREAM_FLOW_CLIENT_SECRET (REST), stages 1–4 not needed', async () => {
    const path = await profileFile('sas', { kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' });
    const run = await cli(['run', '--profile', path], { EVENTSTREAM_FLOW_SAS_KEY: sandbox.world.sas.key });
    assert.equal(run.code, 0, run.out + run.err);
    assert.doesNotMatch(run.err, /EVENTSTREAM_FLOW_CLIENT_SECRET/);
    assert.match(run.out, /Key Vault token\s+not needed/i);
    assert.match(run.out, /✔ Send event/);
    assertNoSecret(run);
  });

  it('a connection-string profile sends over AMQP without EVENTSTREAM_FLOW_CLIENT_SECRET', async () => {
    const path = await profileFile('cs', { kind: 'connectionString', connectionString: '' }, 'amqp');
    const run = await cli(['send', '--profile', path], { EVENTSTREAM_FLOW_CONNECTION_STRING: connectionString() });
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /✔ Send event/);
    assertNoSecret(run);
  });

  it('the probe of a SAS-key profile needs only the key', async () => {
    const path = await profileFile('probe', { kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' }, 'amqp');
    const run = await cli(['test', 'probe', '--profile', path], { EVENTSTREAM_FLOW_SAS_KEY: sandbox.world.sas.key });
    assert.equal(run.code, 0, run.out + run.err);
    assertNoSecret(run);
  });

  it('test kv-token of a SAS-key or connection-string profile needs the reader secret, not the endpoint key', async () => {
    for (const auth of [{ kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' }, { kind: 'connectionString', connectionString: '' }] as const) {
      const path = await profileFile(`kv-${auth.kind}`, auth);
      const run = await cli(['test', 'kv-token', '--profile', path], { EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret });
      assert.equal(run.code, 0, `${auth.kind}: ${run.out}${run.err}`);
      assert.match(run.out, /✔ Key Vault token/);
      assertNoSecret(run);
    }
  });

  it('still asks for what the plan does need: the SAS key of a send, the reader secret of an Entra send (exit 2, nothing sent)', async () => {
    const sas = await profileFile('sas-missing', { kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' });
    const noKey = await cli(['run', '--profile', sas], {});
    assert.equal(noKey.code, 2, noKey.out + noKey.err);
    assert.match(noKey.err, /EVENTSTREAM_FLOW_SAS_KEY: The SAS key is not set\./);
    assert.doesNotMatch(noKey.err, /CLIENT_SECRET/);
    const entra = await profileFile('entra-missing', { kind: 'entra' });
    const noReader = await cli(['run', '--profile', entra], {});
    assert.equal(noReader.code, 2, noReader.out + noReader.err);
    assert.match(noReader.err, /EVENTSTREAM_FLOW_CLIENT_SECRET: The Key Vault reader client secret is not set\./);
  });
});
