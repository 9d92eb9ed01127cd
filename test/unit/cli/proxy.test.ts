// The CLI through an HTTP proxy from HTTPS_PROXY: a profile on the real public-cloud host names
// (login.microsoftonline.com, {vault}.vault.azure.net, {ns}.servicebus.windows.net), the sandbox's
// proxy routing them to its peers; REST and AMQP (WebSockets), the proxy printed without its
// credentials, a 407 explained with the endpoint tried, and the same across processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';
import { realHostProfile, withoutReaderSecret } from '../../shared/realHostProfile';
import { runCli as cli } from './cliRunner';

const root = join(__dirname, '..', '..', '..');
const VAULT_HOST = 'esf-cli-proxy.vault.azure.net';
const NAMESPACE = 'eventstream-cliproxy.servicebus.windows.net';
const PROXY_USER = 'cli-user';
const PROXY_PASSWORD = 'cli-proxy-pa55';

let sandbox: Sandbox;
let profilePath: string;

function proxyUrl(password = PROXY_PASSWORD): string {
  return `http://${PROXY_USER}:${password}@${new URL(sandbox.urls.proxy).host}`;
}

function envWith(proxy: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: proxy, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
  delete env.NO_PROXY;
  delete env.no_proxy;
  delete env.https_proxy;
  return env;
}

function assertNothingSecret(text: string): void {
  assert.ok(!text.includes(PROXY_PASSWORD), 'the proxy password leaked');
  assert.ok(!text.includes(sandbox.world.reader.clientSecret), 'the client secret leaked');
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
}

before(async () => {
  sandbox = await startSandbox();
  // No secret in the file: the reader's secret comes from EVENTSTREAM_FLOW_CLIENT_SECRET.
  const profile = withoutReaderSecret(realHostProfile(sandbox.world, { name: 'CLI through the proxy', hosts: { vault: VAULT_HOST, namespace: NAMESPACE } }));
  profilePath = join(await mkdtemp(join(tmpdir(), 'esf-cli-proxy-')), 'profile.json');
  await writeFile(profilePath, JSON.stringify(profile, null, 2));
});
after(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.proxy.clearTunnels();
  sandbox.proxy.requireCredentials(PROXY_USER, PROXY_PASSWORD);
  sandbox.faults.clear();
});

describe('eventstream-flow with HTTPS_PROXY', () => {
  it('runs the flow over REST through the proxy on the real host names and says which proxy it used', async () => {
    const { code, out, err } = await cli(['run', '--profile', profilePath], envWith(proxyUrl()));
    assert.equal(code, 0, out + err);
    assert.match(out, new RegExp(`Proxy: http://\\*\\*\\*@${new URL(sandbox.urls.proxy).host} \\(from HTTPS_PROXY\\)`));
    assert.match(out, /from https:\/\/login\.microsoftonline\.com:443 via proxy http:\/\/\*\*\*@/);
    assert.match(out, new RegExp(`https://${NAMESPACE}:443 via proxy`));
    const hosts = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200).map((t) => t.host));
    assert.deepEqual([...hosts].sort(), [NAMESPACE, VAULT_HOST, 'login.microsoftonline.com'].sort());
    assertNothingSecret(out + err);
  });

  it('sends over AMQP through the proxy: WebSockets on 443', async () => {
    const before = sandbox.received.all().length;
    const { code, out, err } = await cli(['send', '--profile', profilePath, '--protocol', 'amqp', '--body', '{"cli":"amqp via proxy"}'], envWith(proxyUrl()));
    assert.equal(code, 0, out + err);
    assert.match(out, new RegExp(`wss://${NAMESPACE}:443/\\$servicebus/websocket via proxy http://\\*\\*\\*@[\\d.:]+ ok`));
    const events = await sandbox.received.waitFor(before + 1);
    assert.equal(events.at(-1)?.protocol, 'amqp');
    assertNothingSecret(out + err);
  });

  it('explains a 407 with the endpoint and proxy tried, and exits with the first stage code', async () => {
    const { code, out, err } = await cli(['run', '--profile', profilePath], envWith(proxyUrl('not-the-password')));
    assert.equal(code, 11, out + err);
    assert.match(out, /ProxyAuthenticationRequired/);
    assert.match(out, /Tried:\s+https:\/\/login\.microsoftonline\.com:443 via proxy http:\/\/\*\*\*@[\d.:]+ failed \(ProxyAuthenticationRequired\)/);
    assert.match(out, /proxy credentials/);
    assert.ok(!(out + err).includes('not-the-password'), 'the wrong password is a secret too');
    assertNothingSecret(out + err);
  });

  it('works the same in a separate process', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'run', '--profile', profilePath, '--json'], {
      cwd: root,
      env: envWith(proxyUrl()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, out + err);
    const result = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; ok?: boolean })
      .at(-1);
    assert.equal(result?.ok, true);
    assert.ok(sandbox.proxy.tunnels().some((t) => t.host === 'login.microsoftonline.com' && t.status === 200));
    assertNothingSecret(out + err);
  });
});

describe('eventstream-flow when port 5671 is blocked', () => {
  const noProxyEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    for (const name of ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']) {
      delete env[name];
    }
    return env;
  };

  it('falls back to WebSockets on 443 and reports both endpoints tried (--fault send:amqpPortBlocked)', async () => {
    const { code, out, err } = await cli(['send', '--protocol', 'amqp', '--fault', 'send:amqpPortBlocked', '--body', '{"blocked":5671}'], noProxyEnv());
    assert.equal(code, 0, out + err);
    assert.match(out, /amqps:\/\/localhost:(\d+) failed \(ECONNRESET\); wss:\/\/localhost:\1\/\$servicebus\/websocket ok — \1 blocked\? fell back to WebSockets on \1/);
  });

  it('fails with exit 15 and suggests WebSockets when the profile pins tcp', async () => {
    const demo = sandbox.world;
    const pinned = {
      id: randomUUID(),
      name: 'Pinned TCP',
      cloud: 'public',
      authorityHost: sandbox.urls.authorityHost,
      keyVault: {
        vaultUrl: sandbox.urls.vaultUrl,
        auth: { kind: 'servicePrincipal', tenantId: demo.tenantId, clientId: demo.reader.clientId, tokenRequest: 'pipeline' },
        clientIdSecret: { name: demo.secrets.clientIdName },
        clientSecretSecret: { name: demo.secrets.clientSecretName },
      },
      eventHubsToken: { tenantId: demo.tenantId, endpointVersion: 'v1' },
      endpoint: { namespace: sandbox.urls.namespace, eventHubName: demo.eventHubName, auth: { kind: 'entra' }, protocol: 'amqp', amqpTransport: 'tcp' },
    };
    const path = join(await mkdtemp(join(tmpdir(), 'esf-cli-pinned-')), 'profile.json');
    await writeFile(path, JSON.stringify(pinned));
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'amqpPortBlocked' });
    const { code, out, err } = await cli(['send', '--profile', path, '--body', '{"never":"sent"}'], noProxyEnv());
    assert.equal(code, 15, out + err);
    assert.match(out, /AmqpTcpUnreachable/);
    assert.match(out, /Fix: {3}Set the profile's AMQP transport to WebSockets \(port 443\)/);
    assert.match(out, new RegExp(`Tried: amqps://${sandbox.urls.namespace} failed \\(ECONNRESET\\)`));
    assertNothingSecret(out + err);
  });
});
