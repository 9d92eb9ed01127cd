// The pipeline timeline in the send panel (#10.2): a real pipeline run in the sandbox (Data Factory,
// a 403 injected at the client-secret read) projected as the host posts it to the webview, checked
// as the webview checks it: each activity beside its local stage, status, duration and attempts,
// the failed one explained as the local stage is; no secret, token, activity input or output, or
// raw service message. And the webview's check refuses what does not fit the shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import { armService } from '../../../src/core/discovery/endpoints';
import { buildPipeline } from '../../../src/core/export/pipeline';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import { runFlow } from '../../../src/core/flow/engine';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import { adfPipelineClient, applyDeploy, planDeploy, startAndWatch, type PipelineRunResult } from '../../../src/core/pipeline/index';
import { projectPipelineRun } from '../../../src/extension/sendPanel/pipelineRunView';
import type { PipelineRunRecord } from '../../../src/extension/pipeline/runsView';
import { SANDBOX_FACTORY_NAME } from '../../../src/sandbox/arm/dataFactory';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { pipelineHostOf } from '../../../src/sandbox/pipelineRunner/host';
import { faultForStage } from '../../../src/sandbox/stageFaults';
import { isHostMessage, parsePipelineRunView, pipelineRunOf, type PipelineRunView } from '../../../src/shared/sendPanelProtocol';
import { ShapeError } from '../../../src/shared/validate';
import { destinationOf } from '../../shared/destination';

function record(result: PipelineRunResult, key = 7): PipelineRunRecord {
  return { key, pipelineName: 'panel-pipeline', target: 'Data Factory sandbox', profileId: 'p1', state: { status: result.status, ...(result.message ? { message: result.message } : {}) }, timeline: result.timeline, result };
}

describe('pipeline timeline in the send panel, from a sandbox run (#10.2)', () => {
  let sandbox: Sandbox;
  let failed: PipelineRunResult;
  let local: { code: string; summary: string; cause: string; fix: string };
  let secrets: string[];

  before(async () => {
    sandbox = await startSandbox();
    const internals = sandboxInternals(sandbox);
    const host = pipelineHostOf(internals.world);
    host.timeScale = 0.001;
    host.retryAfterSeconds = 0;
    const reader = sandbox.world.reader;
    const client = adfPipelineClient(
      armService('public', sandbox.urls.resourceManager),
      { subscriptionId: internals.world.subscriptionId, resourceGroup: internals.world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME },
      {
        tokens: {
          getToken: (scopes, options) =>
            requestClientCredentialsToken({
              authorityHost: sandbox.urls.authorityHost,
              tenantId: sandbox.world.tenantId,
              clientId: reader.clientId,
              clientSecret: reader.clientSecret,
              audience: scopes[0] ?? '',
              endpointVersion: 'v2',
              destination: destinationOf(sandbox.urls.authorityHost),
              signal: options.signal,
              trustedCaPem: sandbox.caPem,
            }),
        },
        signal: new AbortController().signal,
        trustedCaPem: sandbox.caPem,
      },
    );
    secrets = [reader.clientSecret, sandbox.world.pipeline.clientSecret, sandbox.world.sas.key];
    const fault = sandbox.faults.inject(faultForStage('readClientSecret', 'missingRole', sandbox.world));
    // The local stage with the same fault: what the panel's own timeline would explain.
    const redactor = new Redactor(secrets);
    const flow = await runFlow(sandbox.profile(), { redactor, logger: createLogger({ log: () => undefined }, redactor), tokenCache: new TokenCache(), stageTimeoutMs: 10_000, now: Date.now }, { send: { events: [{ body: { hello: 'world' } }] } });
    const outcome = flow.outcomes.find((entry) => entry.stage === 'readClientSecret');
    local = { code: outcome?.error?.code ?? '', summary: outcome?.error?.explanation.summary ?? '', cause: outcome?.error?.explanation.cause ?? '', fix: outcome?.error?.explanation.fix ?? '' };
    const resource = buildPipeline(sandbox.profile({ name: 'panel-pipeline' }));
    const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
    failed = await startAndWatch(client, deployed, {}, { signal: new AbortController().signal, pollMs: 30, secrets });
    sandbox.faults.clear(fault);
  });
  after(() => sandbox.stop());

  it('each activity beside its local stage; the failed one explained with the local stage’s cause and fix', () => {
    const view = projectPipelineRun(record(failed), (text) => new Redactor(secrets).redact(text));
    // What the webview receives is JSON, and passes its check unchanged.
    const wire = JSON.parse(JSON.stringify({ type: 'pipelineRun', run: view })) as unknown;
    assert.ok(isHostMessage(wire));
    const checked = pipelineRunOf(wire);
    assert.deepEqual(checked?.run, view);
    assert.equal(view.status, 'Failed');
    assert.deepEqual(
      view.activities.map((a) => [a.activityName, a.stage, a.status]),
      [
        ['Get client id', 'readClientId', 'Succeeded'],
        ['Get client secret', 'readClientSecret', 'Failed'],
        ['Get Event Hubs token', 'eventHubsToken', 'Skipped'],
        ['Send event', 'send', 'Skipped'],
      ],
    );
    const secret = view.activities.find((a) => a.stage === 'readClientSecret');
    assert.equal(secret?.attempts, 3);
    assert.ok(secret?.durationMs !== undefined && secret.durationMs >= 0);
    assert.equal(secret?.error?.code, local.code);
    assert.equal(secret?.error?.summary, local.summary);
    assert.equal(secret?.error?.cause, local.cause);
    assert.equal(secret?.error?.fix, local.fix);
  });

  it('forwards no secret, token, activity input or output, nor the service’s raw message', () => {
    const view = projectPipelineRun(record(failed), (text) => new Redactor(secrets).redact(text));
    const text = JSON.stringify(view);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), 'a secret reached the webview message');
    }
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\./, 'a token reached the webview message');
    assert.doesNotMatch(text, /"(input|output|message)":/);
    // The run's own message (the service's words, with the activity's HTTP body) stays on the host.
    assert.ok(failed.message, 'the run has a service message');
    assert.ok(!text.includes(failed.message ?? '\0'));
    assert.doesNotMatch(text, /HttpStatusCode/);
  });

  it('a secret inside a failure is redacted before it is posted', () => {
    const entry = failed.timeline.find((e) => e.status === 'Failed');
    assert.ok(entry?.explained);
    const leaky = { ...entry, explained: { ...entry.explained, explanation: { ...entry.explained.explanation, cause: `${entry.explained.explanation.cause} ${secrets[0]}` } } };
    const view = projectPipelineRun({ ...record(failed), timeline: [leaky] }, (t) => new Redactor(secrets).redact(t));
    assert.ok(!JSON.stringify(view).includes(secrets[0] ?? '\0'));
  });
});

