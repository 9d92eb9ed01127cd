// A credential only goes where its audience lives (#13): every stage runs through a recording proxy
// that terminates TLS, and each client secret, bearer token (REST headers and AMQP put-token frames
// alike) and SAS signature it saw is checked against the host of the tunnel it travelled in. And the
// guard itself: a vault that redirects the SDK elsewhere gets its token refused, not followed.
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { readSecret } from '../../../src/core/azure/keyVault';
import { runFlow } from '../../../src/core/flow/engine';
import { runFlowWithReadBack } from '../../../src/core/flow/roundTrip';
import type { SendRequest } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { issueServerCertificate, loadCaFromEnv, type CertificateAuthority } from '../../../src/sandbox/ca';
import type { Sandbox } from '../../../src/sandbox/types';
import { destinationOf } from '../../shared/destination';
import { startRecordingProxy, type RecordingProxy } from '../../shared/recordingProxy';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[];
let proxy: RecordingProxy;
let ca: CertificateAuthority;

useSandbox(
  (started) => (sandbox = started),
  () => {
    lines = [];
  },
);

before(async () => {
  const loaded = loadCaFromEnv();
  assert.ok(loaded, 'the unit-test runner provides the sandbox CA');
  ca = loaded;
  proxy = await startRecordingProxy(ca);
});
after(async () => {
  await proxy.stop();
});

const send: SendRequest = { events: [{ body: '{"checked":"destinations"}', contentType: 'application/json' }] };

function audienceOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
  return String(payload.aud);
}

interface Seen {
  clientSecrets: number;
  vaultTokens: number;
  eventHubsTokens: number;
  signatures: number;
}

/** Checks every credential in every tunnel opened since `from` against the profile's hosts; returns what it saw. */
function checkTunnels(profile: ConnectionProfile, from: number): Seen {
  const authority = new URL(profile.authorityHost ?? '').host;
  const vault = new URL(profile.keyVault.vaultUrl).host;
  const namespace = profile.endpoint.namespace;
  const seen: Seen = { clientSecrets: 0, vaultTokens: 0, eventHubsTokens: 0, signatures: 0 };
  for (const tunnel of proxy.tunnels().slice(from)) {
    const text = tunnel.text();
    for (const _ of text.matchAll(/client_secret=[^&\s]+/g)) {
      assert.equal(tunnel.target, authority, 'a client secret went only to the authority');
      seen.clientSecrets++;
    }
    for (const [jwt] of text.matchAll(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g)) {
      const aud = audienceOf(jwt);
      if (/vault/.test(aud)) {
        assert.equal(tunnel.target, vault, `a Key Vault token (aud ${aud}) went only to the vault`);
        seen.vaultTokens++;
      } else {
        assert.match(aud, /eventhubs|servicebus/, `an unexpected token audience ${aud}`);
        assert.equal(tunnel.target, namespace, `an Event Hubs token went only to the namespace`);
        seen.eventHubsTokens++;
      }
    }
    for (const [, sr] of text.matchAll(/SharedAccessSignature sr=([A-Za-z0-9%._~:/-]+)/g)) {
      const resource = decodeURIComponent(sr ?? '');
      const host = /^[a-z]+:\/\/([^/]+)/i.exec(resource)?.[1] ?? resource.split('/')[0];
      assert.equal(host, namespace, `the SAS for ${resource} names the namespace`);
      assert.equal(tunnel.target, namespace, 'a SAS went only to the namespace');
      seen.signatures++;
    }
  }
  return seen;
}

describe('each credential goes only to the host its stage validated (recording proxy)', () => {
  for (const [name, protocol, tokenRequest, keyVaultApiVersion] of [
    ['REST, the raw v1 token POST and the raw Key Vault GET', 'rest', 'pipeline', '7.0'],
    ['AMQP over WebSockets with read back, MSAL and the Key Vault SDK', 'amqp', 'sdk', undefined],
  ] as const) {
    it(`Entra flow: ${name}`, async () => {
      const base = sandbox.profile({ name: 'destinations', protocol });
      const auth = base.keyVault.auth;
      assert.equal(auth.kind, 'servicePrincipal');
      const profile: ConnectionProfile = { ...base, keyVault: { ...base.keyVault, auth: { ...auth, tokenRequest } } };
      const from = proxy.tunnels().length;
      const services = testServices(lines, { proxy: { url: proxy.url }, ...(keyVaultApiVersion ? { keyVaultApiVersion } : {}) });
      const result =
        protocol === 'amqp'
          ? await runFlowWithReadBack(profile, services, { send, readBack: { timeoutSeconds: 10 } })
          : await runFlow(profile, services, { send });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      const seen = checkTunnels(profile, from);
      assert.ok(seen.clientSecrets >= 2, `the reader's and the pipeline's secrets were seen (${JSON.stringify(seen)})`);
      assert.ok(seen.vaultTokens >= 2, `both Key Vault reads carried a token (${JSON.stringify(seen)})`);
      assert.ok(seen.eventHubsTokens >= 1, `the send carried the Event Hubs token (${JSON.stringify(seen)})`);
    });
  }

  for (const protocol of ['rest', 'amqp'] as const) {
    it(`SAS endpoint over ${protocol.toUpperCase()}: every signature names and reaches the namespace`, async () => {
      const base = sandbox.profile({ name: 'sas destinations', protocol });
      const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } } };
      const from = proxy.tunnels().length;
      const result = await runFlow(profile, testServices(lines, { proxy: { url: proxy.url } }), { send });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      const seen = checkTunnels(profile, from);
      assert.ok(seen.signatures >= 1, `a signature was seen (${JSON.stringify(seen)})`);
      assert.equal(seen.clientSecrets + seen.vaultTokens + seen.eventHubsTokens, 0, 'a SAS flow sends no other credential');
    });
  }
});

describe('the guard refuses what a client would otherwise send elsewhere', () => {
  it('the Key Vault SDK never puts the token on a request to another host: neither one built for it nor a redirect', async () => {
    const certificate = issueServerCertificate(ca, ['127.0.0.1']);
    let elsewhereRequests = 0;
    const elsewhere: Server = createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, (_req, res) => {
      elsewhereRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":"x"}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const elsewherePort = (elsewhere.address() as { port: number }).port;
    const vault: Server = createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, (req, res) => {
      res.writeHead(307, { location: `https://127.0.0.1:${elsewherePort}${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => vault.listen(0, '127.0.0.1', resolve));
    const vaultUrl = `https://127.0.0.1:${(vault.address() as { port: number }).port}`;
    const token = { token: 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.', expiresOnTimestamp: Date.now() + 3_600_000 };
    const read = (url: string) =>
      readSecret({ vaultUrl: url, destination: destinationOf(vaultUrl), name: 'pipeline-client-secret', token, audience: 'https://vault.azure.net', trustedCaPem: ca.certPem, signal: new AbortController().signal });
    try {
      // The SDK pipeline's guard runs after signing: a request built for another host is refused there.
      await assert.rejects(read(`https://127.0.0.1:${elsewherePort}`), (error: Error & { problem?: string }) =>
        /Refused to send the test credential to 127\.0\.0\.1:\d+: the profile validated only 127\.0\.0\.1:\d+/.test(error.problem ?? ''),
      );
      // A redirect from the vault itself is not followed to the other host either.
      await assert.rejects(read(vaultUrl));
      assert.equal(elsewhereRequests, 0, 'the other host never received the token');
    } finally {
      await new Promise<void>((resolve) => vault.close(() => resolve()));
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });
});
