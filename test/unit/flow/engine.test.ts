import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlow, type RunFlowOptions } from '../../../src/core/flow/engine';
import type { StageImplementation } from '../../../src/core/flow/stage';
import type { FlowEvent, FlowServices, StageId } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { testServices } from './flowFixture';

const CLIENT_SECRET = 'reader~Secret~Value~1234567890abcdef';

function profile(endpointAuth: ConnectionProfile['endpoint']['auth'] = { kind: 'entra' }): ConnectionProfile {
  return {
    id: 'p1',
    name: 'Test',
    cloud: 'public',
    keyVault: {
      vaultUrl: 'https://contoso.vault.azure.net',
      auth: { kind: 'servicePrincipal', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-1111-1111-1111-111111111111', clientSecret: CLIENT_SECRET },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret' },
    },
    eventHubsToken: { tenantId: 'contoso.onmicrosoft.com', endpointVersion: 'v1' },
    endpoint: { namespace: 'eventstream-1.servicebus.windows.net', eventHubName: 'es_1', auth: endpointAuth, protocol: 'rest' },
  };
}

function services(stageTimeoutMs = 5_000): FlowServices & { lines: string[] } {
  const lines: string[] = [];
  return { lines, ...testServices(lines, { stageTimeoutMs }) };
}

