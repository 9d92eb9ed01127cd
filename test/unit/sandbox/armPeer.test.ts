// The Azure Resource Manager peer against the published contract (Azure/azure-rest-api-specs,
// transcribed into test/fixtures/specs/azure): subscriptions, vaults, namespaces and hubs validate
// strictly, nextLink paging is followed, and authentication, authorization, api-version and
// throttling errors come in ARM's shape.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { loadSpecSchemas } from './specSchema';

const specs = loadSpecSchemas(join(__dirname, '..', '..', 'fixtures', 'specs', 'azure'));
const SUBSCRIPTIONS = 'subscriptions/2022-12-01/subscriptions.json#SubscriptionListResult';
const SUBSCRIPTION = 'subscriptions/2022-12-01/subscriptions.json#Subscription';
const VAULTS = 'keyvault/2024-11-01/keyvault.json#VaultListResult';
const NAMESPACES = 'eventhub/2024-01-01/namespaces.json#EHNamespaceListResult';
const HUBS = 'eventhub/2024-01-01/eventhubs.json#EventHubListResult';
const ERROR = 'eventhub/common/v2/definitions.json#ErrorResponse';

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
const armToken = (who: 'reader' | 'pipeline' = 'reader'): Promise<string> => token('https://management.azure.com/', who);

function get(path: string, bearer?: string, host?: string): Promise<SimpleResponse> {
  const url = path.startsWith('https://') ? path : `${sandbox.urls.resourceManager}${path}`;
  return httpsRequest(url, { ca: sandbox.caPem, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(host ? { host } : {}) } });
}

function assertError(res: SimpleResponse, status: number, code: string): string {
  assert.equal(res.status, status, res.text);
  const body = res.json();
  assert.equal(specs.errors(ERROR, body), '', res.text);
  const error = body['error'] as { code: string; message: string };
  assert.equal(error.code, code, res.text);
  assert.ok(res.headers['x-ms-request-id']);
  return error.message;
}

async function followAll(path: string, bearer: string, schema: string): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const res = await get(next, bearer);
    assert.equal(res.status, 200, res.text);
    const body = res.json<{ value: Record<string, unknown>[]; nextLink?: string }>();
    assert.equal(specs.errors(schema, body), '', res.text);
    items.push(...body.value);
    next = body.nextLink;
    pages++;
  }
  return { items, pages };
}

const { world: worldOf } = { world: () => sandboxInternals(sandbox).world };

describe('ARM spec fixtures', () => {
  it("the spec's vault list example validates; undeclared members and wrong enums do not", () => {
    const body = (specs.example('keyvault/2024-11-01/examples/listVaultBySubscription.json')['responses'] as Record<string, { body: { value: Record<string, unknown>[] } }>)['200']?.body;
    assert.ok(body);
    assert.equal(specs.errors(VAULTS, body), '');
    const vault = body.value[0] ?? {};
    assert.match(specs.errors(VAULTS, { value: [{ ...vault, vaultUri: 'https://x' }] }), /unevaluated/);
    assert.notEqual(specs.errors(VAULTS, { value: [{ ...vault, properties: { ...(vault['properties'] as object), sku: { family: 'A', name: 'gold' } } }] }), '');
    assert.notEqual(specs.errors(SUBSCRIPTION, { subscriptionId: 'x', state: 'Sleeping' }), '');
  });
});

