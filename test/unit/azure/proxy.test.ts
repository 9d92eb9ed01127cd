// The core's proxy plumbing without a sandbox: which hosts go through the proxy (NO_PROXY forms),
// settings from the environment, credentials kept out of every description, the tunnel's own
// failures (proxy down, proxy silent), and how the one explanation table reads them.
import assert from 'node:assert/strict';
import type { Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeEndpoint, describeProxy, openTunnel, parseNoProxy, proxyFromEnvironment, proxySecrets, shouldProxy } from '../../../src/core/azure/proxy';
import { explainError, formatExplainedError } from '../../../src/core/errors/explain';
import { createCertificateAuthority, issueServerCertificate, loadCaFromEnv } from '../../../src/sandbox/ca';
import { startTlsConnectProxy } from './tlsConnectProxy';

describe('shouldProxy', () => {
  const proxy = (noProxy: string[]) => ({ url: 'http://proxy:3128', noProxy });

  it('proxies nothing without settings, and every host (loopback included) without a noProxy list', () => {
    assert.equal(shouldProxy(undefined, 'kv.vault.azure.net', 443), false);
    assert.equal(shouldProxy({ url: 'http://proxy:3128' }, 'kv.vault.azure.net', 443), true);
    assert.equal(shouldProxy({ url: 'http://proxy:3128' }, 'localhost', 8443), true);
  });

  const cases: [string[], string, number, boolean][] = [
    [['*'], 'anything.example', 443, false],
    [['vault.azure.net'], 'vault.azure.net', 443, false],
    [['vault.azure.net'], 'kv.vault.azure.net', 443, false],
    [['vault.azure.net'], 'kvvault.azure.net', 443, true],
    [['.vault.azure.net'], 'kv.vault.azure.net', 443, false],
    [['*.vault.azure.net'], 'kv.vault.azure.net', 443, false],
    [['servicebus.windows.net:5671'], 'ns.servicebus.windows.net', 5671, false],
    [['servicebus.windows.net:5671'], 'ns.servicebus.windows.net', 443, true],
    [['127.0.0.1'], '127.0.0.1', 443, false],
    [['127.0.0.1'], '127.0.0.2', 443, true],
    [['[::1]'], '::1', 443, false],
    [['localhost'], 'localhost', 443, false],
    // Issue #13: the forms curl and the Azure SDKs accept, which used to be ignored (the request then went through the proxy).
    [['::1'], '::1', 443, false],
    [['::1'], '[::1]', 8443, false],
    [['::1'], '::2', 443, true],
    [['0:0:0:0:0:0:0:1'], '::1', 443, false],
    [['[::1]:8443'], '::1', 8443, false],
    [['[::1]:8443'], '::1', 443, true],
    [['127.0.0.0/8'], '127.0.0.1', 443, false],
    [['127.0.0.0/8'], '127.255.0.9', 8443, false],
    [['127.0.0.0/8'], '128.0.0.1', 443, true],
    [['10.0.0.0/8'], '10.1.2.3', 443, false],
    [['10.0.0.0/8'], '11.1.2.3', 443, true],
    [['10.0.0.0/8'], 'ten.example', 443, true],
    [['192.168.1.0/24'], '192.168.1.77', 443, false],
    [['192.168.1.0/24'], '192.168.2.77', 443, true],
    [['::1/128'], '::1', 443, false],
    [['::1/128'], '[::1]', 443, false],
    [['::1/128'], '::2', 443, true],
    [['fd00::/8'], 'fd12:3456::1', 443, false],
    [['10.0.0.0/40'], '10.0.0.1', 443, true],
    [['example.com.'], 'example.com', 443, false],
    [['example.com.'], 'kv.example.com', 443, false],
    [['example.com'], 'example.com.', 443, false],
    [['example.com'], 'kv.example.com.', 443, false],
    [['.example.com.'], 'kv.example.com', 443, false],
    [['example.com.:8443'], 'example.com', 8443, false],
    [['example.com.:8443'], 'example.com', 443, true],
    [['https://example.com'], 'example.com', 443, false],
    [['https://example.com'], 'kv.example.com', 8443, false],
    [['https://example.com/'], 'example.com', 443, false],
    [['HTTPS://Example.COM'], 'example.com', 443, false],
    [['http://host:8080'], 'host', 8080, false],
    [['http://host:8080'], 'host', 443, true],
    [['http://[::1]:8080'], '::1', 8080, false],
    [['http://127.0.0.1'], '127.0.0.1', 443, false],
    [['https://example.com'], 'notexample.com', 443, true],
  ];
  for (const [noProxy, host, port, expected] of cases) {
    it(`${expected ? 'proxies' : 'bypasses'} ${host}:${port} with NO_PROXY=${noProxy.join(',')}`, () => {
      assert.equal(shouldProxy(proxy(noProxy), host, port), expected);
    });
  }
});

