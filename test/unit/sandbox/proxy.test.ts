// The sandbox's HTTP CONNECT proxy: real Azure host names of every cloud routed to the peers (and
// verified against the peers' certificate, which names them), loopback passed through, anything
// else 502, Basic credentials demanded on request (407), and peers that accept the real names.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { after, before, beforeEach, describe, it } from 'node:test';
import { probeEndpoint } from '../../../src/core/azure/amqpClient';
import { openTunnel } from '../../../src/core/azure/proxy';
import { sendRest } from '../../../src/core/azure/restSender';
import { createSharedAccessSignature, eventHubResourceUri } from '../../../src/core/azure/sas';
import { CLOUDS } from '../../../src/core/model/cloud';
import { startSandbox } from '../../../src/sandbox/index';
import { routeOfHost } from '../../../src/sandbox/routes';
import type { Sandbox } from '../../../src/sandbox/types';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;

/** CONNECT through the sandbox proxy, then a TLS handshake verified for `host` (Node trusts the sandbox CA via NODE_EXTRA_CA_CERTS). */
async function handshake(host: string, port: number): Promise<{ authorized: boolean; subjectAltName: string }> {
  const socket = await openTunnel({ url: sandbox.urls.proxy }, { host, port });
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, servername: host, host }, () => {
      const cert = secure.getPeerCertificate();
      resolve({ authorized: secure.authorized, subjectAltName: cert.subjectaltname ?? '' });
      secure.end();
    });
    secure.on('error', reject);
  });
}

/** A raw CONNECT: the proxy's status line and headers. */
function rawConnect(target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const proxy = new URL(sandbox.urls.proxy);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: Number(proxy.port), method: 'CONNECT', path: target, headers });
    req.on('connect', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.proxy.clearTunnels();
  sandbox.proxy.allowAnonymous();
  sandbox.faults.clear();
});

describe('sandbox proxy routing', () => {
  for (const cloud of Object.values(CLOUDS)) {
    const authority = new URL(cloud.authorityHost).hostname;
    const targets: [string, number, string][] = [
      [authority, 443, 'entra'],
      [`esf-demo${cloud.keyVaultSuffix}`, 443, 'keyVault'],
      [`eventstream-demo${cloud.eventHubsSuffix}`, 443, 'eventHubs'],
      [`eventstream-demo${cloud.eventHubsSuffix}`, 5671, 'eventHubs'],
    ];
    for (const [host, port, peer] of targets) {
      it(`${cloud.name}: tunnels ${host}:${port} to the ${peer} peer, whose certificate is valid for that name`, async () => {
        const { authorized } = await handshake(host, port);
        assert.equal(authorized, true);
        assert.deepEqual(
          sandbox.proxy.tunnels().map((t) => [t.host, t.port, t.status, t.routedTo]),
          [[host, port, 200, peer]],
        );
      });
    }
  }

  it('passes loopback targets through', async () => {
    const vault = new URL(sandbox.urls.vaultUrl);
    const { authorized } = await handshake('localhost', Number(vault.port));
    assert.equal(authorized, true);
    assert.equal(sandbox.proxy.tunnels()[0]?.routedTo, 'loopback');
  });

  const refused: [string, string][] = [
    ['example.com:443', 'a host it does not stand in for'],
    ['esf-demo.vault.azure.net.example.com:443', 'a look-alike suffix'],
    ['a.b.vault.azure.net:443', 'two labels under the vault suffix (not covered by a wildcard certificate)'],
    ['login.microsoftonline.com:8443', 'an Azure host on a port the service does not use'],
    ['esf-demo.vault.azure.net:5671', 'AMQP port on a vault'],
  ];
  for (const [target, why] of refused) {
    it(`answers 502 Bad Gateway for ${why} (${target})`, async () => {
      const { status } = await rawConnect(target);
      assert.equal(status, 502);
      assert.equal(sandbox.proxy.tunnels()[0]?.status, 502);
    });
  }

  it('answers 400 for a malformed CONNECT target and 405 for a plain request', async () => {
    assert.equal((await rawConnect('no-port-here')).status, 400);
    const proxy = new URL(sandbox.urls.proxy);
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: proxy.hostname, port: Number(proxy.port), path: 'http://example.com/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 405);
  });

  it('demands Basic credentials when asked: 407 with Proxy-Authenticate, then 200 with the right ones', async () => {
    sandbox.proxy.requireCredentials('alice', 's3cret-proxy');
    const missing = await rawConnect('login.microsoftonline.com:443');
    assert.equal(missing.status, 407);
    assert.match(String(missing.headers['proxy-authenticate']), /^Basic realm=/);
    const wrong = await rawConnect('login.microsoftonline.com:443', { 'Proxy-Authorization': `Basic ${Buffer.from('alice:nope').toString('base64')}` });
    assert.equal(wrong.status, 407);
    const right = await rawConnect('login.microsoftonline.com:443', { 'Proxy-Authorization': `Basic ${Buffer.from('alice:s3cret-proxy').toString('base64')}` });
    assert.equal(right.status, 200);
    assert.deepEqual(
      sandbox.proxy.tunnels().map((t) => t.status),
      [407, 407, 200],
    );
  });

  it('the core tunnel reports a 407 as ProxyAuthenticationRequired and a 502 as ProxyConnectFailed', async () => {
    sandbox.proxy.requireCredentials('alice', 's3cret-proxy');
    await assert.rejects(openTunnel({ url: sandbox.urls.proxy }, { host: 'login.microsoftonline.com', port: 443 }), { code: 'ProxyAuthenticationRequired' });
    const withCredentials = new URL(sandbox.urls.proxy);
    withCredentials.username = 'alice';
    withCredentials.password = 's3cret-proxy';
    await assert.rejects(openTunnel({ url: withCredentials.href }, { host: 'example.com', port: 443 }), { code: 'ProxyConnectFailed', message: /502 Bad Gateway/ });
  });
});

