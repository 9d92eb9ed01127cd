// Early connections (issue #8): the flow opens the Key Vault and Event Hubs connections while stage 1
// waits, and the requests that follow take them instead of opening their own. Counted on the server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { httpsRequest, preconnect } from '../../../src/core/azure/http';
import { PreconnectAgent } from '../../../src/core/azure/preconnectAgent';
import { runFlow } from '../../../src/core/flow/engine';
import { SecretCache } from '../../../src/core/flow/secretCache';
import type { StageImplementation } from '../../../src/core/flow/stage';
import { STAGES } from '../../../src/core/flow/stages/index';
import type { FlowServices, StageContext } from '../../../src/core/flow/types';
import { Redactor } from '../../../src/core/logging/redact';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { createCertificateAuthority, issueServerCertificate, type CertificateAuthority } from '../../../src/sandbox/ca';
import { testServices } from '../flow/flowFixture';
import { neverAborted } from './sandboxFixture';

const CLIENT_ID = '22222222-2222-2222-2222-222222222222';

let ca: CertificateAuthority;
let vault: HttpsServer;
let port = 0;
/** TCP connections the server saw, the TLS connections it accepted, and the requests it answered. */
let sockets = 0;
let connections = 0;
let requests = 0;

before(async () => {
  ca = createCertificateAuthority('Preconnect test CA');
  const cert = issueServerCertificate(ca, ['localhost']);
  // A vault that answers every GET with a secret bundle, as Key Vault's GET secret does.
  vault = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    requests++;
    const name = /\/secrets\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? 'x';
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ value: name === 'client-id' ? CLIENT_ID : 'pipeline~secret~value~0123456789', id: `https://localhost:${port}/secrets/${name}/0123456789abcdef0123456789abcdef`, attributes: { enabled: true } }));
  });
  vault.on('connection', () => sockets++);
  vault.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => vault.listen(0, '127.0.0.1', resolve));
  port = (vault.address() as AddressInfo).port;
});
after(() => {
  vault.closeAllConnections();
  vault.close();
});
beforeEach(async () => {
  // Each test starts with no kept connection on either side (the client sees the close a moment later).
  vault.closeAllConnections();
  await new Promise((resolve) => setTimeout(resolve, 100));
  sockets = 0;
  connections = 0;
  requests = 0;
});