describe('ARM peer answers validate against the spec', () => {
  it('subscriptions (nextLink paging), one subscription, vaults, namespaces, hubs', async () => {
    const bearer = await armToken();
    const subs = await followAll('/subscriptions?api-version=2022-12-01', bearer, SUBSCRIPTIONS);
    assert.ok(subs.pages >= 2, 'the sandbox pages, so clients must follow nextLink');
    assert.equal(subs.items.length, 3);
    const subscriptionId = worldOf().subscriptionId;
    assert.ok(subs.items.some((s) => s['subscriptionId'] === subscriptionId && s['tenantId'] === sandbox.world.tenantId));
    const one = await get(`/subscriptions/${subscriptionId}?api-version=2022-12-01`, bearer);
    assert.equal(specs.errors(SUBSCRIPTION, one.json()), '', one.text);

    const vaults = await followAll(`/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01`, bearer, VAULTS);
    assert.equal(vaults.items.length, 1);
    const vault = vaults.items[0] as { name: string; properties: { vaultUri: string; enableRbacAuthorization: boolean; tenantId: string } };
    assert.equal(vault.properties.vaultUri, sandbox.urls.vaultUrl);
    assert.equal(vault.properties.enableRbacAuthorization, true);
    assert.equal(vault.properties.tenantId, sandbox.world.tenantId);

    const namespaces = await followAll(`/subscriptions/${subscriptionId}/providers/Microsoft.EventHub/namespaces?api-version=2024-01-01`, bearer, NAMESPACES);
    const ns = namespaces.items[0] as { id: string; name: string; properties: { serviceBusEndpoint: string } };
    assert.equal(ns.properties.serviceBusEndpoint, `https://${sandbox.urls.namespace}/`);
    const hubs = await followAll(`${ns.id}/eventhubs?api-version=2024-01-01`, bearer, HUBS);
    assert.deepEqual(
      hubs.items.map((h) => h['name']),
      [sandbox.world.eventHubName],
    );
    // Another subscription has none.
    const other = subs.items.find((s) => s['subscriptionId'] !== subscriptionId)?.['subscriptionId'];
    assert.deepEqual((await followAll(`/subscriptions/${String(other)}/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01`, bearer, VAULTS)).items, []);
  });

  it('through the proxy (a real ARM host) resources carry their real host names', async () => {
    const bearer = await armToken();
    const res = await get(`/subscriptions/${worldOf().subscriptionId}/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01`, bearer, 'management.azure.com');
    const vault = res.json<{ value: { name: string; properties: { vaultUri: string } }[] }>().value[0];
    assert.equal(vault?.properties.vaultUri, `https://${vault?.name}.vault.azure.net/`);
  });
});

describe('ARM peer errors', () => {
  it('authentication: none, wrong audience, a token for another cloud', async () => {
    assertError(await get('/subscriptions?api-version=2022-12-01'), 401, 'AuthenticationFailed');
    const message = assertError(await get('/subscriptions?api-version=2022-12-01', await token('https://api.fabric.microsoft.com')), 401, 'InvalidAuthenticationTokenAudience');
    assert.match(message, /'https:\/\/management\.azure\.com\/'/);
    // A public-cloud token presented to Azure China's ARM host.
    assertError(await get('/subscriptions?api-version=2022-12-01', await armToken(), 'management.chinacloudapi.cn'), 401, 'InvalidAuthenticationTokenAudience');
    // The legacy audience is accepted.
    assert.equal((await get('/subscriptions?api-version=2022-12-01', await token('https://management.core.windows.net/'))).status, 200);
  });

  it('api-version missing or unsupported', async () => {
    const bearer = await armToken();
    assertError(await get('/subscriptions', bearer), 400, 'MissingApiVersionParameter');
    const message = assertError(await get(`/subscriptions/${worldOf().subscriptionId}/providers/Microsoft.KeyVault/vaults?api-version=1999-01-01`, bearer), 400, 'NoRegisteredProviderFound');
    assert.match(message, /2024-11-01/);
  });

  it('AuthorizationFailed without a role; SubscriptionNotFound; ResourceNotFound; a principal without roles sees no subscriptions', async () => {
    const noRole = await armToken('pipeline');
    const subscriptionId = worldOf().subscriptionId;
    const message = assertError(await get(`/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01`, noRole), 403, 'AuthorizationFailed');
    assert.match(message, /Microsoft\.KeyVault\/vaults\/read/);
    const list = await get('/subscriptions?api-version=2022-12-01', noRole);
    assert.deepEqual(list.json()['value'], []);
    const bearer = await armToken();
    assertError(await get('/subscriptions/00000000-0000-4000-8000-000000000000/providers/Microsoft.EventHub/namespaces?api-version=2024-01-01', bearer), 404, 'SubscriptionNotFound');
    assertError(
      await get(`/subscriptions/${subscriptionId}/resourceGroups/${worldOf().resourceGroup}/providers/Microsoft.EventHub/namespaces/nope/eventhubs?api-version=2024-01-01`, bearer),
      404,
      'ResourceNotFound',
    );
  });

  it('429 with Retry-After, then heals', async () => {
    const bearer = await armToken();
    sandbox.faults.inject({ peer: 'arm', kind: 'throttled', times: 1, retryAfterSeconds: 3 });
    const res = await get('/subscriptions?api-version=2022-12-01', bearer);
    assertError(res, 429, 'TooManyRequests');
    assert.equal(res.headers['retry-after'], '3');
    assert.equal((await get('/subscriptions?api-version=2022-12-01', bearer)).status, 200);
  });
});
