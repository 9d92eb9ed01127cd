// The whole flow through an HTTP proxy, with the real public-cloud host names (login.microsoftonline.com,
// {vault}.vault.azure.net, {ns}.servicebus.windows.net): the sandbox proxy routes them to the peers,
// whose certificate names them (trusted through NODE_EXTRA_CA_CERTS, set by the unit-test runner).
// Also AMQP's fallback from a blocked 5671 to WebSockets on 443, and the hosts and ports each stage reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlow } from '../../../src/core/flow/engine';
import { describeAttempts } from '../../../src/core/flow/stages/network';
import type { FlowEvent, FlowServices, SendRequest } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { Sandbox } from '../../../src/sandbox/types';
import { realHostProfile as realHostProfileOf } from '../../shared/realHostProfile';
import { testServices, useSandbox } from './flowFixture';
import { readSecretRaw } from '../../../src/core/azure/keyVaultRaw';
import { explainError } from '../../../src/core/errors/explain';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
let lines: string[];

const VAULT_HOST = 'esf-proxy-demo.vault.azure.net';
const NAMESPACE = 'eventstream-proxy1234.servicebus.windows.net';

const services = (overrides: Partial<FlowServices> = {}): FlowServices => testServices(lines, { stageTimeoutMs: 20_000, ...overrides });

/** The demo world addressed by its real public-cloud names: no authority override, no extra CA in the profile. */
function realHostProfile(protocol: 'rest' | 'amqp', endpoint: Partial<ConnectionProfile['endpoint']> = {}): ConnectionProfile {
  return realHostProfileOf(sandbox.world, { name: 'Through the proxy', hosts: { vault: VAULT_HOST, namespace: NAMESPACE }, protocol, endpoint });
}

const send: SendRequest = { events: [{ body: '{"via":"proxy"}', contentType: 'application/json' }] };

function summaries(events: FlowEvent[]): Record<string, string> {
  return Object.fromEntries(events.flatMap((e) => (e.type === 'stageSucceeded' ? [[e.stage, e.summary]] : [])));
}

useSandbox(
  (started) => (sandbox = started),
  () => {
    lines = [];
    sandbox.received.clear();
    sandbox.proxy.clearTunnels();
    sandbox.proxy.allowAnonymous();
  },
);

