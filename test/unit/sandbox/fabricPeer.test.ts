// The Fabric REST peer against the published contract: every answer the product uses validates
// against microsoft/fabric-rest-api-specs (definitions copied into test/fixtures/specs/fabric, strict
// about undeclared members), and the peer's authentication, permissions, errors, throttling and
// paging behave as the spec documents.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { loadSpecSchemas } from './specSchema';

const specs = loadSpecSchemas(join(__dirname, '..', '..', 'fixtures', 'specs', 'fabric'));
const TOPOLOGY = 'eventstream/definitions/topology.json#EventstreamTopologyResponse';
const SOURCE_CONNECTION = 'eventstream/definitions/source.json#SourceConnectionResponse';
const DESTINATION_CONNECTION = 'eventstream/definitions/destination.json#DestinationConnectionResponse';
const EVENTSTREAMS = 'eventstream/definitions.json#Eventstreams';
const EVENTSTREAM = 'eventstream/definitions.json#Eventstream';
const WORKSPACES = 'platform/definitions/platform.json#Workspaces';
const ERROR = 'common/definitions.json#ErrorResponse';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(() => sandbox.stop());

async function token(resource: string, who: 'reader' | 'pipeline' = 'reader'): Promise<string> {
  const app = sandbox.world[who];
  const res = await httpsRequest(`${sandbox.urls.authorityHost}/${sandbox.world.tenantId}/oauth2/token`, {
    method: 'POST',
    ca: sandbox.caPem,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, resource }).toString(),
  });
  assert.equal(res.status, 200, res.text);
  return String(res.json()['access_token']);
}

const fabricToken = (who: 'reader' | 'pipeline' = 'reader'): Promise<string> => token('https://api.fabric.microsoft.com', who);

