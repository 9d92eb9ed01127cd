// The pipeline export proved by running it: every profile × option combination the export tests
// schema-check is deployed through the sandbox's Data Factory route (and one through Fabric), run by
// the sandbox's pipeline runner against its Entra ID, Key Vault and Event Hubs peers, and counted at
// the Event Hubs peer, sent by the pipeline principal read from the vault.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import { armService, fabricService } from '../../../src/core/discovery/endpoints';
import type { DiscoveryContext } from '../../../src/core/discovery/rest';
import { renderTemplate } from '../../../src/core/events/template';
import { buildPipeline, READER_SECRET_PARAMETER } from '../../../src/core/export/pipeline';
import type { ExportOptions } from '../../../src/core/export/targets';
import type { TokenProvider } from '../../../src/core/flow/credentials';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { adfPipelineClient, applyDeploy, fabricPipelineClient, planDeploy, startAndWatch, type PipelineClient } from '../../../src/core/pipeline/index';
import { SANDBOX_FACTORY_NAME } from '../../../src/sandbox/arm/dataFactory';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { pipelineHostOf } from '../../../src/sandbox/pipelineRunner/host';
import { destinationOf } from '../../shared/destination';

const BODY = '{"site": "@{pipeline().parameters.site}", "run": "@{pipeline().RunId}", "id": "@{guid()}", "at": "@{utcNow()}", "n": @{eventIndex()}, "t": @{ticks(utcNow())}, "r": @{rand(1, 5)}, "by": "@{pipeline().Pipeline}"}';

let sandbox: Sandbox;
let adf: PipelineClient;
let fabric: PipelineClient;
before(async () => {
  sandbox = await startSandbox();
  const internals = sandboxInternals(sandbox);
  const host = pipelineHostOf(internals.world);
  host.timeScale = 0.001;
  host.retryAfterSeconds = 0;
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
  const context: DiscoveryContext = { tokens, signal: new AbortController().signal, trustedCaPem: sandbox.caPem };
  adf = adfPipelineClient(armService('public', sandbox.urls.resourceManager), { subscriptionId: internals.world.subscriptionId, resourceGroup: internals.world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME }, context);
  fabric = fabricPipelineClient(fabricService('public', sandbox.urls.fabricApi), internals.fabric.demoWorkspaceId, context);
});
after(() => sandbox.stop());
beforeEach(() => sandbox.received.clear());

function variants(): [string, ConnectionProfile][] {
  const base = sandbox.profile({ name: 'Export run' });
  const { world } = sandboxInternals(sandbox);
  const latestSecret = world.secrets.get(sandbox.world.secrets.clientSecretName)?.at(-1)?.version ?? '';
  return [
    ['Entra endpoint, v1 token', base],
    ['v2 token (scope)', { ...base, eventHubsToken: { ...base.eventHubsToken, endpointVersion: 'v2' } }],
    ['SAS endpoint (the export uses the Entra flow)', { ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } } }],
    ['connection-string endpoint', { ...base, endpoint: { ...base.endpoint, auth: { kind: 'connectionString', connectionString: `Endpoint=sb://${base.endpoint.namespace}/;SharedAccessKeyName=${sandbox.world.sas.keyName};SharedAccessKey=${sandbox.world.sas.key};EntityPath=${base.endpoint.eventHubName}` } } }],
    ['AMQP profile (the export sends over REST)', { ...base, endpoint: { ...base.endpoint, protocol: 'amqp' } }],
    // A profile on the real Azure host names, as a user's export has them: the runner reaches them the
    // way the sandbox proxy routes them (authority, *.vault.azure.net, *.servicebus.windows.net).
    ['real Azure host names', realHosts(base)],
    ['pinned secret version', { ...base, keyVault: { ...base.keyVault, clientSecretSecret: { name: sandbox.world.secrets.clientSecretName, version: latestSecret } } }],
  ];
}

function realHosts(base: ConnectionProfile): ConnectionProfile {
  const { authorityHost: _authority, trustedCaPem: _ca, ...rest } = base;
  return { ...rest, keyVault: { ...base.keyVault, vaultUrl: 'https://kv-esf-sandbox.vault.azure.net' }, endpoint: { ...base.endpoint, namespace: 'esehsandbox.servicebus.windows.net' } };
}

const OPTIONS: [string, ExportOptions][] = [
  ['managed identity, sample body', {}],
  ['managed identity, body with parameters', { bodyTemplate: BODY, parameters: { site: 'Oslo' } }],
  ['service principal, body with parameters', { keyVaultAuth: 'servicePrincipal', bodyTemplate: BODY, parameters: { site: 'Oslo' } }],
];