/** Stage implementations that record their timing and resolve after `ms`, so scheduling can be observed. */
function timedStages(log: string[], ms = 20, overrides: Partial<Record<StageId, () => Promise<never>>> = {}): RunFlowOptions['stages'] {
  const make = <S extends StageId>(id: S, output: unknown): StageImplementation<S> => ({
    id,
    run: async (ctx) => {
      log.push(`start ${id}`);
      const failing = overrides[id];
      if (failing) {
        return failing();
      }
      await new Promise((r) => setTimeout(r, ms));
      assert.equal(ctx.signal.aborted, false);
      log.push(`end ${id}`);
      return { output: output as never, summary: `${id} ok` };
    },
  });
  const token = { token: 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln', expiresOnTimestamp: Date.now() + 3_600_000 };
  const secret = { name: 's', version: 'v', value: 'value-xyz-123', enabled: true };
  return {
    keyVaultToken: make('keyVaultToken', token),
    readClientId: make('readClientId', secret),
    readClientSecret: make('readClientSecret', secret),
    eventHubsToken: make('eventHubsToken', token),
    send: make('send', { protocol: 'rest', eventsAccepted: 1, requests: 1, bytes: 10 }),
    probe: make('probe', { eventHubName: 'es_1', createdOn: new Date(), partitionIds: ['0'], partitions: [] }),
  };
}

const send = { events: [{ body: { hello: 'world' } }] };

describe('flow engine', () => {
  it('runs the five pipeline stages in dependency order and reports each with a duration', async () => {
    const log: string[] = [];
    const events: FlowEvent[] = [];
    const result = await runFlow(profile(), services(), { send, stages: timedStages(log), onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.outcomes.map((o) => [o.stage, o.status]),
      [
        ['keyVaultToken', 'succeeded'],
        ['readClientId', 'succeeded'],
        ['readClientSecret', 'succeeded'],
        ['eventHubsToken', 'succeeded'],
        ['send', 'succeeded'],
      ],
    );
    assert.ok(log.indexOf('end keyVaultToken') < log.indexOf('start readClientId'));
    assert.ok(log.indexOf('end readClientSecret') < log.indexOf('start eventHubsToken'));
    assert.ok(log.indexOf('end eventHubsToken') < log.indexOf('start send'));
    const succeeded = events.filter((e) => e.type === 'stageSucceeded');
    assert.equal(succeeded.length, 5);
    for (const e of succeeded) {
      assert.ok(e.type === 'stageSucceeded' && e.durationMs >= 15, `duration recorded for ${e.stage}`);
    }
    assert.equal(result.send?.eventsAccepted, 1);
  });

  it('reads the client id and the client secret in parallel', async () => {
    const log: string[] = [];
    await runFlow(profile(), services(), { send, stages: timedStages(log, 40) });
    const startBoth = Math.max(log.indexOf('start readClientId'), log.indexOf('start readClientSecret'));
    const firstEnd = Math.min(log.indexOf('end readClientId'), log.indexOf('end readClientSecret'));
    assert.ok(startBoth < firstEnd, `both reads start before either ends: ${log.join(', ')}`);
  });

  it('lets the other read finish when one fails, and does not run what depends on them', async () => {
    const log: string[] = [];
    const fail = (): Promise<never> => Promise.reject(Object.assign(new Error('A secret with (name/id) pipeline-client-id was not found'), { statusCode: 404, code: 'SecretNotFound', name: 'RestError' }));
    const result = await runFlow(profile(), services(), { send, stages: timedStages(log, 20, { readClientId: fail }) });
    assert.equal(result.ok, false);
    assert.equal(result.failedStage, 'readClientId');
    const byStage = Object.fromEntries(result.outcomes.map((o) => [o.stage, o.status]));
    assert.equal(byStage.readClientSecret, 'succeeded');
    assert.equal(byStage.eventHubsToken, 'notRun');
    assert.equal(byStage.send, 'notRun');
    assert.ok(!log.includes('start eventHubsToken'));
    const failed = result.outcomes.find((o) => o.status === 'failed');
    assert.equal(failed?.error?.stage, 'readClientId');
    assert.ok(failed?.error?.explanation.fix.length, 'a failure carries a remedy');
  });

  it('skips the Key Vault and token stages when the endpoint uses a SAS key, and says why', async () => {
    const log: string[] = [];
    const events: FlowEvent[] = [];
    const result = await runFlow(profile({ kind: 'sas', keyName: 'key_1', key: 'c2FzLWtleS12YWx1ZS0xMjM0NTY=' }), services(), {
      send,
      stages: timedStages(log),
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.ok, true);
    assert.deepEqual(log, ['start send', 'end send']);
    const skipped = events.filter((e) => e.type === 'stageSkipped').map((e) => e.stage);
    assert.deepEqual(skipped, ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken']);
  });

  it('runs only what a single stage needs', async () => {
    const log: string[] = [];
    const result = await runFlow(profile(), services(), { target: 'readClientSecret', stages: timedStages(log) });
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.outcomes.map((o) => o.stage),
      ['keyVaultToken', 'readClientSecret'],
    );
  });

  it('fails a stage that overruns its timeout with StageTimeout and an explanation', async () => {
    const log: string[] = [];
    const hang = (): Promise<never> => new Promise<never>(() => undefined);
    const started = Date.now();
    const result = await runFlow(profile(), services(150), { target: 'keyVaultToken', stages: timedStages(log, 5, { keyVaultToken: hang }) });
    assert.equal(result.ok, false);
    assert.equal(result.cancelled, false);
    assert.equal(result.failedStage, 'keyVaultToken');
    assert.equal(result.outcomes[0]?.error?.code, 'StageTimeout');
    assert.ok(Date.now() - started < 5_000, 'the run returns once the stage timed out');
  });

  it('cancels through the AbortSignal: running stages stop, nothing is reported as a failure', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const events: FlowEvent[] = [];
    const hang = (): Promise<never> => new Promise<never>(() => undefined);
    setTimeout(() => controller.abort(), 50);
    const result = await runFlow(profile(), services(), {
      send,
      signal: controller.signal,
      stages: timedStages(log, 5, { readClientSecret: hang }),
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.ok, false);
    assert.equal(result.failedStage, undefined);
    assert.ok(events.some((e) => e.type === 'stageCancelled' && e.stage === 'readClientSecret'));
    assert.ok(!events.some((e) => e.type === 'stageFailed'));
    const byStage = Object.fromEntries(result.outcomes.map((o) => [o.stage, o.status]));
    assert.equal(byStage.readClientSecret, 'cancelled');
  });

  it('never lets a known secret reach an event, an error or the log', async () => {
    const log: string[] = [];
    const svc = services();
    const events: FlowEvent[] = [];
    const leak = (): Promise<never> =>
      Promise.reject(new Error(`AADSTS7000215: Invalid client secret provided. client_secret=${CLIENT_SECRET}&grant_type=client_credentials`));
    await runFlow(profile(), svc, { send, stages: timedStages(log, 5, { keyVaultToken: leak }), onEvent: (e) => events.push(e) });
    const everything = JSON.stringify(events) + svc.lines.join('\n');
    assert.ok(everything.includes('7000215'), 'the error itself is reported');
    assert.ok(!everything.includes(CLIENT_SECRET), 'the client secret is redacted everywhere');
  });

  it('redacts a secret read earlier in the run from the explanation, not only from the message', async () => {
    const log: string[] = [];
    const svc = services();
    const events: FlowEvent[] = [];
    // A client id read from Key Vault is a plain GUID: only the run's redactor knows it is secret.
    const pipelineClientId = '9d3c1a52-7f0e-4b8e-a1c2-3d4e5f607182';
    const stages = timedStages(log, 5, {
      eventHubsToken: () => Promise.reject(new Error(`Service said: application ${pipelineClientId} is not allowed here`)),
    });
    const readClientId = stages?.readClientId;
    assert.ok(readClientId);
    const withKnownId: StageImplementation<'readClientId'> = {
      id: 'readClientId',
      run: async (ctx, inputs, request) => {
        ctx.redactor.add(pipelineClientId);
        return readClientId.run(ctx, inputs, request);
      },
    };
    const result = await runFlow(profile(), svc, { send, stages: { ...stages, readClientId: withKnownId }, onEvent: (e) => events.push(e) });
    assert.equal(result.failedStage, 'eventHubsToken');
    const everything = JSON.stringify(events) + JSON.stringify(result) + svc.lines.join('\n');
    assert.ok(everything.includes('is not allowed here'), 'the service message is still reported');
    assert.ok(!everything.includes(pipelineClientId), 'the client id read from Key Vault is redacted everywhere');
  });

  it('refuses to run a profile whose extra CA would be trusted for Azure hosts', async () => {
    const log: string[] = [];
    const withCa = { ...profile(), trustedCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };
    await assert.rejects(runFlow(withCa, services(), { send, stages: timedStages(log) }), (error: unknown) => {
      assert.equal((error as { field?: string }).field, 'trustedCaPem');
      assert.match((error as Error).message, /contoso\.vault\.azure\.net/);
      return true;
    });
    assert.deepEqual(log, [], 'no stage ran');
  });

  it('keeps going when an event listener throws', async () => {
    const log: string[] = [];
    const svc = services();
    const result = await runFlow(profile(), svc, {
      send,
      stages: timedStages(log),
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    assert.equal(result.ok, true);
    assert.ok(svc.lines.some((l) => l.includes('listener bug')));
  });
});
