import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpsRequest } from '../../../src/core/azure/http';
import { isLoopbackUrl } from '../../../src/core/azure/trust';
import { isCancelledError } from '../../../src/core/errors/errors';
import type { Sandbox } from '../../../src/sandbox/types';
import { neverAborted, startTestSandbox } from './sandboxFixture';

void describe('httpsRequest', () => {
  let server: Server;
  let port = 0;
  let last: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
  let untrusted: Sandbox;

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        last = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        if (req.url === '/hang') {
          return; // never answers: for cancellation
        }
        res.writeHead(418, { 'X-Multi': ['a', 'b'] });
        res.end('short and stout');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // A sandbox behind a CA of its own: NODE_EXTRA_CA_CERTS does not know it.
    untrusted = await startTestSandbox({ ownCa: true });
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await untrusted.stop();
  });

  void it('allows plain http to loopback and resolves for any status, body and headers included', async () => {
    const response = await httpsRequest({ method: 'POST', url: `http://127.0.0.1:${port}/x?y=1`, body: 'héllo', headers: { 'X-A': '1' }, signal: neverAborted() });
    assert.equal(response.status, 418);
    assert.equal(response.bodyText, 'short and stout');
    assert.equal(response.headers['x-multi'], 'a, b');
    assert.equal(last.body, 'héllo');
    assert.equal(last.headers?.['content-length'], String(Buffer.byteLength('héllo')));
    assert.equal(last.headers?.['x-a'], '1');
  });

  void it('refuses plain http to a non-loopback host before connecting', async () => {
    await assert.rejects(
      httpsRequest({ method: 'GET', url: 'http://login.example.com/tenant/oauth2/token', signal: neverAborted() }),
      /Refusing to call http:\/\/login\.example\.com over plain http/,
    );
    await assert.rejects(httpsRequest({ method: 'GET', url: 'ftp://localhost/', signal: neverAborted() }), /Unsupported URL scheme/);
    assert.equal(isLoopbackUrl('http://[::1]:8080/'), true);
    assert.equal(isLoopbackUrl('https://localhost.evil.com/'), false);
  });

  void it('rejects with a cancellation error when the signal aborts mid-request, and at once when already aborted', async () => {
    const controller = new AbortController();
    const pending = httpsRequest({ method: 'GET', url: `http://127.0.0.1:${port}/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, (error: unknown) => isCancelledError(error));
    await assert.rejects(httpsRequest({ method: 'GET', url: `http://127.0.0.1:${port}/`, signal: AbortSignal.abort() }), (error: unknown) =>
      isCancelledError(error),
    );
  });

  void it('trusts an extra CA only when it is passed as trustedCaPem', async () => {
    const url = `${untrusted.urls.authorityHost}/${untrusted.world.tenantId}/v2.0/.well-known/openid-configuration`;
    await assert.rejects(httpsRequest({ method: 'GET', url, signal: neverAborted() }), (error: NodeJS.ErrnoException) => /CERT|certificate/i.test(`${error.code} ${error.message}`));
    const response = await httpsRequest({ method: 'GET', url, signal: neverAborted(), trustedCaPem: untrusted.caPem });
    assert.equal(response.status, 200);
  });
});
