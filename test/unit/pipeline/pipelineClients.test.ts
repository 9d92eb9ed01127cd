// The core pipeline clients against the sandbox's Fabric and Resource Manager peers: deploy creates,
// an unchanged definition is left alone, a changed one shows a unified diff before it is updated;
// a run is started, watched and its activities laid out as a timeline mapped to the local stages; a
// failed activity gets the same explanation (code, cause, fix) as the local stage that makes the call;
// cancel cancels the run at the service.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import type { TokenProvider } from '../../../src/core/flow/credentials';
import { armService, fabricService } from '../../../src/core/discovery/endpoints';
import type { DiscoveryContext } from '../../../src/core/discovery/rest';
import { buildPipeline } from '../../../src/core/export/pipeline';
import { runFlow } from '../../../src/core/flow/engine';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import type { StageId } from '../../../src/core/flow/stageId';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import { adfPipelineClient, applyDeploy, definitionDiff, fabricPipelineClient, planDeploy, startAndWatch, type PipelineClient } from '../../../src/core/pipeline/index';
import { SANDBOX_FACTORY_NAME } from '../../../src/sandbox/arm/dataFactory';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { pipelineHostOf } from '../../../src/sandbox/pipelineRunner/host';
import { faultForStage } from '../../../src/sandbox/stageFaults';
import type { FaultKind } from '../../../src/sandbox/types';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
let context: DiscoveryContext;
before(async () => {
  sandbox = await startSandbox();
  const host = pipelineHostOf(sandboxInternals(sandbox).world);
  host.timeScale = 0.001;
  host.retryAfterSeconds = 0;
  const app = sandbox.world.reader;
  // The plain client-credentials request: the identity library's authority discovery is not what is under test.
  const tokens: TokenProvider = {
    getToken: (scopes, options) =>
      requestClientCredentialsToken({
        authorityHost: sandbox.urls.authorityHost,
        tenantId: sandbox.world.tenantId,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        audience: scopes[0] ?? '',
        endpointVersion: 'v2',
        destination: destinationOf(sandbox.urls.authorityHost),
        signal: options.signal,
        trustedCaPem: sandbox.caPem,
      }),
  };
  context = { tokens, signal: new AbortController().signal, trustedCaPem: sandbox.caPem };
});
after(() => sandbox.stop());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.received.clear();
});

function clients(): Record<'fabric' | 'adf', PipelineClient> {
  const { world, fabric } = sandboxInternals(sandbox);
  return {
    fabric: fabricPipelineClient(fabricService('public', sandbox.urls.fabricApi), fabric.demoWorkspaceId, context),
    adf: adfPipelineClient(armService('public', sandbox.urls.resourceManager), { subscriptionId: world.subscriptionId, resourceGroup: world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME }, context),
  };
}

/** The local flow with the same fault: the failed stage's explanation. */
async function localExplanation(stage: StageId, kind: FaultKind): Promise<{ code: string; cause: string; fix: string }> {
  const id = sandbox.faults.inject(faultForStage(stage, kind, sandbox.world));
  try {
    const redactor = new Redactor();
    const result = await runFlow(sandbox.profile(), { redactor, logger: createLogger({ log: () => undefined }, redactor), tokenCache: new TokenCache(), stageTimeoutMs: 10_000, now: Date.now }, { send: { events: [{ body: { hello: 'world' } }] } });
    const outcome = result.outcomes.find((entry) => entry.stage === stage);
    assert.equal(outcome?.status, 'failed', JSON.stringify(result.outcomes));
    const explanation = outcome?.error?.explanation;
    return { code: outcome?.error?.code ?? '', cause: explanation?.cause ?? '', fix: explanation?.fix ?? '' };
  } finally {
    sandbox.faults.clear(id);
  }
}