describe('proxy settings from the environment', () => {
  it('reads HTTPS_PROXY, then https_proxy, then ALL_PROXY, with NO_PROXY', () => {
    assert.deepEqual(proxyFromEnvironment({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'localhost, .corp.example' }), {
      url: 'http://p:3128',
      source: 'HTTPS_PROXY',
      noProxy: ['localhost', '.corp.example'],
    });
    assert.equal(proxyFromEnvironment({ https_proxy: 'http://q:8080' })?.source, 'https_proxy');
    assert.equal(proxyFromEnvironment({ ALL_PROXY: 'http://r:1' })?.url, 'http://r:1');
    assert.equal(proxyFromEnvironment({}), undefined);
    assert.equal(proxyFromEnvironment({ HTTPS_PROXY: '  ' }), undefined);
  });

  it('accepts host:port without a scheme, as curl does', () => {
    assert.equal(proxyFromEnvironment({ HTTPS_PROXY: 'proxy.corp:3128' })?.url, 'http://proxy.corp:3128');
  });

  it('splits NO_PROXY on commas and spaces', () => {
    assert.deepEqual(parseNoProxy(' a.example,b.example  c.example ,, '), ['a.example', 'b.example', 'c.example']);
  });

  it('reads IPv6 literals, CIDR blocks, trailing dots and entries written with a scheme from NO_PROXY', () => {
    assert.deepEqual(parseNoProxy('::1, 127.0.0.0/8 ::1/128,example.com., https://Corp.Example/, http://host:8080, [::1]:8443'), [
      '::1',
      '127.0.0.0/8',
      '::1/128',
      'example.com',
      'corp.example',
      'host:8080',
      '[::1]:8443',
    ]);
    const settings = proxyFromEnvironment({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: '::1,127.0.0.0/8,https://vault.azure.net,corp.example.' });
    assert.equal(shouldProxy(settings, '::1', 443), false);
    assert.equal(shouldProxy(settings, '127.0.0.1', 8443), false);
    assert.equal(shouldProxy(settings, 'kv.vault.azure.net', 443), false);
    assert.equal(shouldProxy(settings, 'eh.corp.example', 443), false);
    assert.equal(shouldProxy(settings, 'ns.servicebus.windows.net', 443), true);
  });
});

describe('proxy descriptions never carry credentials', () => {
  const settings = { url: 'http://alice:p%40ss-w0rd@proxy.corp:3128' };

  it('describes the proxy with *** for the credentials', () => {
    assert.equal(describeProxy(settings), 'http://***@proxy.corp:3128');
    assert.equal(describeProxy({ url: 'http://proxy.corp:3128' }), 'http://proxy.corp:3128');
    assert.equal(describeProxy({ url: 'not a url' }), '(invalid proxy URL)');
    assert.equal(describeEndpoint('https://kv.vault.azure.net/', settings), 'https://kv.vault.azure.net:443 via proxy http://***@proxy.corp:3128');
    assert.equal(describeEndpoint('https://kv.vault.azure.net/', { ...settings, noProxy: ['vault.azure.net'] }), 'https://kv.vault.azure.net:443');
  });

  it('hands the redactor the password (decoded and encoded) and the Basic header value', () => {
    const secrets = proxySecrets(settings);
    assert.ok(secrets.includes('p@ss-w0rd'));
    assert.ok(secrets.includes('p%40ss-w0rd'));
    assert.ok(secrets.includes(Buffer.from('alice:p@ss-w0rd').toString('base64')));
    assert.deepEqual(proxySecrets(undefined), []);
  });
});

