// The Fabric and Data Factory routes for pipelines: the real export deployed through each service's
// API, run by the sandbox runner, watched and queried as a client would; every answer compared with
// the published examples (test/fixtures/specs: fabric-rest-api-specs, azure-rest-api-specs
// datafactory 2018-06-01, and the Fabric docs' activity-run sample for the query the specs lack).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ACTIVITY, buildPipeline } from '../../../src/core/export/pipeline';
import { SANDBOX_FACTORY_NAME } from '../../../src/sandbox/arm/dataFactory';
import { httpsRequest, type SimpleResponse } from '../../../src/sandbox/http';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { pipelineHostOf } from '../../../src/sandbox/pipelineRunner/host';
import { faultForStage } from '../../../src/sandbox/stageFaults';

const SPECS = join(__dirname, '..', '..', 'fixtures', 'specs');
type Json = Record<string, unknown>;
const example = (path: string): Json => JSON.parse(readFileSync(join(SPECS, path), 'utf8')) as Json;
const response = (path: string, status: string): Json => ((example(path)['responses'] as Json)[status] ?? {}) as Json;

/** Members whose content is the pipeline's own (its activities, parameters, inputs and outputs): only their type is compared. */
const OPEN = new Set(['input', 'output', 'userProperties', 'parameters', 'properties']);