async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PreconnectAgent', () => {
  it('opens the connections asked for, and the requests that follow take them instead of opening more', async () => {
    const agent = new PreconnectAgent({ keepAlive: true, ca: ca.certPem });
    try {
      agent.preconnect('localhost', port, 2);
      await until(() => connections === 2, 'two early connections');
      assert.equal(requests, 0, 'an early connection sends nothing');
      const get = (path: string): Promise<number> =>
        new Promise((resolve, reject) => {
          import('node:https')
            .then(({ get: httpsGet }) =>
              httpsGet({ host: 'localhost', port, path, agent }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              }).on('error', reject),
            )
            .catch(reject);
        });
      assert.deepEqual(await Promise.all([get('/secrets/a'), get('/secrets/b')]), [200, 200]);
      assert.equal(connections, 2, 'the two parallel requests took the two early connections');
      assert.equal(agent.waiting, 0);
      // Asking again with both idle in the pool opens nothing.
      agent.preconnect('localhost', port, 2);
      assert.equal(agent.waiting, 0);
    } finally {
      agent.destroy();
    }
  });

  it('drops an early connection that fails; the request opens its own and reports its error', async () => {
    // Nothing trusts this server's certificate: the early handshake fails, and so does the request, with the TLS error.
    const agent = new PreconnectAgent({ keepAlive: true, ca: createCertificateAuthority('Another CA').certPem });
    try {
      agent.preconnect('localhost', port, 1);
      await until(() => agent.waiting === 0, 'the failed connection to be dropped');
      const { get: httpsGet } = await import('node:https');
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => httpsGet({ host: 'localhost', port, path: '/', agent }).on('error', resolve));
      assert.match(String(error.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    } finally {
      agent.destroy();
    }
  });

  it('never keeps a process alive: a process that only preconnected exits once its own work is done', async () => {
    // The child opens two connections and checks they are up; it must then exit although nobody used them.
    const script = `
      const { PreconnectAgent } = require(${JSON.stringify(require.resolve('../../../src/core/azure/preconnectAgent'))});
      const agent = new PreconnectAgent({ keepAlive: true, rejectUnauthorized: false });
      agent.preconnect('localhost', ${port}, 2);
      setTimeout(() => { if (agent.waiting !== 2) process.exit(3); }, 500);`;
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(connections, 2, 'the child had both connections open');
    // Its unused connections would otherwise hold it for their 30 s.
    assert.ok(Date.now() - started < 15_000, 'the child exited without waiting for its unused connections');
  });

  it('hands an early connection only to a request that would have opened the same one', async () => {
    const agent = new PreconnectAgent({ keepAlive: true, ca: ca.certPem });
    const { get: httpsGet } = await import('node:https');
    const outcome = (options: object): Promise<string> =>
      new Promise((resolve) => {
        httpsGet({ host: 'localhost', port, path: '/secrets/a', agent, ...options }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    try {
      agent.preconnect('localhost', port, 1);
      await until(() => connections === 1, 'the early connection');
      // Another name in the Host header means another server name: checked against it, on a connection of its own.
      assert.equal(await outcome({ headers: { Host: 'other.example' } }), 'ERR_TLS_CERT_ALTNAME_INVALID');
      // An identity check of the request's own runs on a connection of its own.
      assert.equal(await outcome({ checkServerIdentity: () => new Error('pinned elsewhere') }), 'pinned elsewhere');
      assert.equal(agent.waiting, 1, 'neither took the early connection');
      assert.equal(await outcome({}), '200');
      assert.equal(agent.waiting, 0, 'a plain request did');
    } finally {
      agent.destroy();
    }
  });
});

describe('preconnect (http.ts)', () => {
  it('opens nothing for a host reached through a proxy: the request opens its own tunnel', async () => {
    preconnect(`https://localhost:${port}`, { count: 2, trustedCaPem: ca.certPem, proxy: { url: 'http://127.0.0.1:9' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(connections, 0);
  });

  it('shares the agent of the requests: a request after preconnect opens no connection of its own', async () => {
    preconnect(`https://localhost:${port}`, { count: 1, trustedCaPem: ca.certPem });
    await until(() => connections === 1, 'the early connection');
    const response = await httpsRequest({ method: 'GET', url: `https://localhost:${port}/secrets/a?api-version=7.0`, signal: neverAborted(), trustedCaPem: ca.certPem });
    assert.equal(response.status, 200);
    assert.equal(connections, 1);
  });
});

describe('runFlow opens the Key Vault connections while stage 1 waits', () => {
  const profile = (): ConnectionProfile => ({
    id: 'p1',
    name: 'Preconnect',
    cloud: 'public',
    trustedCaPem: ca.certPem,
    // Every host loopback, as a profile with an extra CA must be (the stubbed token stages never call it).
    authorityHost: `https://localhost:${port}`,
    keyVault: {
      vaultUrl: `https://localhost:${port}`,
      auth: { kind: 'servicePrincipal', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-1111-1111-1111-111111111111', clientSecret: 'reader~Secret~Value~1234567890abcdef' },
      clientIdSecret: { name: 'client-id' },
      clientSecretSecret: { name: 'client-secret' },
    },
    eventHubsToken: { tenantId: 'contoso.onmicrosoft.com', endpointVersion: 'v1' },
    endpoint: { namespace: `localhost:${port}`, eventHubName: 'es_1', auth: { kind: 'entra' }, protocol: 'rest' },
  });
  /** Stage 1 answers only once the server has seen `expected` connections (or gives up after 1 s). */
  const stageOne = (expected: number, seen: number[]): StageImplementation<'keyVaultToken'> => ({
    id: 'keyVaultToken',
    async run() {
      const deadline = Date.now() + 1_000;
      while (connections < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen.push(connections);
      return { output: { token: 'eyJ0eXAiOiJKV1QifQ.e30.c2ln', expiresOnTimestamp: Date.now() + 3_600_000 }, summary: 'test token' };
    },
  });
  const stageFour: StageImplementation<'eventHubsToken'> = {
    id: 'eventHubsToken',
    run: () => Promise.resolve({ output: { token: 'eyJ0eXAiOiJKV1QifQ.e30.c2ln', expiresOnTimestamp: Date.now() + 3_600_000 }, summary: 'test token' }),
  };

  it('both reads find their connection open when stage 1 ends, and open none of their own', async () => {
    const seen: number[] = [];
    const result = await runFlow(profile(), testServices([]), { target: 'eventHubsToken', stages: { keyVaultToken: stageOne(2, seen), eventHubsToken: stageFour } });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assert.deepEqual(seen, [2], 'two connections were open before stage 1 answered');
    assert.equal(requests, 2);
    assert.equal(connections, 2);
  });

  it('opens nothing for reads answered from the last run', async () => {
    const secretCache = new SecretCache();
    const services = testServices([], { secretCache });
    await runFlow(profile(), services, { target: 'eventHubsToken', stages: { keyVaultToken: stageOne(2, []), eventHubsToken: stageFour } });
    vault.closeAllConnections();
    connections = 0;
    const seen: number[] = [];
    const result = await runFlow(profile(), services, { target: 'eventHubsToken', stages: { keyVaultToken: stageOne(1, seen), eventHubsToken: stageFour } });
    assert.equal(result.ok, true);
    assert.deepEqual(seen, [0], 'no connection for secrets already at hand');
    assert.equal(connections, 0);
  });

  it('opens nothing ahead of requests that VS Code may route itself (no extra CA, requests not direct)', async () => {
    const remoteLooking = { ...profile(), trustedCaPem: undefined };
    const openedBy = async (services: FlowServices): Promise<number> => {
      let opened = -1;
      const waitAndCount: StageImplementation<'keyVaultToken'> = {
        id: 'keyVaultToken',
        async run() {
          await new Promise((resolve) => setTimeout(resolve, 300));
          opened = sockets;
          throw new Error('stop here');
        },
      };
      await runFlow(remoteLooking, services, { target: 'eventHubsToken', stages: { keyVaultToken: waitAndCount, eventHubsToken: stageFour } });
      return opened;
    };
    assert.equal(await openedBy(testServices([])), 0, 'in the editor, unless http.proxySupport is off');
    sockets = 0;
    assert.equal(await openedBy(testServices([], { directConnections: true })), 2, 'in the CLI');
  });
});

describe('where each stage says it will connect', () => {
  const ctx = (overrides: Partial<ConnectionProfile['endpoint']> = {}, services: Partial<FlowServices> = {}): StageContext => {
    const base: ConnectionProfile = {
      id: 'p1',
      name: 'Where',
      cloud: 'public',
      keyVault: {
        vaultUrl: 'https://contoso.vault.azure.net',
        auth: { kind: 'azureCli' },
        clientIdSecret: { name: 'client-id' },
        clientSecretSecret: { name: 'client-secret' },
      },
      eventHubsToken: { tenantId: 'contoso.onmicrosoft.com', endpointVersion: 'v1' },
      endpoint: { namespace: 'es-1.servicebus.windows.net', eventHubName: 'es_1', auth: { kind: 'entra' }, protocol: 'rest', ...overrides },
    };
    return { profile: base, services: testServices([], services), redactor: new Redactor(), signal: neverAborted() };
  };
  const one = { send: { events: [{ body: 'x' }] } };

  it('send: the namespace, over REST with an Entra token and something to send', () => {
    assert.equal(STAGES.send.connectsTo?.(ctx(), one), 'https://es-1.servicebus.windows.net');
    assert.equal(STAGES.send.connectsTo?.(ctx({ protocol: 'amqp' }), one), undefined, 'AMQP opens its own connection');
    assert.equal(STAGES.send.connectsTo?.(ctx(), { send: { ...one.send, protocol: 'amqp' } }), undefined);
    assert.equal(STAGES.send.connectsTo?.(ctx({ auth: { kind: 'sas', keyName: 'send', key: 'k' } }), one), undefined, 'with a key the send waits for nothing');
    assert.equal(STAGES.send.connectsTo?.(ctx(), { send: { events: [] } }), undefined, 'nothing to send: refused before any connection');
  });

  it('the Key Vault reads: the vault, unless the SDK reads it or the secret is at hand', () => {
    assert.equal(STAGES.readClientId.connectsTo?.(ctx(), {}), 'https://contoso.vault.azure.net');
    assert.equal(STAGES.readClientSecret.connectsTo?.(ctx(), {}), 'https://contoso.vault.azure.net');
    assert.equal(STAGES.readClientId.connectsTo?.(ctx({}, { keyVaultApiVersion: 'sdk' }), {}), undefined);
    const secretCache = new SecretCache();
    secretCache.set(SecretCache.keyOf('https://contoso.vault.azure.net', 'client-id', undefined), { name: 'client-id', value: 'v', version: '1', enabled: true });
    assert.equal(STAGES.readClientId.connectsTo?.(ctx({}, { secretCache }), {}), undefined);
    assert.equal(STAGES.readClientSecret.connectsTo?.(ctx({}, { secretCache }), {}), 'https://contoso.vault.azure.net');
  });
});
