// The core discovery clients against the sandbox's Fabric and Resource Manager peers: listings
// follow paging, keys go to the redactor as they are read, every error is explained from the one
// table, tokens only go to the service's own host, and sovereign clouds get their own endpoints.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClientSecretTokenProvider } from '../../../src/core/azure/credentials';
import { AzureDiscovery, filterSubscriptions, hostOfEndpoint } from '../../../src/core/discovery/arm';
import { armService, fabricService } from '../../../src/core/discovery/endpoints';
import { FabricDiscovery } from '../../../src/core/discovery/fabric';
import { getJson, type DiscoveryContext } from '../../../src/core/discovery/rest';
import { isValidationError } from '../../../src/core/errors/errors';
import { explainError } from '../../../src/core/errors/explain';
import type { TokenProvider } from '../../../src/core/flow/credentials';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(() => sandbox.stop());

function provider(who: 'reader' | 'pipeline' = 'reader'): TokenProvider {
  const app = sandbox.world[who];
  return createClientSecretTokenProvider({
    authorityHost: sandbox.urls.authorityHost,
    tenantId: sandbox.world.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    trustedCaPem: sandbox.caPem,
    destination: destinationOf(sandbox.urls.authorityHost),
  });
}

function context(tokens: TokenProvider = provider()): DiscoveryContext {
  return { tokens, signal: new AbortController().signal, trustedCaPem: sandbox.caPem };
}

const fabric = (tokens?: TokenProvider, onSecret?: (v: string) => void): FabricDiscovery =>
  new FabricDiscovery(fabricService('public', sandbox.urls.fabricApi), context(tokens), onSecret);