for (const kind of ['fabric', 'adf'] as const) {
  describe(`${kind} pipeline client`, () => {
    it('deploy: creates, then finds it unchanged, then shows the diff of a changed definition before updating it', async () => {
      const client = clients()[kind];
      const name = `${kind}-deploy`;
      const first = buildPipeline(sandbox.profile({ name }));
      const created = await planDeploy(client, first);
      assert.equal(created.action, 'create');
      await applyDeploy(client, created, first);
      const again = await planDeploy(client, first);
      assert.equal(again.action, 'unchanged');
      const changed = buildPipeline(sandbox.profile({ name }), { bodyTemplate: '{"site": "@{pipeline().parameters.site}"}', parameters: { site: 'north' } });
      const plan = await planDeploy(client, changed);
      assert.equal(plan.action, 'update');
      assert.ok(plan.action === 'update');
      assert.match(plan.diff, /^--- .*\(deployed, .*\)\n\+\+\+ .*\(from the profile\)\n@@ -\d+,\d+ \+\d+,\d+ @@/);
      assert.match(plan.diff, /^\+ {4}"site": \{$/m);
      await applyDeploy(client, plan, changed);
      assert.equal((await planDeploy(client, changed)).action, 'unchanged');
    });

    it('run: the four activities succeed in order, each mapped to its stage, and the event arrives', async () => {
      const client = clients()[kind];
      const resource = buildPipeline(sandbox.profile({ name: `${kind}-run` }));
      const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
      const updates: string[] = [];
      const result = await startAndWatch(client, deployed, {}, { signal: new AbortController().signal, pollMs: 50, onUpdate: (state) => updates.push(state.status) });
      assert.equal(result.status, 'Succeeded', result.message);
      assert.deepEqual(result.timeline.map((entry) => [entry.stage, entry.status, entry.attempts]), [
        ['readClientId', 'Succeeded', 1],
        ['readClientSecret', 'Succeeded', 1],
        ['eventHubsToken', 'Succeeded', 1],
        ['send', 'Succeeded', 1],
      ]);
      assert.equal(updates.at(-1), 'Succeeded');
      assert.equal(sandbox.received.all().length, 1);
    });

    it('a 403 at the client-secret read: the run fails on that activity, explained as the local stage is', async () => {
      const local = await localExplanation('readClientSecret', 'missingRole');
      const client = clients()[kind];
      const resource = buildPipeline(sandbox.profile({ name: `${kind}-fail` }));
      const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
      sandbox.faults.inject(faultForStage('readClientSecret', 'missingRole', sandbox.world));
      const result = await startAndWatch(client, deployed, {}, { signal: new AbortController().signal, pollMs: 50 });
      assert.equal(result.status, 'Failed');
      assert.deepEqual(result.failed, { activityName: 'Get client secret', stage: 'readClientSecret' });
      const entry = result.timeline.find((item) => item.stage === 'readClientSecret');
      assert.equal(entry?.attempts, 3);
      assert.equal(entry?.error?.errorCode, '2108');
      assert.equal(entry?.explained?.code, local.code);
      assert.equal(entry?.explained?.explanation.cause, local.cause);
      assert.equal(entry?.explained?.explanation.fix, local.fix);
      assert.equal(entry?.explained?.status, 403);
      assert.deepEqual(result.timeline.filter((item) => item.status === 'Skipped').map((item) => item.stage), ['eventHubsToken', 'send']);
    });

    it('cancel: the signal cancels the run at the service, which ends Cancelled', async () => {
      const client = clients()[kind];
      const resource = buildPipeline(sandbox.profile({ name: `${kind}-cancel` }));
      const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
      sandbox.faults.inject(faultForStage('readClientId', 'timeout', sandbox.world));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const result = await startAndWatch(client, deployed, {}, { signal: controller.signal, pollMs: 50 });
      assert.equal(result.cancelledByUser, true);
      assert.equal(result.status, 'Cancelled');
    });
  });
}

describe('explanations match the local stage for each stage a fault can hit', () => {
  const cases: [StageId, FaultKind][] = [
    ['readClientId', 'secretNotFound'],
    ['eventHubsToken', 'invalidClientSecret'],
    ['send', 'missingRole'],
    ['eventHubsToken', 'connectionReset'],
  ];
  for (const [stage, kind] of cases) {
    it(`${stage}: ${kind}`, async () => {
      const local = await localExplanation(stage, kind);
      const client = clients().adf;
      const resource = buildPipeline(sandbox.profile({ name: `explain-${stage}-${kind}` }));
      const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
      sandbox.faults.inject(faultForStage(stage, kind, sandbox.world));
      const result = await startAndWatch(client, deployed, {}, { signal: new AbortController().signal, pollMs: 50 });
      const entry = result.timeline.find((item) => item.stage === stage);
      assert.equal(entry?.status, 'Failed');
      assert.equal(entry?.explained?.code, local.code, entry?.error?.message);
      assert.equal(entry?.explained?.explanation.cause, local.cause);
    });
  }
});

describe('definition diff', () => {
  it('is empty for the same definition in another key order, and a unified diff otherwise', () => {
    assert.equal(definitionDiff({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, { before: 'x', after: 'y' }), '');
    const diff = definitionDiff({ a: 1, b: 'old', c: 3 }, { a: 1, b: 'new', c: 3 }, { before: 'x', after: 'y' });
    assert.equal(diff, '--- x\n+++ y\n@@ -1,5 +1,5 @@\n {\n   "a": 1,\n-  "b": "old",\n+  "b": "new",\n   "c": 3\n }\n');
  });
});