describe('tunnel failures', () => {
  let silent: Server;
  const held: Socket[] = [];
  before(async () => {
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of held) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('says the proxy is unreachable when nothing listens there', async () => {
    await assert.rejects(openTunnel({ url: 'http://127.0.0.1:9' }, { host: 'kv.vault.azure.net', port: 443 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ProxyUnreachable');
      assert.match(error.message, /Could not reach the proxy http:\/\/127\.0\.0\.1:9 to open a tunnel to kv\.vault\.azure\.net:443: ECONNREFUSED/);
      return true;
    });
  });

  it('gives up on a proxy that never answers CONNECT', async () => {
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await assert.rejects(openTunnel({ url: `http://127.0.0.1:${port}` }, { host: 'kv.vault.azure.net', port: 443 }, { timeoutMs: 200 }), {
      code: 'ProxyUnreachable',
      message: /no answer within 200 ms/,
    });
  });

  it('stops at once when cancelled', async () => {
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const controller = new AbortController();
    const pending = openTunnel({ url: `http://127.0.0.1:${port}` }, { host: 'kv.vault.azure.net', port: 443 }, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  });
});

describe('the explanation table reads proxy failures', () => {
  const cases: [string, RegExp][] = [
    ['ProxyAuthenticationRequired', /credentials in the proxy URL/],
    ['ProxyConnectFailed', /allow it through the proxy/],
    ['ProxyUnreachable', /HTTPS_PROXY \(CLI\) or http\.proxy/],
    ['AmqpTcpUnreachable', /AMQP transport to WebSockets \(port 443\)/],
  ];
  for (const [code, fix] of cases) {
    it(`explains ${code} as a network failure with its own fix`, () => {
      const explained = explainError(Object.assign(new Error(`${code} happened`), { code }), { stage: 'send' });
      assert.equal(explained.source, 'network');
      assert.equal(explained.code, code);
      assert.match(explained.explanation.fix, fix);
    });
  }

  it('carries and prints the endpoints tried', () => {
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED', endpointsTried: ['amqps://ns.servicebus.windows.net:5671 failed (ECONNREFUSED)'] });
    const explained = explainError(error, { stage: 'send' });
    assert.deepEqual(explained.tried, ['amqps://ns.servicebus.windows.net:5671 failed (ECONNREFUSED)']);
    assert.match(formatExplainedError(explained), /Tried: amqps:\/\/ns\.servicebus\.windows\.net:5671 failed \(ECONNREFUSED\)/);
  });
});

describe('an https:// proxy', () => {
  let target: Server;
  const proxies: HttpsServer[] = [];

  /** A CONNECT proxy spoken to over TLS with the given certificate; it tunnels to loopback. */
  async function tlsProxy(cert: { certPem: string; keyPem: string }): Promise<string> {
    const { server, port } = await startTlsConnectProxy(cert);
    proxies.push(server);
    return `https://localhost:${port}`;
  }

  const readGreeting = (socket: Socket): Promise<string> =>
    new Promise((resolve) => {
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString());
        socket.destroy();
      });
    });

  let targetPort = 0;
  before(async () => {
    target = createServer((socket) => socket.end('hello through the tunnel'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const address = target.address();
    targetPort = typeof address === 'object' && address ? address.port : 0;
  });
  after(async () => {
    for (const server of proxies) {
      server.closeAllConnections();
      server.close();
    }
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it('tunnels over TLS when the proxy certificate is trusted', async () => {
    const ca = loadCaFromEnv();
    assert.ok(ca, 'the unit-test runner provides the sandbox CA');
    const url = await tlsProxy(issueServerCertificate(ca, ['localhost']));
    const socket = await openTunnel({ url }, { host: '127.0.0.1', port: targetPort });
    assert.equal(await readGreeting(socket), 'hello through the tunnel');
  });

  it('refuses an untrusted proxy certificate with its TLS code, unless strictSsl is false (http.proxyStrictSSL)', async () => {
    const url = await tlsProxy(issueServerCertificate(createCertificateAuthority('Some other CA'), ['localhost']));
    await assert.rejects(openTunnel({ url }, { host: '127.0.0.1', port: targetPort }), (error: Error & { code?: string }) => {
      assert.match(error.code ?? '', /CERT|SELF_SIGNED|UNABLE_TO/);
      assert.match(error.message, /presented a certificate this machine does not trust/);
      assert.equal(explainError(error).code, error.code);
      assert.equal(explainError(error).source, 'network');
      return true;
    });
    const socket = await openTunnel({ url, strictSsl: false }, { host: '127.0.0.1', port: targetPort });
    assert.equal(await readGreeting(socket), 'hello through the tunnel');
  });
});