const azure = (tokens?: TokenProvider): AzureDiscovery => new AzureDiscovery(armService('public', sandbox.urls.resourceManager), context(tokens));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('Fabric discovery', () => {
  it('workspaces (all pages) → eventstreams → topology with status → the custom endpoint connection', async () => {
    const secrets: string[] = [];
    const client = fabric(undefined, (v) => secrets.push(v));
    const workspaces = await client.workspaces();
    assert.deepEqual(workspaces.map((w) => w.displayName).sort(), ['Contoso Streaming', 'Finance Reporting', 'Sales Analytics']);
    const ws = workspaces.find((w) => w.displayName === 'Contoso Streaming');
    assert.ok(ws);
    const eventstreams = await client.eventstreams(ws.id);
    const es = eventstreams.find((e) => e.displayName === 'es-orders');
    assert.ok(es);
    const topology = await client.topology(ws.id, es.id);
    const source = topology.sources.find((s) => s.type === 'CustomEndpoint');
    assert.deepEqual({ name: source?.name, status: source?.status }, { name: 'orders-in', status: 'Running' });
    assert.ok(topology.sources.some((s) => s.type === 'SampleData'));
    const destination = topology.destinations.find((d) => d.type === 'CustomEndpoint');
    assert.ok(source && destination);

    const connection = await client.sourceConnection(ws.id, es.id, source.id);
    assert.equal(connection.namespace, sandbox.urls.namespace);
    assert.equal(connection.eventHubName, sandbox.world.eventHubName);
    assert.equal(connection.keyName, sandbox.world.sas.keyName);
    assert.equal(connection.keys.primaryKey, sandbox.world.sas.key);
    assert.ok(secrets.includes(sandbox.world.sas.key), 'the key reached the redactor');
    assert.ok(secrets.some((s) => s.includes('SharedAccessKey=')), 'the connection strings reached the redactor');
    const read = await client.destinationConnection(ws.id, es.id, destination.id);
    assert.equal(read.consumerGroupName, sandbox.world.consumerGroups[1]);
  });

  it('InsufficientPrivileges is explained with the role the connection needs', async () => {
    const { fabric: world } = sandboxInternals(sandbox);
    const error = await rejection(fabric(provider('pipeline')).sourceConnection(world.demoWorkspaceId, world.demoEventstreamId, world.demoSourceId));
    const explained = explainError(error);
    assert.equal(explained.source, 'fabric');
    assert.equal(explained.code, 'InsufficientPrivileges');
    assert.equal(explained.status, 403);
    assert.match(explained.explanation.cause, /read AND write/);
    assert.match(explained.explanation.fix, /Contributor/);
  });

  it('ItemNotFound names the kind of item; WorkspaceNotFound; a non-custom-endpoint source', async () => {
    const { fabric: world } = sandboxInternals(sandbox);
    const missing = '00000000-0000-4000-8000-000000000000';
    const notFound = explainError(await rejection(fabric().topology(world.demoWorkspaceId, missing)));
    assert.equal(notFound.code, 'ItemNotFound');
    assert.match(notFound.explanation.cause, /no Eventstream with that id/);
    assert.equal(explainError(await rejection(fabric().eventstreams(missing))).code, 'WorkspaceNotFound');
    const sample = world.eventstreams.get(world.demoEventstreamId)?.sources.find((s) => s.type === 'SampleData')?.id ?? '';
    const invalid = explainError(await rejection(fabric().sourceConnection(world.demoWorkspaceId, world.demoEventstreamId, sample)));
    assert.equal(invalid.code, 'FabricInvalidInput');
    assert.match(invalid.explanation.cause, /Only custom endpoint/);
  });

  it('TokenExpired and a token for another audience are explained', async () => {
    const { issuer, world } = sandboxInternals(sandbox);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: `https://sts.windows.net/${world.tenantId}/`, tid: world.tenantId, appid: world.readerClientId, oid: world.readerClientId, sub: world.readerClientId, ver: '1.0' as const };
    const stub = (aud: string, exp: number): TokenProvider => ({
      getToken: () => Promise.resolve({ token: issuer.sign({ ...claims, aud, iat: exp - 3600, nbf: exp - 3600, exp }), expiresOnTimestamp: exp * 1000 }),
    });
    const expired = explainError(await rejection(fabric(stub('https://api.fabric.microsoft.com', now - 3600)).workspaces()));
    assert.equal(expired.code, 'TokenExpired');
    const wrong = explainError(await rejection(fabric(stub('https://vault.azure.net', now + 3600)).workspaces()));
    assert.equal(wrong.code, 'InvalidToken');
    assert.match(wrong.explanation.fix, /api\.fabric\.microsoft\.com\/\.default/);
  });

  it('a tenant that refuses service principals is explained with the admin setting', async () => {
    const { fabric: world } = sandboxInternals(sandbox);
    world.servicePrincipalsAllowed = false;
    try {
      const explained = explainError(await rejection(fabric().workspaces()));
      assert.equal(explained.code, 'FabricUnauthorized');
      assert.match(explained.explanation.fix, /Service principals can use Fabric APIs/);
    } finally {
      world.servicePrincipalsAllowed = true;
    }
  });

  it('429: a short Retry-After is waited out once; a long one is explained with the wait', async () => {
    sandbox.faults.inject({ peer: 'fabric', kind: 'throttled', times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    assert.equal((await fabric().workspaces()).length, 3);
    assert.ok(Date.now() - started >= 900, 'it waited the Retry-After');
    sandbox.faults.inject({ peer: 'fabric', kind: 'throttled', times: 1, retryAfterSeconds: 60 });
    const explained = explainError(await rejection(fabric().workspaces()));
    assert.equal(explained.code, 'FabricThrottled');
    assert.equal(explained.retryAfterSeconds, 60);
    assert.match(explained.explanation.fix, /wait 60 s/);
  });
});

describe('Azure discovery', () => {
  it('subscriptions (all pages) → vaults and namespaces → hubs', async () => {
    const client = azure();
    const subscriptions = await client.subscriptions();
    assert.equal(subscriptions.length, 3);
    const demo = subscriptions.find((s) => s.subscriptionId === sandboxInternals(sandbox).world.subscriptionId);
    assert.ok(demo);
    assert.equal(demo.tenantId, sandbox.world.tenantId);
    const [vault] = await client.keyVaults(demo.subscriptionId);
    assert.deepEqual({ vaultUri: vault?.vaultUri, rbac: vault?.rbacAuthorization, tenant: vault?.tenantId, rg: vault?.resourceGroup }, {
      vaultUri: sandbox.urls.vaultUrl,
      rbac: true,
      tenant: sandbox.world.tenantId,
      rg: sandboxInternals(sandbox).world.resourceGroup,
    });
    const [namespace] = await client.eventHubsNamespaces(demo.subscriptionId);
    assert.equal(namespace?.host, sandbox.urls.namespace);
    const hubs = await client.eventHubs(namespace?.id ?? '');
    assert.deepEqual(hubs.map((h) => [h.name, h.partitionCount]), [[sandbox.world.eventHubName, sandbox.world.partitionIds.length]]);
  });

  it('AuthorizationFailed is explained with the action and the scope', async () => {
    const subscriptionId = sandboxInternals(sandbox).world.subscriptionId;
    const explained = explainError(await rejection(azure(provider('pipeline')).keyVaults(subscriptionId)));
    assert.equal(explained.source, 'arm');
    assert.equal(explained.code, 'AuthorizationFailed');
    assert.match(explained.explanation.cause, /Microsoft\.KeyVault\/vaults\/read/);
    assert.match(explained.explanation.fix, new RegExp(`/subscriptions/${subscriptionId}`));
    assert.equal(explainError(await rejection(azure().keyVaults('00000000-0000-4000-8000-000000000000'))).code, 'SubscriptionNotFound');
  });

  it('the subscription filter of the Azure extensions (tenant/subscription entries; empty = all)', () => {
    const subs = [
      { subscriptionId: 'A', displayName: 'a', tenantId: 't', state: 'Enabled' },
      { subscriptionId: 'b', displayName: 'b', tenantId: 't', state: 'Enabled' },
    ];
    assert.deepEqual(filterSubscriptions(subs, ['t/a']).map((s) => s.displayName), ['a']);
    assert.equal(filterSubscriptions(subs, []).length, 2);
    assert.equal(filterSubscriptions(subs, undefined).length, 2);
    assert.equal(hostOfEndpoint('https://ns.servicebus.windows.net:443/'), 'ns.servicebus.windows.net');
    assert.equal(hostOfEndpoint('https://localhost:5671/'), 'localhost:5671');
  });
});

describe('Discovery endpoints and credential destinations', () => {
  it('sovereign clouds: ARM hosts per cloud; no Fabric REST API outside the public cloud', () => {
    assert.equal(armService('public').baseUrl, 'https://management.azure.com');
    assert.equal(armService('china').baseUrl, 'https://management.chinacloudapi.cn');
    assert.equal(armService('usgov').scope, 'https://management.usgovcloudapi.net/.default');
    assert.equal(fabricService('public').scope, 'https://api.fabric.microsoft.com/.default');
    for (const cloud of ['china', 'usgov'] as const) {
      const error = (() => {
        try {
          fabricService(cloud);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(isValidationError(error));
      assert.match(error.message, /no Fabric REST API/);
    }
  });

  it('an endpoint override must be a bare https origin', () => {
    assert.throws(() => armService('public', 'http://localhost:1'), /https/);
    assert.throws(() => fabricService('public', 'https://user:pw@example.com'), /no path, query or credentials/);
    assert.throws(() => fabricService('public', 'https://example.com/v1'), /no path/);
  });

  it('the token never goes to another host: refused before any token is requested', async () => {
    let asked = 0;
    const counting: TokenProvider = {
      getToken: () => {
        asked++;
        return Promise.resolve({ token: 'x', expiresOnTimestamp: Date.now() + 3600_000 });
      },
    };
    const service = fabricService('public', sandbox.urls.fabricApi);
    const error = await rejection(getJson(service, 'https://attacker.example/v1/workspaces', context(counting)));
    assert.ok(isValidationError(error));
    assert.match((error as Error).message, /Refused to send the Fabric token to attacker\.example/);
    assert.equal(asked, 0);
  });
});
