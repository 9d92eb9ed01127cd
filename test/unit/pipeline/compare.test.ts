// Compare: the local flow and the pipeline, side by side. The case the issue names: the local flow
// passes and the pipeline fails because the factory's managed identity has no role on the vault;
// the comparison says so (identity), and the Markdown shows both columns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import { armService } from '../../../src/core/discovery/endpoints';
import { buildPipeline } from '../../../src/core/export/pipeline';
import type { TokenProvider } from '../../../src/core/flow/credentials';
import { runFlow } from '../../../src/core/flow/engine';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import type { FlowResult } from '../../../src/core/flow/types';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import { adfPipelineClient, applyDeploy, compareRuns, comparisonMarkdown, planDeploy, startAndWatch, type PipelineRunResult } from '../../../src/core/pipeline/index';
import { SANDBOX_FACTORY_NAME } from '../../../src/sandbox/arm/dataFactory';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { managedIdentityOf } from '../../../src/sandbox/pipelineRunner/environment';
import { pipelineHostOf } from '../../../src/sandbox/pipelineRunner/host';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
  const host = pipelineHostOf(sandboxInternals(sandbox).world);
  host.timeScale = 0.001;
  host.retryAfterSeconds = 0;
});
after(() => sandbox.stop());

describe('compare the local flow and the pipeline', () => {
  it("passes locally, fails in the pipeline when the managed identity has no role on the vault: 'Identity' is the difference", async () => {
    const { world } = sandboxInternals(sandbox);
    const identity = managedIdentityOf(world);
    world.removeRole(identity.clientId, 'Key Vault Secrets User');
    try {
      const profile = sandbox.profile({ name: 'Compare' });
      const redactor = new Redactor();
      const local = await runFlow(profile, { redactor, logger: createLogger({ log: () => undefined }, redactor), tokenCache: new TokenCache(), stageTimeoutMs: 10_000, now: Date.now }, { send: { events: [{ body: { hello: 'world' } }] } });
      assert.ok(local.ok);
      const tokens: TokenProvider = {
        getToken: (scopes, options) =>
          requestClientCredentialsToken({
            authorityHost: sandbox.urls.authorityHost,
            tenantId: sandbox.world.tenantId,
            clientId: sandbox.world.reader.clientId,
            clientSecret: sandbox.world.reader.clientSecret,
            audience: scopes[0] ?? '',
            endpointVersion: 'v2',
            destination: destinationOf(sandbox.urls.authorityHost),
            signal: options.signal,
            trustedCaPem: sandbox.caPem,
          }),
      };
      const client = adfPipelineClient(armService('public', sandbox.urls.resourceManager), { subscriptionId: world.subscriptionId, resourceGroup: world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME }, { tokens, signal: new AbortController().signal, trustedCaPem: sandbox.caPem });
      const resource = buildPipeline(profile);
      const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
      const pipeline = await startAndWatch(client, deployed, {}, { signal: new AbortController().signal, pollMs: 30 });
      assert.equal(pipeline.status, 'Failed');
      const comparison = compareRuns(local, pipeline, profile, 'msi');
      const read = comparison.rows.find((row) => row.stage === 'readClientId');
      assert.equal(read?.verdict, 'passesLocallyOnly');
      assert.equal(read?.pipeline?.code, 'ForbiddenByRbac');
      assert.match(read?.difference ?? '', /^Identity: the pipeline reads the vault as the factory's \(or workspace's\) managed identity; the local run reads it as the reader service principal/);
      assert.equal(comparison.rows.find((row) => row.stage === 'keyVaultToken')?.verdict, 'same');
      assert.match(comparison.summary, /^They disagree at Read client id: it passes locally and fails in the pipeline\. Identity:/);
      const markdown = comparisonMarkdown(comparison, 'Compare');
      assert.match(markdown, /\| Read client id \| succeeded \d+ ms \| Get client id \| Failed .*ForbiddenByRbac.* \| passesLocallyOnly \|/);
      assert.ok(!markdown.includes(sandbox.world.pipeline.clientSecret));
    } finally {
      world.addRole(identity.clientId, 'Key Vault Secrets User');
    }
  });

  it('network and secret-version differences, and agreement', () => {
    const profile = sandbox.profile();
    const local = { ok: true, cancelled: false, totalMs: 5, outcomes: (['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'] as const).map((stage) => ({ stage, status: 'succeeded' as const, durationMs: 1 })) } satisfies FlowResult;
    const entry = (stage: string, activityName: string, status: string, code?: string): PipelineRunResult['timeline'][number] => ({
      activityName,
      activityType: 'WebActivity',
      stage: stage as 'send',
      status,
      attempts: 1,
      ...(code ? { error: { errorCode: code, message: '', failureType: 'UserError' } } : {}),
    });
    const run = (timeline: PipelineRunResult['timeline']): PipelineRunResult => ({ runId: 'r', status: timeline.some((e) => e.status === 'Failed') ? 'Failed' : 'Succeeded', timeline, cancelledByUser: false });
    const network = compareRuns(local, run([entry('readClientId', 'Get client id', 'Failed', '2308')]), profile, 'msi');
    assert.match(network.rows.find((row) => row.stage === 'readClientId')?.difference ?? '', /^Network: the pipeline calls from the factory's/);
    const version = compareRuns(local, run([entry('readClientId', 'Get client id', 'Succeeded'), entry('eventHubsToken', 'Get Event Hubs token', 'Failed', '2108')]), profile, 'msi');
    assert.match(version.rows.find((row) => row.stage === 'eventHubsToken')?.difference ?? '', /^Secret version:/);
    const same = compareRuns(local, run([entry('readClientId', 'Get client id', 'Succeeded'), entry('readClientSecret', 'Get client secret', 'Succeeded'), entry('eventHubsToken', 'Get Event Hubs token', 'Succeeded'), entry('send', 'Send event', 'Succeeded')]), profile, 'msi');
    assert.equal(same.summary, 'Both runs pass every stage.');
  });
});
