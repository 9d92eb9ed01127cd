// VS Code's proxy setting: with `http.proxy` pointing at the sandbox's CONNECT proxy, the flow's
// requests go through it (the proxy records each tunnel), on the sandbox profile's loopback hosts
// and on a profile with the real public-cloud host names (routed by the proxy to the peers, trusted
// through NODE_EXTRA_CA_CERTS, which the harness passes to the host). A proxy that wants
// credentials fails the first stage with the proxy named and explained.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { Sandbox } from '../../../src/sandbox/types';
import { realHostProfile } from '../../shared/realHostProfile';
import { ensureSandbox, freshState, getApi, SANDBOX_PROFILE_ID, setHttpProxy } from './helpers';

const VAULT_HOST = 'esf-host-proxy.vault.azure.net';
const NAMESPACE = 'eventstream-hostproxy.servicebus.windows.net';

describe('VS Code http.proxy', () => {
  let api: ExtensionApi;
  let sandbox: Sandbox;
  const saved: string[] = [];
  before(async () => {
    api = await getApi();
    sandbox = await ensureSandbox(api);
    await freshState(api);
  });
  afterEach(() => {
    sandbox.proxy.allowAnonymous();
    sandbox.proxy.clearTunnels();
  });
  after(async () => {
    await setHttpProxy(undefined);
    for (const id of saved) {
      await api.services.profiles.delete(id);
    }
    await freshState(api);
  });

  it('refuses a malformed http.proxy before any stage, naming the setting and the fix', async () => {
    await setHttpProxy('socks5://alice:s3cret-Pa55@127.0.0.1:1080');
    await assert.rejects(api.services.flows.run(SANDBOX_PROFILE_ID, { target: 'keyVaultToken', showProgress: false }), (error: Error & { field?: string; fix?: string }) => {
      assert.equal(error.field, 'http.proxy');
      assert.match(error.message, /uses the scheme socks5:\/\/, which is not an HTTP proxy/);
      assert.match(error.fix ?? '', /Set http\.proxy to http:\/\/host:port/);
      assert.ok(!error.message.includes('s3cret-Pa55'), 'the proxy password leaked');
      return true;
    });
    await setHttpProxy(undefined);
  });

  it('sends the sandbox flow through the proxy in http.proxy (the proxy saw each tunnel)', async () => {
    await setHttpProxy(sandbox.urls.proxy);
    await freshState(api);
    sandbox.proxy.clearTunnels();
    await vscode.commands.executeCommand(COMMANDS.runFlow, SANDBOX_PROFILE_ID);
    const flow = api.services.results.lastFlow(SANDBOX_PROFILE_ID);
    assert.equal(flow?.ok, true, JSON.stringify(flow?.outcomes));
    const ports = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200 && t.routedTo === 'loopback').map((t) => t.port));
    for (const url of [sandbox.urls.authorityHost, sandbox.urls.vaultUrl, `https://${sandbox.urls.namespace}`]) {
      assert.ok(ports.has(Number(new URL(url).port)), `a tunnel to ${url} in ${JSON.stringify(sandbox.proxy.tunnels())}`);
    }
    const send = api.services.results.get(SANDBOX_PROFILE_ID, 'send');
    assert.match(send?.summary ?? '', new RegExp(`via proxy ${sandbox.urls.proxy.replace(/\./g, '\\.')}`));
  });

  it('reaches the real public-cloud host names through the proxy, AMQP over WebSockets included', async () => {
    await setHttpProxy(sandbox.urls.proxy);
    const profile = realHostProfile(sandbox.world, {
      id: `proxy-${randomUUID()}`,
      name: 'Real hosts through the proxy',
      hosts: { vault: VAULT_HOST, namespace: NAMESPACE },
      protocol: 'amqp',
    });
    await api.services.profiles.save(profile);
    saved.push(profile.id);
    sandbox.proxy.clearTunnels();
    const result = await api.services.flows.run(profile.id, { target: 'send', send: { events: [{ body: '{"from":"the editor, via the proxy"}' }] }, showProgress: false });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const routed = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200).map((t) => `${t.host}:${t.port}>${t.routedTo}`));
    assert.deepEqual([...routed].sort(), [`${NAMESPACE}:443>eventHubs`, `${VAULT_HOST}:443>keyVault`, 'login.microsoftonline.com:443>entra'].sort());
    assert.match(result.outcomes.find((o) => o.stage === 'send')?.summary ?? '', /wss:\/\/eventstream-hostproxy\.servicebus\.windows\.net:443\/\$servicebus\/websocket via proxy/);
  });

  it('goes direct for hosts in http.noProxy', async () => {
    await setHttpProxy(sandbox.urls.proxy);
    const http = vscode.workspace.getConfiguration('http');
    await http.update('noProxy', ['localhost'], vscode.ConfigurationTarget.Global);
    try {
      await freshState(api);
      sandbox.proxy.clearTunnels();
      const result = await api.services.flows.run(SANDBOX_PROFILE_ID, { target: 'keyVaultToken', showProgress: false });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      assert.deepEqual(sandbox.proxy.tunnels(), []);
      assert.doesNotMatch(result.outcomes[0]?.summary ?? '', /via proxy/);
    } finally {
      await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('explains a proxy that wants credentials (407) on the first stage, naming the proxy', async () => {
    await setHttpProxy(sandbox.urls.proxy);
    await freshState(api);
    sandbox.proxy.requireCredentials('host-user', 'host-proxy-secret');
    const result = await api.services.flows.run(SANDBOX_PROFILE_ID, { target: 'keyVaultToken', showProgress: false });
    const failed = result.outcomes.find((o) => o.status === 'failed');
    assert.equal(failed?.stage, 'keyVaultToken');
    assert.equal(failed?.error?.code, 'ProxyAuthenticationRequired');
    assert.match(failed?.error?.tried?.[0] ?? '', /via proxy http:\/\/127\.0\.0\.1:\d+ failed \(ProxyAuthenticationRequired\)/);
    assert.equal(sandbox.proxy.tunnels()[0]?.status, 407);
  });
});
