// Through a proxy the target's certificate is still verified: http.proxyStrictSSL=false relaxes the
// check of an https:// proxy's own certificate only, never the Azure host's; and the profile's
// extra CA (trustedCaPem) is what a tunnelled target is checked against, nothing broader.
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { httpsRequest } from '../../../src/core/azure/http';
import { createCertificateAuthority, issueServerCertificate, loadCaFromEnv, type CertificateAuthority } from '../../../src/sandbox/ca';
import { startTlsConnectProxy } from './tlsConnectProxy';

const servers: HttpsServer[] = [];
let proxyUrl = '';
let strangerCa: CertificateAuthority;

async function listen(server: HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** An HTTPS target whose certificate comes from `ca`. */
async function target(ca: CertificateAuthority): Promise<number> {
  const cert = issueServerCertificate(ca, ['localhost']);
  return listen(createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.writeHead(200).end('target reached')));
}

before(async () => {
  strangerCa = createCertificateAuthority('A CA nobody trusts');
  // An https:// proxy with an untrusted certificate (so strictSsl: false is needed to use it at all).
  const cert = issueServerCertificate(strangerCa, ['localhost']);
  const { server: proxy, port } = await startTlsConnectProxy(cert);
  servers.push(proxy);
  proxyUrl = `https://localhost:${port}`;
});
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

describe('proxy: the target certificate is always verified', () => {
  it('refuses a target with an untrusted certificate even with strictSsl false', async () => {
    const port = await target(strangerCa);
    await assert.rejects(
      httpsRequest({ method: 'GET', url: `https://localhost:${port}/`, signal: new AbortController().signal, proxy: { url: proxyUrl, strictSsl: false } }),
      (error: Error & { code?: string }) => {
        assert.match(error.code ?? '', /CERT|SELF_SIGNED|UNABLE_TO/, `${error.code ?? ''} ${error.message}`);
        return true;
      },
    );
  });

  it("accepts a target signed by the profile's extra CA through the tunnel, and only that CA", async () => {
    const sandboxCa = loadCaFromEnv();
    assert.ok(sandboxCa, 'the unit-test runner provides the sandbox CA');
    const ownCa = createCertificateAuthority('The profile CA');
    const port = await target(ownCa);
    const through = { proxy: { url: proxyUrl, strictSsl: false }, signal: new AbortController().signal };
    const response = await httpsRequest({ method: 'GET', url: `https://localhost:${port}/`, trustedCaPem: ownCa.certPem, ...through });
    assert.equal(response.status, 200);
    assert.equal(response.bodyText, 'target reached');
    // Another CA in the profile does not make this target trusted.
    await assert.rejects(httpsRequest({ method: 'GET', url: `https://localhost:${port}/`, trustedCaPem: sandboxCa.certPem, ...through }));
  });
});