describe('the flow through an HTTP proxy, on the real Azure host names', () => {
  it('runs all five stages over REST, each reporting the host, port and proxy it used', async () => {
    const events: FlowEvent[] = [];
    const result = await runFlow(realHostProfile('rest'), services({ proxy: { url: sandbox.urls.proxy } }), { send, onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const tunnels = sandbox.proxy.tunnels();
    assert.deepEqual(
      [...new Set(tunnels.map((t) => `${t.host}:${t.port} → ${t.routedTo} ${t.status}`))].sort(),
      [`${NAMESPACE}:443 → eventHubs 200`, `${VAULT_HOST}:443 → keyVault 200`, 'login.microsoftonline.com:443 → entra 200'].sort(),
    );
    const via = `via proxy ${sandbox.urls.proxy}`;
    const summary = summaries(events);
    assert.match(summary.keyVaultToken ?? '', new RegExp(`from https://login\\.microsoftonline\\.com:443 ${via}`));
    assert.match(summary.readClientId ?? '', new RegExp(`from https://${VAULT_HOST}:443 ${via}`));
    assert.match(summary.send ?? '', new RegExp(`https://${NAMESPACE}:443 ${via}`));
    const [received] = await sandbox.received.waitFor(1);
    assert.equal(received?.body.toString(), '{"via":"proxy"}');
  });

  it('sends over AMQP through the proxy: WebSockets on 443, even when the profile asks for TCP', async () => {
    const events: FlowEvent[] = [];
    const result = await runFlow(realHostProfile('amqp', { amqpTransport: 'tcp' }), services({ proxy: { url: sandbox.urls.proxy } }), {
      send,
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assert.match(summaries(events).send ?? '', new RegExp(`wss://${NAMESPACE}:443/\\$servicebus/websocket via proxy ${sandbox.urls.proxy} ok`));
    assert.ok(sandbox.proxy.tunnels().some((t) => t.host === NAMESPACE && t.port === 443 && t.status === 200));
    assert.ok(lines.some((l) => /AMQP over TCP cannot pass an HTTP proxy/.test(l)));
    assert.equal(sandbox.received.all().at(-1)?.protocol, 'amqp');
  });

  it('fails the first stage with the proxy explained when the proxy wants credentials (407), and never prints them', async () => {
    sandbox.proxy.requireCredentials('proxy-user', 'proxy-pa55word');
    const wrong = `http://proxy-user:wrong-pa55word@${new URL(sandbox.urls.proxy).host}`;
    // The engine registers the proxy's credentials with the redactor itself.
    const svc = services({ proxy: { url: wrong } });
    const events: FlowEvent[] = [];
    const result = await runFlow(realHostProfile('rest'), svc, { send, onEvent: (e) => events.push(e) });
    assert.equal(result.failedStage, 'keyVaultToken');
    const error = result.outcomes.find((o) => o.status === 'failed')?.error;
    assert.equal(error?.code, 'ProxyAuthenticationRequired');
    assert.match(error?.explanation.fix ?? '', /proxy credentials/);
    assert.deepEqual(error?.tried, [`https://login.microsoftonline.com:443 via proxy http://***@${new URL(sandbox.urls.proxy).host} failed (ProxyAuthenticationRequired)`]);
    assert.ok(!JSON.stringify(events).includes('wrong-pa55word'));
    assert.ok(!lines.join('\n').includes('wrong-pa55word'));
    assert.equal(sandbox.proxy.tunnels()[0]?.status, 407);

    // With the right credentials the same run succeeds.
    const ok = await runFlow(realHostProfile('rest'), services({ proxy: { url: `http://proxy-user:proxy-pa55word@${new URL(sandbox.urls.proxy).host}` } }), { send });
    assert.equal(ok.ok, true, JSON.stringify(ok.outcomes));
  });

  it('reads the secrets with the pipeline\'s raw GET and gets the Key Vault token through @azure/identity, both through the proxy', async () => {
    const base = realHostProfile('rest');
    const auth = base.keyVault.auth;
    assert.equal(auth.kind, 'servicePrincipal');
    const profile: ConnectionProfile = { ...base, keyVault: { ...base.keyVault, auth: { ...auth, tokenRequest: 'sdk' } } };
    const result = await runFlow(profile, services({ proxy: { url: sandbox.urls.proxy }, keyVaultApiVersion: '7.0' }), { target: 'readClientSecret' });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const tunnelled = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200).map((t) => t.host));
    assert.ok(tunnelled.has('login.microsoftonline.com') && tunnelled.has(VAULT_HOST), JSON.stringify(sandbox.proxy.tunnels()));
  });

  it('explains a host the proxy cannot reach (502) and names it', async () => {
    // The engine refuses a vault outside the cloud before any request, so the 502 is met one level down.
    const vaultUrl = 'https://vault.example.com/';
    const elsewhere: ConnectionProfile = { ...realHostProfile('rest'), keyVault: { ...realHostProfile('rest').keyVault, vaultUrl } };
    await assert.rejects(runFlow(elsewhere, services({ proxy: { url: sandbox.urls.proxy } }), { target: 'readClientId' }), { field: 'keyVault.vaultUrl' });
    const error = await readSecretRaw({ vaultUrl, destination: destinationOf(vaultUrl), name: 'x', token: 'not-sent', signal: new AbortController().signal, proxy: { url: sandbox.urls.proxy } }).then(
      () => assert.fail('expected the proxy to refuse'),
      (failure: unknown) => explainError(failure, { stage: 'readClientId' }),
    );
    assert.equal(error.code, 'ProxyConnectFailed');
    assert.match(error.message, /vault\.example\.com:443 with 502 Bad Gateway/);
  });

  it('says the proxy itself is unreachable when nothing listens there', async () => {
    const result = await runFlow(realHostProfile('rest'), services({ proxy: { url: 'http://127.0.0.1:9' } }), { target: 'keyVaultToken' });
    const error = result.outcomes.find((o) => o.status === 'failed')?.error;
    assert.equal(error?.code, 'ProxyUnreachable');
    assert.match(error?.explanation.fix ?? '', /HTTPS_PROXY/);
  });

  it('goes direct for hosts in noProxy', async () => {
    const profile = sandbox.profile();
    const result = await runFlow(profile, services({ proxy: { url: 'http://127.0.0.1:9', noProxy: ['localhost'] } }), { send });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
  });
});

describe('AMQP when port 5671 is blocked', () => {
  it('falls back to WebSockets on 443 and reports both attempts', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'amqpPortBlocked' });
    const base = sandbox.profile({ protocol: 'amqp' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: undefined } };
    const events: FlowEvent[] = [];
    const result = await runFlow(profile, services(), { send, onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const summary = summaries(events).send ?? '';
    const ns = sandbox.urls.namespace;
    const port = ns.split(':')[1] ?? '';
    assert.match(summary, new RegExp(`amqps://${ns} failed \\(\\w+\\); wss://${ns}/\\$servicebus/websocket ok — ${port} blocked\\? fell back to WebSockets on ${port}`));
    assert.ok(lines.some((l) => /Falling back to WebSockets on 443/.test(l)));
    assert.equal(sandbox.received.all().length, 1, 'sent once, not twice');
  });

  it('fails with an explanation that suggests WebSockets when the profile pins TCP', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'amqpPortBlocked' });
    const base = sandbox.profile({ protocol: 'amqp' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: 'tcp' } };
    const result = await runFlow(profile, services(), { send });
    assert.equal(result.failedStage, 'send');
    const error = result.outcomes.find((o) => o.status === 'failed')?.error;
    assert.equal(error?.code, 'AmqpTcpUnreachable', JSON.stringify(error));
    assert.deepEqual(error?.tried, [`amqps://${sandbox.urls.namespace} failed (ECONNRESET)`]);
    assert.match(error?.explanation.fix ?? '', /AMQP transport to WebSockets \(port 443\)/);
    assert.equal(sandbox.received.all().length, 0);
  });

  it('does not fall back on an authentication failure', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', match: { protocol: 'amqp' } });
    const base = sandbox.profile({ protocol: 'amqp' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: undefined } };
    const result = await runFlow(profile, services(), { send });
    const error = result.outcomes.find((o) => o.status === 'failed')?.error;
    assert.equal(result.failedStage, 'send');
    assert.deepEqual(error?.tried?.length, 1, JSON.stringify(error?.tried));
  });
});

describe('describeAttempts', () => {
  it('names the ports as tried: 5671 blocked, WebSockets on 443 for a real namespace', () => {
    const text = describeAttempts([
      { transport: 'tcp', endpoint: 'amqps://ns.servicebus.windows.net:5671', ok: false, code: 'ETIMEDOUT' },
      { transport: 'websockets', endpoint: 'wss://ns.servicebus.windows.net:443/$servicebus/websocket', ok: true },
    ]);
    assert.equal(
      text,
      'amqps://ns.servicebus.windows.net:5671 failed (ETIMEDOUT); wss://ns.servicebus.windows.net:443/$servicebus/websocket ok — 5671 blocked? fell back to WebSockets on 443',
    );
  });
});