/** Every member of the example is in the answer with the same JSON type (null in the example allows any); no member beyond the example's and `extra`. */
function assertShape(actual: unknown, expected: unknown, path = '$', extra: readonly string[] = []): void {
  if (expected === null || expected === undefined) {
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    if (expected.length > 0) {
      for (const [index, item] of (actual as unknown[]).entries()) {
        assertShape(item, expected[0], `${path}[${index}]`, extra);
      }
    }
    return;
  }
  if (typeof expected === 'object') {
    assert.ok(typeof actual === 'object' && actual !== null && !Array.isArray(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`);
    const a = actual as Json;
    const e = expected as Json;
    // Objects the example shows empty (input, output, userProperties) are open.
    if (Object.keys(e).length === 0) {
      return;
    }
    for (const key of Object.keys(e)) {
      assert.ok(key in a, `${path}.${key} is missing`);
      if (OPEN.has(key)) {
        assert.equal(typeof a[key], 'object', `${path}.${key} is not an object`);
      } else {
        assertShape(a[key], e[key], `${path}.${key}`, extra);
      }
    }
    for (const key of Object.keys(a)) {
      assert.ok(key in e || extra.includes(key), `${path}.${key} is not in the example`);
    }
    return;
  }
  assert.equal(typeof actual, typeof expected, `${path}: ${JSON.stringify(actual)} is not a ${typeof expected}`);
}

function assertHeaders(res: SimpleResponse, expected: Json | undefined): void {
  for (const name of Object.keys(expected ?? {})) {
    assert.ok(res.headers[name.toLowerCase()] !== undefined, `header ${name} is missing`);
  }
}

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
  // Retry intervals of 30 s become 30 ms.
  const host = pipelineHostOf(sandboxInternals(sandbox).world);
  host.timeScale = 0.001;
  host.retryAfterSeconds = 0;
});
after(() => sandbox.stop());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.received.clear();
});

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

function call(base: string, bearer: string, method: string, path: string, body?: unknown): Promise<SimpleResponse> {
  const url = path.startsWith('https://') ? path : `${base}${path}`;
  return httpsRequest(url, {
    method,
    ca: sandbox.caPem,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function definitionOf(name: string): { properties: unknown } {
  const resource = buildPipeline(sandbox.profile({ name }));
  return { properties: resource.properties };
}

describe('Fabric data pipelines, jobs and activity runs', () => {
  let bearer: string;
  let ws: string;
  const fabric = (method: string, path: string, body?: unknown): Promise<SimpleResponse> => call(sandbox.urls.fabricApi, bearer, method, path, body);

  before(async () => {
    bearer = await token('https://api.fabric.microsoft.com');
    ws = sandboxInternals(sandbox).fabric.demoWorkspaceId;
  });

  async function followOperation(res: SimpleResponse): Promise<SimpleResponse> {
    assert.equal(res.status, 202, res.text);
    assertHeaders(res, response('fabric/dataPipeline/examples/CreateDataPipeline.json', '202')['headers'] as Json);
    const location = String(res.headers['location']);
    assert.equal(location, `${sandbox.urls.fabricApi}/v1/operations/${String(res.headers['x-ms-operation-id'])}`);
    const running = await fabric('GET', location);
    assert.equal(running.status, 200);
    assertShape(running.json(), response('fabric/platform/examples/platform/GetLongRunningOperationStateRunning.json', '200')['body']);
    assertHeaders(running, response('fabric/platform/examples/platform/GetLongRunningOperationStateRunning.json', '200')['headers'] as Json);
    assert.equal(running.json()['status'], 'Running');
    const done = await fabric('GET', location);
    assertShape(done.json(), response('fabric/platform/examples/platform/GetLongRunningOperationStateCompleted.json', '200')['body']);
    assert.equal(done.json()['status'], 'Succeeded');
    return done;
  }

  async function create(name: string): Promise<string> {
    const payload = Buffer.from(JSON.stringify(definitionOf(name))).toString('base64');
    const res = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines`, { displayName: name, description: 'from the test', definition: { parts: [{ path: 'pipeline-content.json', payload, payloadType: 'InlineBase64' }] } });
    const done = await followOperation(res);
    const result = await fabric('GET', String(done.headers['location']));
    assert.equal(result.status, 200, result.text);
    const created = response('fabric/dataPipeline/examples/CreateDataPipeline.json', '201')['body'] as Json;
    const { sensitivityLabel: _label, ...expected } = created;
    assertShape(result.json(), expected);
    assertShape(result.json(), response('fabric/platform/examples/platform/GetLongRunningOperationResult.json', '200')['body']);
    assert.equal(result.json()['type'], 'DataPipeline');
    return String(result.json()['id']);
  }

  async function runJob(itemId: string, parameters: Json = {}): Promise<{ instance: Json; location: string }> {
    const started = await fabric('POST', `/v1/workspaces/${ws}/items/${itemId}/jobs/instances?jobType=Pipeline`, { executionData: { parameters } });
    assert.equal(started.status, 202, started.text);
    assertHeaders(started, response('fabric/platform/examples/platform/RunOnDemandItemJob.json', '202')['headers'] as Json);
    const location = String(started.headers['location']);
    assert.match(location, new RegExp(`/v1/workspaces/${ws}/items/${itemId}/jobs/instances/[0-9a-f-]{36}$`));
    for (let i = 0; i < 200; i++) {
      const polled = await fabric('GET', location);
      assert.equal(polled.status, 200, polled.text);
      const instance = polled.json();
      if (!['NotStarted', 'InProgress'].includes(String(instance['status']))) {
        assertShape(instance, response('fabric/platform/examples/platform/GetItemJobInstance.json', '200')['body']);
        return { instance, location };
      }
      await sleep(25);
    }
    throw new Error('the job did not finish');
  }

  async function activityRuns(jobId: string): Promise<Json[]> {
    const sample = example('fabric-docs/queryactivityruns.json');
    const res = await fabric('POST', `/v1/workspaces/${ws}/datapipelines/pipelineruns/${jobId}/queryactivityruns`, {
      ...(sample['request'] as Json),
      lastUpdatedAfter: new Date(Date.now() - 3_600_000).toISOString(),
      lastUpdatedBefore: new Date(Date.now() + 60_000).toISOString(),
      orderBy: [{ orderBy: 'ActivityRunStart', order: 'ASC' }],
    });
    assert.equal(res.status, 200, res.text);
    const runs = JSON.parse(res.text) as Json[];
    assertShape(runs, sample['response']);
    return runs;
  }

  it('create with the definition (long-running), get the definition back, run it: four activities succeed and the event arrives', async () => {
    const id = await create('Fabric flow');
    const definition = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines/${id}/getDefinition`);
    assert.equal(definition.status, 200, definition.text);
    assertShape(definition.json(), response('fabric/dataPipeline/examples/GetDataPipelineDefinition.json', '200')['body']);
    const parts = (definition.json()['definition'] as { parts: { path: string; payload: string }[] }).parts;
    const content = parts.find((part) => part.path === 'pipeline-content.json');
    assert.deepEqual(JSON.parse(Buffer.from(content?.payload ?? '', 'base64').toString('utf8')), definitionOf('Fabric flow'));
    assert.ok(parts.some((part) => part.path === '.platform'));

    const { instance, location } = await runJob(id);
    assert.equal(instance['status'], 'Completed', JSON.stringify(instance));
    assert.equal(instance['failureReason'], null);
    assert.equal(sandbox.received.all().length, 1);
    const runs = await activityRuns(String(instance['id']));
    assert.deepEqual(runs.map((run) => [run['activityName'], run['status']]), [ACTIVITY.clientId, ACTIVITY.clientSecret, ACTIVITY.eventHubsToken, ACTIVITY.send].map((name) => [name, 'Succeeded']));
    // The alias some clients use answers the same.
    const alias = await fabric('POST', `${location}/queryactivityruns`, { lastUpdatedAfter: '2000-01-01T00:00:00Z', lastUpdatedBefore: '2100-01-01T00:00:00Z' });
    assert.equal((JSON.parse(alias.text) as unknown[]).length, 4);
    // Secure output: no secret, no token in what the service shows.
    assert.ok(!JSON.stringify(runs).includes(sandbox.world.pipeline.clientSecret));
    assert.doesNotMatch(JSON.stringify(runs), /eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('updateDefinition (long-running) replaces the definition; a 403 at the client-secret read fails that activity with 2108 and the job with its message', async () => {
    const id = await create('Fabric flow 2');
    const updated = definitionOf('Fabric flow 2 v2');
    const res = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines/${id}/updateDefinition`, {
      definition: { parts: [{ path: 'pipeline-content.json', payload: Buffer.from(JSON.stringify(updated)).toString('base64'), payloadType: 'InlineBase64' }] },
    });
    await followOperation(res);
    sandbox.faults.inject(faultForStage('readClientSecret', 'missingRole', sandbox.world));
    const { instance } = await runJob(id);
    assert.equal(instance['status'], 'Failed');
    const reason = instance['failureReason'] as Json;
    assert.equal(reason['errorCode'], '2108');
    assert.match(String(reason['message']), /^Operation on target Get client secret failed: Invoking Web Activity failed with HttpStatusCode - '403 : Forbidden'/);
    const runs = await activityRuns(String(instance['id']));
    const failed = runs.filter((run) => run['status'] === 'Failed');
    assert.ok(failed.length >= 1 && failed.every((run) => run['activityName'] === ACTIVITY.clientSecret));
    assert.match(String((failed[0]?.['error'] as Json)['message']), /ForbiddenByRbac/);
    assert.equal(sandbox.received.all().length, 0);
  });

  it('cancel: 202 with the job instance as Location, and the job ends Cancelled', async () => {
    const id = await create('Fabric flow 3');
    sandbox.faults.inject(faultForStage('readClientId', 'timeout', sandbox.world));
    const started = await fabric('POST', `/v1/workspaces/${ws}/items/${id}/jobs/instances?jobType=Pipeline`);
    const location = String(started.headers['location']);
    await sleep(100);
    const cancelled = await fabric('POST', `${location}/cancel`);
    assert.equal(cancelled.status, 202, cancelled.text);
    assertHeaders(cancelled, response('fabric/platform/examples/platform/CancelItemJobInstance.json', '202')['headers'] as Json);
    assert.equal(cancelled.headers['location'], location);
    for (let i = 0; i < 100; i++) {
      const polled = (await fabric('GET', location)).json();
      if (polled['status'] === 'Cancelled') {
        return;
      }
      await sleep(20);
    }
    assert.fail('the job was not cancelled');
  });

  it('the data pipeline execute-job route (jobType Execute) runs it too', async () => {
    const id = await create('Fabric flow 4');
    const started = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines/${id}/jobs/execute/instances`);
    assert.equal(started.status, 202);
    assertHeaders(started, response('fabric/dataPipeline/examples/RunOnDemandDataPipelineExecuteJob.json', '202')['headers'] as Json);
    const jobId = String(started.headers['location']).split('/').at(-1) ?? '';
    for (let i = 0; i < 200; i++) {
      const polled = await fabric('GET', `/v1/workspaces/${ws}/dataPipelines/${id}/jobs/execute/instances/${jobId}`);
      const body = polled.json();
      if (body['status'] === 'Completed') {
        assertShape(body, response('fabric/dataPipeline/examples/GetDataPipelineExecuteJobInstance.json', '200')['body']);
        assert.equal(body['jobType'], 'Execute');
        return;
      }
      await sleep(25);
    }
    assert.fail('the job did not complete');
  });

  it('refusals: a Viewer cannot create, a taken name is 409, a URL-safe or non-JSON payload is CorruptedPayload, an unknown dependency is InvalidDefinition, another job type is InvalidJobType', async () => {
    const viewer = await token('https://api.fabric.microsoft.com', 'pipeline');
    const byViewer = await call(sandbox.urls.fabricApi, viewer, 'POST', `/v1/workspaces/${ws}/dataPipelines`, { displayName: 'nope' });
    assert.equal(byViewer.status, 403);
    assert.equal(byViewer.json()['errorCode'], 'InsufficientPrivileges');
    const taken = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines`, { displayName: 'Fabric flow' });
    assert.equal(taken.json()['errorCode'], 'ItemDisplayNameAlreadyInUse');
    const part = (payload: string): unknown => ({ displayName: `p${payload.length}`, definition: { parts: [{ path: 'pipeline-content.json', payload, payloadType: 'InlineBase64' }] } });
    const urlSafe = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines`, part(Buffer.from('{"properties":{"activities":[]}}>>>?').toString('base64url')));
    assert.equal(urlSafe.json()['errorCode'], 'CorruptedPayload');
    const broken = { properties: { activities: [{ name: 'A', type: 'WebActivity', dependsOn: [{ activity: 'B', dependencyConditions: ['Succeeded'] }], typeProperties: {} }] } };
    const invalid = await fabric('POST', `/v1/workspaces/${ws}/dataPipelines`, part(Buffer.from(JSON.stringify(broken)).toString('base64')));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json()['errorCode'], 'InvalidDefinition');
    assert.match(String(invalid.json()['message']), /'A' depends on 'B'/);
    const item = sandboxInternals(sandbox).fabric.items.find((entry) => entry.type === 'DataPipeline');
    const wrongType = await fabric('POST', `/v1/workspaces/${ws}/items/${item?.id ?? ''}/jobs/instances?jobType=DefaultJob`);
    assert.equal(wrongType.json()['errorCode'], 'InvalidJobType');
  });
});

describe('Data Factory pipelines and runs (ARM, 2018-06-01)', () => {
  let bearer: string;
  let factory: string;
  const arm = (method: string, path: string, body?: unknown): Promise<SimpleResponse> => call(sandbox.urls.resourceManager, bearer, method, `${factory}${path}${path.includes('?') ? '&' : '?'}api-version=2018-06-01`, body);

  before(async () => {
    bearer = await token('https://management.azure.com/');
    const { world } = sandboxInternals(sandbox);
    factory = `/subscriptions/${world.subscriptionId}/resourceGroups/${world.resourceGroup}/providers/Microsoft.DataFactory/factories/${SANDBOX_FACTORY_NAME}`;
  });

  async function waitForRun(runId: string): Promise<Json> {
    for (let i = 0; i < 200; i++) {
      const res = await arm('GET', `/pipelineruns/${runId}`);
      assert.equal(res.status, 200, res.text);
      const run = res.json();
      if (!['Queued', 'InProgress', 'Canceling'].includes(String(run['status']))) {
        assertShape(run, response('datafactory/2018-06-01/examples/PipelineRuns_Get.json', '200')['body'], '$', ['runGroupId', 'isLatest', 'invokedByType']);
        return run;
      }
      await sleep(25);
    }
    throw new Error('the run did not finish');
  }

  it('PUT the export, createRun, watch the run, query its activity runs: four activities succeed and the event arrives', async () => {
    const put = await arm('PUT', '/pipelines/adf-flow', definitionOf('ADF flow'));
    assert.equal(put.status, 200, put.text);
    assertShape(put.json(), response('datafactory/2018-06-01/examples/Pipelines_Create.response.json', '200')['body']);
    const created = await arm('POST', '/pipelines/adf-flow/createRun', {});
    assert.equal(created.status, 200, created.text);
    assertShape(created.json(), response('datafactory/2018-06-01/examples/Pipelines_CreateRun.json', '200')['body']);
    const run = await waitForRun(String(created.json()['runId']));
    assert.equal(run['status'], 'Succeeded', String(run['message']));
    assert.equal(sandbox.received.all().length, 1);
    const query = await arm('POST', `/pipelineruns/${String(run['runId'])}/queryActivityruns`, { lastUpdatedAfter: '2000-01-01T00:00:00Z', lastUpdatedBefore: '2100-01-01T00:00:00Z' });
    assert.equal(query.status, 200, query.text);
    assertShape(query.json(), response('datafactory/2018-06-01/examples/ActivityRuns_QueryByPipelineRun.json', '200')['body']);
    const value = query.json()['value'] as Json[];
    assert.deepEqual(value.map((entry) => entry['status']), ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('a fault at the Event Hubs token shows on that activity; filters narrow the query', async () => {
    await arm('PUT', '/pipelines/adf-flow-2', definitionOf('ADF flow 2'));
    sandbox.faults.inject(faultForStage('eventHubsToken', 'invalidClientSecret', sandbox.world));
    const created = await arm('POST', '/pipelines/adf-flow-2/createRun', {});
    const run = await waitForRun(String(created.json()['runId']));
    assert.equal(run['status'], 'Failed');
    assert.match(String(run['message']), /^Operation on target Get Event Hubs token failed: .*AADSTS7000215/);
    const query = await arm('POST', `/pipelineruns/${String(run['runId'])}/queryActivityruns`, {
      lastUpdatedAfter: '2000-01-01T00:00:00Z',
      lastUpdatedBefore: '2100-01-01T00:00:00Z',
      filters: [{ operand: 'Status', operator: 'Equals', values: ['Failed'] }],
    });
    const value = query.json()['value'] as Json[];
    assert.ok(value.length === 3, JSON.stringify(value.map((v) => v['activityName'])));
    assert.ok(value.every((entry) => entry['activityName'] === ACTIVITY.eventHubsToken && (entry['error'] as Json)['errorCode'] === '2108'));
  });

  it('cancel answers 200 with no body and the run ends Cancelled; a missing required parameter is 400; a principal without a role is 403', async () => {
    await arm('PUT', '/pipelines/adf-flow-3', definitionOf('ADF flow 3'));
    sandbox.faults.inject(faultForStage('readClientId', 'timeout', sandbox.world));
    const created = await arm('POST', '/pipelines/adf-flow-3/createRun', {});
    await sleep(100);
    const cancel = await arm('POST', `/pipelineruns/${String(created.json()['runId'])}/cancel`);
    assert.equal(cancel.status, 200);
    assert.equal(cancel.text, '');
    const run = await waitForRun(String(created.json()['runId']));
    assert.equal(run['status'], 'Cancelled');

    const withSecret = buildPipeline(sandbox.profile({ name: 'sp' }), { keyVaultAuth: 'servicePrincipal' });
    await arm('PUT', '/pipelines/adf-sp', { properties: withSecret.properties });
    const missing = await arm('POST', '/pipelines/adf-sp/createRun', {});
    assert.equal(missing.status, 400);
    assert.match(String((missing.json()['error'] as Json)['message']), /keyVaultReaderClientSecret/);

    const other = await token('https://management.azure.com/', 'pipeline');
    const denied = await call(sandbox.urls.resourceManager, other, 'PUT', `${factory}/pipelines/x?api-version=2018-06-01`, definitionOf('x'));
    assert.equal(denied.status, 403);
    const unknown = await arm('GET', '/pipelines/nope');
    assert.equal(unknown.status, 404);
  });
});