function get(path: string, bearer?: string): Promise<SimpleResponse> {
  const url = path.startsWith('https://') ? path : `${sandbox.urls.fabricApi}${path}`;
  return httpsRequest(url, { ca: sandbox.caPem, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
}

function assertError(res: SimpleResponse, status: number, errorCode: string): Record<string, unknown> {
  assert.equal(res.status, status, res.text);
  const body = res.json();
  assert.equal(specs.errors(ERROR, body), '', res.text);
  assert.equal(body['errorCode'], errorCode, res.text);
  assert.equal(res.headers['x-ms-public-api-error-code'], errorCode);
  assert.equal(typeof body['requestId'], 'string');
  return body;
}

function demoIds(): { ws: string; es: string; source: string; destination: string; sample: string } {
  const { fabric } = sandboxInternals(sandbox);
  const state = fabric.eventstreams.get(fabric.demoEventstreamId);
  const sample = state?.sources.find((s) => s.type !== 'CustomEndpoint')?.id ?? '';
  return { ws: fabric.demoWorkspaceId, es: fabric.demoEventstreamId, source: fabric.demoSourceId, destination: fabric.demoDestinationId, sample };
}

describe('Fabric spec fixtures', () => {
  it("the spec's own examples validate (the translation is faithful)", () => {
    const cases: [string, string][] = [
      ['eventstream/examples/GetEventstreamTopology.json', TOPOLOGY],
      ['eventstream/examples/GetEventstreamSourceConnection.json', SOURCE_CONNECTION],
      ['eventstream/examples/GetEventstreamDestinationConnection.json', DESTINATION_CONNECTION],
      ['eventstream/examples/ListEventstreamsInWorkspace.json', EVENTSTREAMS],
      ['eventstream/examples/GetEventstream.json', EVENTSTREAM],
      ['platform/examples/platform/ListWorkspaces.json', WORKSPACES],
      ['platform/examples/platform/ListWorkspacesWithContinuation.json', WORKSPACES],
    ];
    for (const [example, ref] of cases) {
      const body = (specs.example(example)['responses'] as Record<string, { body: Record<string, unknown> }>)['200']?.body ?? {};
      if (example.endsWith('GetEventstreamTopology.json')) {
        // The topology example disagrees with its own schema in node kinds the peer never answers
        // (Fabric event sources' `filters`, operators' `fields: null` and scalar `arguments`): keep
        // the custom endpoint, sample data and Event Hub sources, every destination and stream.
        body['sources'] = (body['sources'] as { type: string }[]).filter((s) => ['CustomEndpoint', 'SampleData', 'AzureEventHub'].includes(s.type));
        body['operators'] = [];
        assert.ok((body['sources'] as unknown[]).length >= 3);
      }
      assert.equal(specs.errors(ref, body), '', example);
    }
  });

  it('can fail: an undeclared member, a missing required one, a wrong enum value', () => {
    const good = (specs.example('eventstream/examples/GetEventstreamSourceConnection.json')['responses'] as Record<string, { body: Record<string, unknown> }>)['200']?.body ?? {};
    assert.match(specs.errors(SOURCE_CONNECTION, { ...good, type: 'CustomEndpoint' }), /must NOT have unevaluated properties/);
    const { eventHubName: _dropped, ...missing } = good;
    assert.match(specs.errors(SOURCE_CONNECTION, missing), /eventHubName/);
    const node = { id: '0d9bf4db-bc7f-4854-8579-6fdf244ed503', name: 'x', type: 'CustomEndpoint', properties: {}, status: 'Running' };
    assert.equal(specs.errors(TOPOLOGY, { sources: [node] }), '');
    assert.notEqual(specs.errors(TOPOLOGY, { sources: [{ ...node, status: 5 }] }), '');
    assert.notEqual(specs.errors(TOPOLOGY, { sources: [{ ...node, properties: { extra: 1 } }] }), '', 'a custom endpoint source has no properties');
    assert.notEqual(specs.errors(TOPOLOGY, { destinations: [{ ...node }] }), '', 'a destination needs inputNodes');
    assert.notEqual(specs.errors(TOPOLOGY, { sources: [{ ...node, id: 'not-a-guid' }] }), '');
  });
});

describe('Fabric peer answers validate against the spec', () => {
  it('workspaces (paged), eventstreams, eventstream, topology, source and destination connections', async () => {
    const bearer = await fabricToken();
    const ids = demoIds();
    // Workspaces: follow continuationUri to the end; each page validates.
    const seen: string[] = [];
    let next: string | undefined = '/v1/workspaces';
    let pages = 0;
    while (next) {
      const res = await get(next, bearer);
      assert.equal(res.status, 200, res.text);
      const body = res.json<{ value: { id: string }[]; continuationUri?: string; continuationToken?: string }>();
      assert.equal(specs.errors(WORKSPACES, body), '', res.text);
      assert.equal(body.continuationUri === undefined, body.continuationToken === undefined, 'token and uri come together');
      seen.push(...body.value.map((w) => w.id));
      next = body.continuationUri;
      pages++;
    }
    assert.ok(pages >= 2, 'the sandbox pages its workspaces, so clients must follow continuations');
    assert.ok(seen.includes(ids.ws));
    assert.equal(new Set(seen).size, seen.length, 'no workspace twice across pages');

    const list = await get(`/v1/workspaces/${ids.ws}/eventstreams`, bearer);
    assert.equal(specs.errors(EVENTSTREAMS, list.json()), '', list.text);
    const one = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}`, bearer);
    assert.equal(specs.errors(EVENTSTREAM, one.json()), '', one.text);
    const topology = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/topology`, bearer);
    assert.equal(specs.errors(TOPOLOGY, topology.json()), '', topology.text);
    const source = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/sources/${ids.source}/connection`, bearer);
    assert.equal(source.status, 200, source.text);
    assert.equal(specs.errors(SOURCE_CONNECTION, source.json()), '', source.text);
    const destination = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/destinations/${ids.destination}/connection`, bearer);
    assert.equal(specs.errors(DESTINATION_CONNECTION, destination.json()), '', destination.text);
  });

  it("a custom endpoint is the sandbox's own event hub and SAS rule", async () => {
    const ids = demoIds();
    const res = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/sources/${ids.source}/connection`, await fabricToken());
    const body = res.json<{ fullyQualifiedNamespace: string; eventHubName: string; accessKeys: { primaryKey: string; primaryConnectionString: string } }>();
    assert.equal(body.fullyQualifiedNamespace, sandbox.urls.namespace);
    assert.equal(body.eventHubName, sandbox.world.eventHubName);
    assert.equal(body.accessKeys.primaryKey, sandbox.world.sas.key);
    assert.equal(
      body.accessKeys.primaryConnectionString,
      `Endpoint=sb://${sandbox.urls.namespace}/;SharedAccessKeyName=${sandbox.world.sas.keyName};SharedAccessKey=${sandbox.world.sas.key};EntityPath=${sandbox.world.eventHubName}`,
    );
    const dest = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/destinations/${ids.destination}/connection`, await fabricToken());
    assert.equal(dest.json()['consumerGroupName'], sandbox.world.consumerGroups[1]);
  });
});

describe('Fabric peer errors', () => {
  it('no token, a token for another audience, an expired token', async () => {
    const ids = demoIds();
    assertError(await get('/v1/workspaces'), 401, 'Unauthorized');
    assertError(await get('/v1/workspaces', await token('https://vault.azure.net')), 401, 'InvalidToken');
    const { issuer, world } = sandboxInternals(sandbox);
    const now = Math.floor(Date.now() / 1000);
    const expired = issuer.sign({
      aud: 'https://api.fabric.microsoft.com',
      iss: `https://sts.windows.net/${world.tenantId}/`,
      tid: world.tenantId,
      appid: world.readerClientId,
      oid: world.readerClientId,
      sub: world.readerClientId,
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 3600,
      ver: '1.0',
    });
    assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams`, expired), 401, 'TokenExpired');
  });

  it('InsufficientPrivileges: the connection needs read and write (a Viewer is refused, the topology is not)', async () => {
    const ids = demoIds();
    const viewer = await fabricToken('pipeline');
    const topology = await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/topology`, viewer);
    assert.equal(topology.status, 200, topology.text);
    const body = assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/sources/${ids.source}/connection`, viewer), 403, 'InsufficientPrivileges');
    assert.match(String(body['message']), /Contributor/);
    assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/destinations/${ids.destination}/connection`, viewer), 403, 'InsufficientPrivileges');
  });

  it('ItemNotFound for an unknown eventstream or source; a workspace the caller has no role in is not found', async () => {
    const ids = demoIds();
    const bearer = await fabricToken();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const body = assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams/${unknown}/topology`, bearer), 404, 'ItemNotFound');
    assert.deepEqual(body['relatedResource'], { resourceId: unknown, resourceType: 'Eventstream' });
    assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/sources/${unknown}/connection`, bearer), 404, 'ItemNotFound');
    assertError(await get(`/v1/workspaces/${unknown}/eventstreams`, bearer), 404, 'WorkspaceNotFound');
    assertError(await get(`/v1/workspaces/not-a-guid/eventstreams`, bearer), 400, 'InvalidParameter');
  });

  it('a source that is not a custom endpoint has no connection', async () => {
    const ids = demoIds();
    assertError(await get(`/v1/workspaces/${ids.ws}/eventstreams/${ids.es}/sources/${ids.sample}/connection`, await fabricToken()), 400, 'InvalidInput');
  });

  it('429 with Retry-After in seconds, then heals', async () => {
    const bearer = await fabricToken();
    sandbox.faults.inject({ peer: 'fabric', kind: 'throttled', times: 1, retryAfterSeconds: 7 });
    const res = await get('/v1/workspaces', bearer);
    assertError(res, 429, 'RequestBlocked');
    assert.equal(res.headers['retry-after'], '7');
    assert.equal((await get('/v1/workspaces', bearer)).status, 200);
  });

  it('a tenant that does not allow service principals refuses their calls', async () => {
    const { fabric } = sandboxInternals(sandbox);
    fabric.servicePrincipalsAllowed = false;
    try {
      const body = assertError(await get('/v1/workspaces', await fabricToken()), 401, 'Unauthorized');
      assert.match(String(body['message']), /Service principals can use Fabric APIs/);
    } finally {
      fabric.servicePrincipalsAllowed = true;
    }
  });

  it('a bad continuation token is refused', async () => {
    assertError(await get('/v1/workspaces?continuationToken=%%%', await fabricToken()), 400, 'InvalidContinuationToken');
  });
});