describe('peers addressed by their real names through the proxy', () => {
  it('Event Hubs accepts a SAS signed for the real namespace host (REST)', async () => {
    const namespace = 'eventstream-sas1234.servicebus.windows.net';
    assert.equal(routeOfHost(namespace)?.peer, 'eventHubs');
    const result = await sendRest({
      namespace,
      destination: destinationOf(namespace),
      eventHubName: sandbox.world.eventHubName,
      auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key },
      request: { events: [{ body: 'signed for the real name' }] },
      signal: new AbortController().signal,
      proxy: { url: sandbox.urls.proxy },
    });
    assert.equal(result.eventsAccepted, 1);
    assert.equal(sandbox.received.all().at(-1)?.body.toString(), 'signed for the real name');
  });

  it('Event Hubs refuses a SAS signed for one real namespace on a request addressed to another (401 InvalidAudience)', async () => {
    const signature = createSharedAccessSignature({
      resourceUri: eventHubResourceUri('eventstream-other.servicebus.windows.net', sandbox.world.eventHubName),
      keyName: sandbox.world.sas.keyName,
      key: sandbox.world.sas.key,
    });
    await assert.rejects(
      sendRest({
        namespace: 'eventstream-sas1234.servicebus.windows.net', destination: destinationOf('eventstream-sas1234.servicebus.windows.net'),
        eventHubName: sandbox.world.eventHubName,
        auth: { kind: 'sasToken', signature },
        request: { events: [{ body: 'wrong namespace' }] },
        signal: new AbortController().signal,
        proxy: { url: sandbox.urls.proxy },
      }),
      (error: { status?: number; bodyText?: string }) => error.status === 401 && /InvalidAudience/.test(error.bodyText ?? ''),
    );
  });

  it('Event Hubs answers an AMQP probe over WebSockets with a SAS for the real namespace host', async () => {
    const info = await probeEndpoint({
      namespace: 'eventstream-sas1234.servicebus.windows.net', destination: destinationOf('eventstream-sas1234.servicebus.windows.net'),
      eventHubName: sandbox.world.eventHubName,
      auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key },
      signal: new AbortController().signal,
      proxy: { url: sandbox.urls.proxy },
    });
    assert.deepEqual(info.partitionIds, sandbox.world.partitionIds);
    assert.ok(sandbox.proxy.tunnels().some((t) => t.host === 'eventstream-sas1234.servicebus.windows.net' && t.port === 443 && t.status === 200));
  });
});