async function deployAndRun(client: PipelineClient, profile: ConnectionProfile, options: ExportOptions, name: string): Promise<string> {
  const resource = buildPipeline(profile, { ...options, name });
  const deployed = await applyDeploy(client, await planDeploy(client, resource), resource);
  const parameters: Record<string, string> = options.keyVaultAuth === 'servicePrincipal' ? { [READER_SECRET_PARAMETER]: sandbox.world.reader.clientSecret } : {};
  const result = await startAndWatch(client, deployed, parameters, { signal: new AbortController().signal, pollMs: 30 });
  assert.equal(result.status, 'Succeeded', `${result.message ?? ''} ${JSON.stringify(result.timeline.map((entry) => [entry.activityName, entry.status, entry.error?.message]))}`);
  return result.runId;
}

describe('every pipeline export runs green in the sandbox', () => {
  let n = 0;
  for (const [optionLabel, options] of OPTIONS) {
    it(`${optionLabel}: every profile variant, through Data Factory; one event each from the pipeline principal`, async () => {
      for (const [label, profile] of variants()) {
        sandbox.received.clear();
        await deployAndRun(adf, profile, options, `export-run-${++n}`);
        const events = sandbox.received.all();
        assert.equal(events.length, 1, label);
        assert.equal(events[0]?.sender, sandbox.world.pipeline.clientId, label);
        assert.equal(events[0]?.protocol, 'rest', label);
        const body = JSON.parse(events[0]?.body.toString('utf8') ?? '') as Record<string, unknown>;
        if (options.bodyTemplate) {
          assert.equal(body['site'], 'Oslo', label);
          assert.equal(body['n'], 0, `${label}: eventIndex() is 0 in a one-event pipeline`);
          assert.equal(body['by'], `export-run-${n}`, label);
        } else {
          assert.equal(body['message'], 'Sample event from Eventstream Flow', label);
        }
      }
    });
  }

  it('through Fabric too: the same export as a data pipeline runs green', async () => {
    await deployAndRun(fabric, sandbox.profile({ name: 'Fabric export run' }), { bodyTemplate: BODY, parameters: { site: 'Oslo' } }, 'fabric-export-run');
    assert.equal(sandbox.received.all().length, 1);
  });

  it('quotes, backslashes and line breaks in parameters and body arrive as the local flow sends them (JSON-escaped)', async () => {
    const body = '{"site": "@{pipeline().parameters.site}", "path": "C:\\\\data\\\\in", "say": "\\"hi\\" @{pipeline().parameters.note}", "n": 1}';
    const site = 'Oslo "north" \\ x';
    const resource = buildPipeline(sandbox.profile({ name: 'Quotes' }), { bodyTemplate: body, parameters: { site, note: 'none' }, name: 'quotes-run' });
    const deployed = await applyDeploy(adf, await planDeploy(adf, resource), resource);
    const note = 'line 1\nline 2\t"tab" \\\\ end\r';
    const result = await startAndWatch(adf, deployed, { note }, { signal: new AbortController().signal, pollMs: 30 });
    assert.equal(result.status, 'Succeeded', `${result.message ?? ''} ${JSON.stringify(result.timeline.map((entry) => [entry.activityName, entry.status, entry.error?.message]))}`);
    const events = sandbox.received.all();
    assert.equal(events.length, 1);
    const sent = events[0]?.body.toString('utf8') ?? '';
    // The same bytes the local flow (the template engine) sends with these values.
    assert.equal(sent, renderTemplate(body, { parameters: { site, note } }));
    const parsed = JSON.parse(sent) as Record<string, unknown>;
    assert.equal(parsed['site'], site);
    assert.equal(parsed['path'], 'C:\\data\\in');
    assert.equal(parsed['say'], `"hi" ${note}`);
  });

  it('a run parameter overrides the default the export wrote', async () => {
    const resource = buildPipeline(sandbox.profile({ name: 'Override' }), { bodyTemplate: BODY, parameters: { site: 'Oslo' }, name: 'override-run' });
    const deployed = await applyDeploy(adf, await planDeploy(adf, resource), resource);
    const result = await startAndWatch(adf, deployed, { site: 'Bergen' }, { signal: new AbortController().signal, pollMs: 30 });
    assert.equal(result.status, 'Succeeded');
    assert.equal((JSON.parse(sandbox.received.all()[0]?.body.toString('utf8') ?? '') as Record<string, unknown>)['site'], 'Bergen');
  });
});
