// The sandbox's pipeline runner runs the real pipeline export against the Entra ID, Key Vault and
// Event Hubs peers over HTTPS: the event must arrive, sent by the pipeline service principal read
// from the vault; faults show on the activity whose call they hit; no record holds a secret.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildPipeline, ACTIVITY, READER_SECRET_PARAMETER } from '../../../src/core/export/pipeline';
import { readPipelineDefinition, DefinitionError } from '../../../src/sandbox/pipelineRunner/definition';
import { runnerEnvironment } from '../../../src/sandbox/pipelineRunner/environment';
import { sandboxInternals } from '../../../src/sandbox/index';
import { PipelineRun, RunRequestError, type RunnerEnvironment } from '../../../src/sandbox/pipelineRunner/runner';
import { faultForStage } from '../../../src/sandbox/stageFaults';
import type { Sandbox } from '../../../src/sandbox/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { startTestSandbox } from '../azure/sandboxFixture';

const BODY = '{"site": "@{pipeline().parameters.site}", "runId": "@{pipeline().RunId}", "eventId": "@{guid()}", "at": "@{utcNow()}", "reading": @{rand(15, 30)}, "ticks": @{ticks(utcNow())}, "by": "@{pipeline().Pipeline}"}';

describe('pipeline runner: the export, run in the sandbox', () => {
  let sandbox: Sandbox;
  let profile: ConnectionProfile;
  let env: RunnerEnvironment;

  before(async () => {
    sandbox = await startTestSandbox();
    profile = sandbox.profile({ name: 'Runner demo' });
    // Retry intervals of 30 s become 30 ms; the 1-minute HTTP timeout 60 ms.
    env = runnerEnvironment({ world: sandboxInternals(sandbox).world, urls: sandbox.urls, caPem: sandbox.caPem, tenantId: sandbox.world.tenantId }, { factoryName: 'esf-factory', timeScale: 0.001 });
  });
  after(() => sandbox.stop());
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.received.clear();
  });

  function secretsOf(): string[] {
    const { world } = sandbox;
    return [world.reader.clientSecret, world.pipeline.clientSecret, env.managedIdentity.clientSecret];
  }

  function assertNoSecret(run: PipelineRun): void {
    const text = JSON.stringify({ records: run.activityRuns, message: run.message, parameters: run.recordedParameters });
    for (const secret of secretsOf()) {
      assert.ok(!text.includes(secret), 'a secret is in the run records');
    }
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a token is in the run records');
  }

  async function run(options: Parameters<typeof buildPipeline>[1], parameters: Record<string, unknown> = {}, environment = env): Promise<PipelineRun> {
    const resource = buildPipeline(profile, options);
    const definition = readPipelineDefinition(JSON.parse(JSON.stringify(resource)));
    const pipelineRun = new PipelineRun(resource.name, definition, parameters, environment);
    await pipelineRun.done;
    return pipelineRun;
  }

  it('managed identity: four Web activities succeed in order and the event arrives from the pipeline principal', async () => {
    const result = await run({ bodyTemplate: BODY, parameters: { site: 'Oslo north' } });
    assert.equal(result.status, 'Succeeded', result.message);
    assert.deepEqual(result.activityRuns.map((record) => [record.activityName, record.status]), [
      [ACTIVITY.clientId, 'Succeeded'],
      [ACTIVITY.clientSecret, 'Succeeded'],
      [ACTIVITY.eventHubsToken, 'Succeeded'],
      [ACTIVITY.send, 'Succeeded'],
    ]);
    const events = sandbox.received.all();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.sender, sandbox.world.pipeline.clientId);
    const body = JSON.parse(events[0]?.body.toString('utf8') ?? '') as Record<string, unknown>;
    assert.equal(body['site'], 'Oslo north');
    assert.equal(body['runId'], result.runId);
    assert.equal(body['by'], 'Runner-demo');
    assert.match(String(body['eventId']), /^[0-9a-f-]{36}$/);
    assert.match(String(body['at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    assert.ok(typeof body['reading'] === 'number' && body['reading'] >= 15 && body['reading'] < 30);
    assert.ok(typeof body['ticks'] === 'number' && body['ticks'] > 6.3e17);
    // Secure input and output on: nothing recorded.
    for (const record of result.activityRuns) {
      assert.equal(record.input, null);
      assert.equal(record.output, null);
    }
    assertNoSecret(result);
  });

  it('service principal: the reader token activity takes its secret from the SecureString parameter, five activities', async () => {
    const result = await run({ keyVaultAuth: 'servicePrincipal' }, { [READER_SECRET_PARAMETER]: sandbox.world.reader.clientSecret });
    assert.equal(result.status, 'Succeeded', result.message);
    assert.equal(result.activityRuns.length, 5);
    assert.equal(result.activityRuns[0]?.activityName, ACTIVITY.keyVaultToken);
    assert.equal(sandbox.received.all().length, 1);
    assert.equal(result.recordedParameters[READER_SECRET_PARAMETER], undefined, 'a SecureString parameter is not recorded');
    assertNoSecret(result);
  });

  it('a run without the SecureString parameter is refused before it starts', () => {
    const resource = buildPipeline(profile, { keyVaultAuth: 'servicePrincipal' });
    assert.throws(() => new PipelineRun(resource.name, readPipelineDefinition(resource), {}, env), (error: unknown) => error instanceof RunRequestError && /keyVaultReaderClientSecret/.test(error.message));
  });

  it('a 403 at the client-secret read fails that activity with 2108, the status and the body; retried twice; later activities are skipped', async () => {
    sandbox.faults.inject(faultForStage('readClientSecret', 'missingRole', sandbox.world));
    const result = await run({});
    assert.equal(result.status, 'Failed');
    const secretRuns = result.activityRuns.filter((record) => record.activityName === ACTIVITY.clientSecret);
    assert.equal(secretRuns.length, 3, 'the first attempt and two retries');
    assert.deepEqual(secretRuns.map((record) => record.retryAttempt), [null, 1, 2]);
    const error = secretRuns[2]?.error;
    assert.equal(error?.errorCode, '2108');
    assert.match(error?.message ?? '', /^Invoking Web Activity failed with HttpStatusCode - '403 : Forbidden', message - '\{"error":\{"code":"Forbidden"/);
    assert.match(error?.message ?? '', /ForbiddenByRbac/);
    assert.equal(error?.target, ACTIVITY.clientSecret);
    assert.equal(result.activityRuns.find((record) => record.activityName === ACTIVITY.clientId)?.status, 'Succeeded');
    assert.equal(result.activityRuns.find((record) => record.activityName === ACTIVITY.eventHubsToken)?.status, 'Skipped');
    assert.equal(result.activityRuns.find((record) => record.activityName === ACTIVITY.send)?.status, 'Skipped');
    assert.match(result.message, new RegExp(`^Operation on target ${ACTIVITY.clientSecret} failed: Invoking Web Activity failed`));
    assert.equal(sandbox.received.all().length, 0);
    assertNoSecret(result);
  });

  it('a fault that heals within the retries: the retry succeeds and the event arrives', async () => {
    sandbox.faults.inject(faultForStage('readClientId', 'serviceUnavailable', sandbox.world, 1));
    const result = await run({});
    assert.equal(result.status, 'Succeeded', result.message);
    const idRuns = result.activityRuns.filter((record) => record.activityName === ACTIVITY.clientId);
    assert.deepEqual(idRuns.map((record) => record.status), ['Failed', 'Succeeded']);
    assert.match(idRuns[0]?.error?.message ?? '', /'503 : ServiceUnavailable'/);
    assert.equal(sandbox.received.all().length, 1);
  });

  it('the send is never retried (retry 0): a 401 at Event Hubs fails it once', async () => {
    sandbox.faults.inject(faultForStage('send', 'missingRole', sandbox.world));
    const result = await run({});
    assert.equal(result.status, 'Failed');
    const sends = result.activityRuns.filter((record) => record.activityName === ACTIVITY.send);
    assert.equal(sends.length, 1);
    assert.match(sends[0]?.error?.message ?? '', /'401 : Unauthorized'/);
  });

  it("the managed identity's token fault (Key Vault resource) shows on the Key Vault activities", async () => {
    sandbox.faults.inject(faultForStage('keyVaultToken', 'unknownTenant', sandbox.world));
    const result = await run({});
    assert.equal(result.status, 'Failed');
    const record = result.activityRuns.find((entry) => entry.activityName === ACTIVITY.clientId);
    assert.match(record?.error?.message ?? '', /managed identity for resource 'https:\/\/vault.azure.net'.*AADSTS90002/);
  });

  it('a connection reset is a 2308 "No response from the endpoint"', async () => {
    sandbox.faults.inject(faultForStage('eventHubsToken', 'connectionReset', sandbox.world));
    const result = await run({});
    const record = result.activityRuns.filter((entry) => entry.activityName === ACTIVITY.eventHubsToken).at(-1);
    assert.equal(record?.error?.errorCode, '2308');
    assert.match(record?.error?.message ?? '', /^No response from the endpoint\./);
  });

  it('a wrong @activity name fails the activity with InvalidTemplate naming the activity and the expression, without retrying', async () => {
    const resource = JSON.parse(JSON.stringify(buildPipeline(profile))) as { properties: { activities: { name: string; typeProperties: { body?: string } }[] } };
    const token = resource.properties.activities.find((activity) => activity.name === ACTIVITY.eventHubsToken);
    assert.ok(token?.typeProperties.body);
    token.typeProperties.body = token.typeProperties.body.replace(`activity('${ACTIVITY.clientSecret}')`, "activity('Get client secrett')");
    const result = new PipelineRun('broken', readPipelineDefinition(resource), {}, env);
    await result.done;
    const records = result.activityRuns.filter((entry) => entry.activityName === ACTIVITY.eventHubsToken);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.error?.errorCode, 'InvalidTemplate');
    assert.match(records[0]?.error?.message ?? '', /activity 'Get client secrett'.*does not exist.*activity 'Get Event Hubs token'.*expression 'activity\('Get client secrett'\)'/);
  });

  it('secure output off on the secret read fails that activity (sandbox rule) naming the activity and the expression that reads it', async () => {
    const resource = JSON.parse(JSON.stringify(buildPipeline(profile))) as { properties: { activities: { name: string; policy: { secureOutput: boolean } }[] } };
    const read = resource.properties.activities.find((activity) => activity.name === ACTIVITY.clientSecret);
    assert.ok(read);
    read.policy.secureOutput = false;
    const result = new PipelineRun('broken', readPipelineDefinition(resource), {}, env);
    await result.done;
    const record = result.activityRuns.find((entry) => entry.activityName === ACTIVITY.clientSecret);
    assert.equal(record?.error?.errorCode, 'SandboxSecureOutputRequired');
    assert.match(record?.error?.message ?? '', /'Get client secret' has secureOutput off.*read by 'Get Event Hubs token' \(.*encodeUriComponent\(activity\('Get client secret'\)\.output\.value\)/);
    assert.equal(record?.output, null);
    assertNoSecret(result);
  });

  it('policy.timeout: a peer that never answers fails the activity as timed out', async () => {
    sandbox.faults.inject(faultForStage('send', 'timeout', sandbox.world));
    const resource = JSON.parse(JSON.stringify(buildPipeline(profile))) as { properties: { activities: { name: string; policy: { timeout: string } }[] } };
    const send = resource.properties.activities.find((activity) => activity.name === ACTIVITY.send);
    assert.ok(send);
    // One second: shorter than the Web activity's own HTTP timeout, so the policy is what ends it.
    send.policy.timeout = '0.00:00:01';
    const result = new PipelineRun('timeout', readPipelineDefinition(resource), {}, env);
    await result.done;
    const record = result.activityRuns.find((entry) => entry.activityName === ACTIVITY.send);
    assert.equal(record?.status, 'Failed');
    assert.equal(record?.error?.errorCode, 'ActivityTimedOut', record?.error?.message);
    assert.ok((record?.durationInMs ?? 0) >= 900 && (record?.durationInMs ?? 0) < 1900, String(record?.durationInMs));
  });

  it('cancel: the activity in flight ends Cancelled, nothing after it starts, the run is Cancelled', async () => {
    sandbox.faults.inject(faultForStage('readClientId', 'timeout', sandbox.world));
    const definition = readPipelineDefinition(buildPipeline(profile));
    const result = new PipelineRun('cancel', definition, {}, { ...env, timeScale: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    result.cancel();
    await result.done;
    assert.equal(result.status, 'Cancelled');
    assert.equal(result.activityRuns.find((entry) => entry.activityName === ACTIVITY.clientId)?.status, 'Cancelled');
    assert.ok(!result.activityRuns.some((entry) => entry.activityName === ACTIVITY.send));
  });

  it('dependency conditions: Failed, Completed and Skipped paths run as the docs say, and the leaves decide the outcome', async () => {
    const url = `${sandbox.urls.vaultUrl}secrets/nope?api-version=7.0`;
    const web = (name: string, dependsOn: [string, string[]][]): unknown => ({
      name,
      type: 'WebActivity',
      dependsOn: dependsOn.map(([activity, dependencyConditions]) => ({ activity, dependencyConditions })),
      policy: { secureInput: true, secureOutput: true },
      typeProperties: { method: 'GET', url, authentication: { type: 'MSI', resource: 'https://vault.azure.net' } },
    });
    // A fails (404: no such secret); onFail runs; onSuccess is skipped; afterSkip runs on Skipped; always runs on Completed.
    const definition = readPipelineDefinition({
      properties: {
        activities: [web('A', []), web('onFail', [['A', ['Failed']]]), web('onSuccess', [['A', ['Succeeded']]]), web('afterSkip', [['onSuccess', ['Skipped']]]), web('always', [['A', ['Completed']]])],
      },
    });
    const result = new PipelineRun('conditions', definition, {}, env);
    await result.done;
    const status = Object.fromEntries(result.activityRuns.map((record) => [record.activityName, record.status]));
    assert.equal(status['A'], 'Failed');
    assert.equal(status['onSuccess'], 'Skipped');
    // onFail, afterSkip and always ran (and failed too: the secret does not exist).
    for (const name of ['onFail', 'afterSkip', 'always']) {
      assert.equal(status[name], 'Failed', name);
    }
    assert.equal(result.status, 'Failed');
  });

  it('a definition with an unknown dependency, a cycle or an unparsable expression is refused at deploy time, naming it', () => {
    const activity = (name: string, dependsOn: string[], url = 'https://example.invalid'): unknown => ({
      name,
      type: 'WebActivity',
      dependsOn: dependsOn.map((entry) => ({ activity: entry, dependencyConditions: ['Succeeded'] })),
      typeProperties: { method: 'GET', url },
    });
    assert.throws(() => readPipelineDefinition({ properties: { activities: [activity('A', ['B'])] } }), (error: unknown) => error instanceof DefinitionError && /'A' depends on 'B'/.test(error.message));
    assert.throws(() => readPipelineDefinition({ properties: { activities: [activity('A', ['B']), activity('B', ['A'])] } }), /cycle: A → B → A|cycle: B → A → B/);
    assert.throws(() => readPipelineDefinition({ properties: { activities: [activity('A', [], "@concat('x'")] } }), /Activity 'A', typeProperties.url: .*concat/);
  });
});