describe('the webview’s check of a pipeline run', () => {
  const good: PipelineRunView = {
    key: 1,
    pipelineName: 'p',
    target: 'Data Factory',
    status: 'InProgress',
    activities: [{ activityName: 'Get client id', stage: 'readClientId', status: 'InProgress', attempts: 1 }],
  };
  const refused = (run: unknown): void => assert.throws(() => parsePipelineRunView(run), ShapeError);

  it('accepts the shape the host posts, and a message without a run (none yet)', () => {
    assert.deepEqual(parsePipelineRunView(good), good);
    assert.deepEqual(pipelineRunOf({ type: 'pipelineRun' }), {});
  });

  it('refuses extra fields (an activity input or output), unknown statuses and stages, bad links, too many rows', () => {
    refused({ ...good, message: 'raw' });
    refused({ ...good, activities: [{ ...good.activities[0], output: { value: 'x' } }] });
    refused({ ...good, activities: [{ ...good.activities[0], input: {} }] });
    refused({ ...good, status: 'Exploded' });
    refused({ ...good, activities: [{ ...good.activities[0], stage: 'probe' }] });
    refused({ ...good, activities: [{ ...good.activities[0], status: '<img src=x>' }] });
    refused({ ...good, activities: [{ ...good.activities[0], error: { code: 'X', summary: '', cause: '', fix: '', docsUrl: 'javascript:alert(1)' } }] });
    refused({ ...good, activities: Array.from({ length: 41 }, () => good.activities[0]) });
    refused({ ...good, pipelineName: 'a\nb' });
    refused({ ...good, activities: [{ ...good.activities[0], attempts: -1 }] });
    assert.equal(pipelineRunOf({ type: 'pipelineRun', run: { ...good, key: 'x' } }), undefined, 'a malformed run is dropped');
  });
});
