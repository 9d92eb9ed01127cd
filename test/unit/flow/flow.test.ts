// The whole flow, every stage real, against the local sandbox: success over REST and AMQP, the
// token cache, SAS and connection-string endpoints, and each stage failing the way Azure fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlow } from '../../../src/core/flow/engine';
import type { FlowEvent, FlowServices, SendRequest, StageId } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { faultForStage } from '../../../src/sandbox/stageFaults';
import type { FaultKind, Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[];

const services = (overrides: Partial<FlowServices> = {}): FlowServices => testServices(lines, overrides);

const send: SendRequest = { events: [{ body: '{"hello":"pipeline"}', contentType: 'application/json', properties: { source: 'flow-test' } }] };

/** Everything a run showed to anyone: events, result and log, as one string. */
function shown(events: FlowEvent[], result: unknown): string {
  return JSON.stringify(events) + JSON.stringify(result) + lines.join('\n');
}

function secretsOf(s: Sandbox): string[] {
  return [s.world.reader.clientSecret, s.world.pipeline.clientSecret, s.world.sas.key];
}

function assertNoSecrets(text: string): void {
  for (const secret of secretsOf(sandbox)) {
    assert.ok(!text.includes(secret), 'a sandbox secret leaked');
  }
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
  assert.doesNotMatch(text, /sig=[A-Za-z0-9%]{10,}/, 'a SAS signature leaked');
}

useSandbox(
  (started) => (sandbox = started),
  () => {
    lines = [];
    sandbox.received.clear();
  },
);

describe('the whole flow against the sandbox', () => {
  it('runs the five stages over REST and the event arrives with its body and properties', async () => {
    const events: FlowEvent[] = [];
    const result = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { send, onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assert.deepEqual(
      result.outcomes.map((o) => o.stage),
      ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'],
    );
    const arrived = sandbox.received.all();
    assert.equal(arrived.length, 1);
    assert.equal(arrived[0]?.protocol, 'rest');
    assert.equal(arrived[0]?.body.toString('utf8'), '{"hello":"pipeline"}');
    assert.equal(arrived[0]?.properties.source, 'flow-test');
    assert.equal(arrived[0]?.sender, sandbox.world.pipeline.clientId, 'sent as the pipeline principal read from Key Vault');
    assertNoSecrets(shown(events, result));
  });

  it('runs the five stages over AMQP (TLS) with a partition key', async () => {
    const profile = sandbox.profile({ protocol: 'amqp' });
    const result = await runFlow(profile, services(), { send: { ...send, partitionKey: 'device-7' } });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const arrived = sandbox.received.all();
    assert.equal(arrived.length, 1);
    assert.equal(arrived[0]?.protocol, 'amqp');
    assert.equal(arrived[0]?.partitionKey, 'device-7');
    assert.equal(result.send?.protocol, 'amqp');
  });

  it('sends over AMQP on WebSockets, trusting the sandbox CA from the profile alone', async () => {
    const base = sandbox.profile({ protocol: 'amqp' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: 'websockets' } };
    const result = await runFlow(profile, services(), { send: { events: [{ body: { n: 1 } }, { body: { n: 2 } }, { body: { n: 3 } }] } });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assert.equal(sandbox.received.all().length, 3);
    assert.equal(result.send?.eventsAccepted, 3);
  });

  it('probes the endpoint through $management without sending anything', async () => {
    const result = await runFlow(sandbox.profile(), services(), { target: 'probe' });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assert.deepEqual(result.endpoint?.partitionIds, [...sandbox.world.partitionIds]);
    assert.equal(result.endpoint?.eventHubName, sandbox.world.eventHubName);
    assert.equal(sandbox.received.all().length, 0);
  });

  it('caches both tokens: a second run fetches none', async () => {
    const svc = services();
    const first: FlowEvent[] = [];
    const second: FlowEvent[] = [];
    await runFlow(sandbox.profile(), svc, { send, onEvent: (e) => first.push(e) });
    const result = await runFlow(sandbox.profile(), svc, { send, onEvent: (e) => second.push(e) });
    assert.equal(result.ok, true);
    const cached = (events: FlowEvent[], stage: StageId): boolean | undefined =>
      events.find((e): e is Extract<FlowEvent, { type: 'stageSucceeded' }> => e.type === 'stageSucceeded' && e.stage === stage)?.cached;
    assert.equal(cached(first, 'keyVaultToken'), undefined);
    assert.equal(cached(second, 'keyVaultToken'), true);
    assert.equal(cached(second, 'eventHubsToken'), true);
  });

  it('does not answer a changed reader secret from the token cache', async () => {
    const svc = services();
    assert.equal((await runFlow(sandbox.profile(), svc, { target: 'keyVaultToken' })).ok, true);
    const base = sandbox.profile();
    assert.equal(base.keyVault.auth.kind, 'servicePrincipal');
    const wrong: ConnectionProfile = { ...base, keyVault: { ...base.keyVault, auth: { ...base.keyVault.auth, clientSecret: 'wrong~reader~secret~value~0123456789' } } };
    const result = await runFlow(wrong, svc, { target: 'keyVaultToken' });
    assert.equal(result.ok, false, 'a wrong secret must fail, not reuse the token the right one got');
    assert.equal(result.failedStage, 'keyVaultToken');
  });

  it('sends with the endpoint SAS key alone, skipping Key Vault', async () => {
    const base = sandbox.profile();
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } } };
    for (const protocol of ['rest', 'amqp'] as const) {
      const result = await runFlow(profile, services(), { send: { ...send, protocol } });
      assert.equal(result.ok, true, `${protocol}: ${JSON.stringify(result.outcomes)}`);
      assert.deepEqual(result.outcomes.map((o) => o.stage), ['send']);
    }
    assert.equal(sandbox.received.all().length, 2);
    assert.equal(sandbox.received.all()[0]?.sender, sandbox.world.sas.keyName);
  });

  it('sends with a Fabric-style connection string', async () => {
    const base = sandbox.profile();
    const { namespace, eventHubName } = base.endpoint;
    const connectionString = `Endpoint=sb://${namespace}/;SharedAccessKeyName=${sandbox.world.sas.keyName};SharedAccessKey=${sandbox.world.sas.key};EntityPath=${eventHubName}`;
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, auth: { kind: 'connectionString', connectionString } } };
    const events: FlowEvent[] = [];
    const result = await runFlow(profile, services(), { send, onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    assertNoSecrets(shown(events, result));
  });
});

/** Each documented failure, injected at its stage: the flow names the stage, the code and a remedy. */
const FAILURES: readonly { stage: StageId; kind: FaultKind; code: RegExp; protocol?: 'rest' | 'amqp' }[] = [
  { stage: 'keyVaultToken', kind: 'invalidClientSecret', code: /7000215/ },
  { stage: 'keyVaultToken', kind: 'unknownTenant', code: /90002/ },
  { stage: 'keyVaultToken', kind: 'unknownClient', code: /700016/ },
  { stage: 'keyVaultToken', kind: 'serviceUnavailable', code: /503|temporarily_unavailable|ServiceUnavailable/i },
  { stage: 'readClientId', kind: 'secretNotFound', code: /SecretNotFound/ },
  { stage: 'readClientId', kind: 'missingRole', code: /ForbiddenByRbac/ },
  { stage: 'readClientSecret', kind: 'secretDisabled', code: /SecretDisabled/ },
  { stage: 'readClientSecret', kind: 'throttled', code: /429|Throttl/i },
  { stage: 'eventHubsToken', kind: 'invalidClientSecret', code: /7000215/ },
  { stage: 'eventHubsToken', kind: 'expiredClientSecret', code: /7000222/ },
  { stage: 'send', kind: 'missingRole', code: /Send|Claim|401|Unauthorized/i, protocol: 'rest' },
  { stage: 'send', kind: 'wrongAudience', code: /InvalidAudience|401/, protocol: 'rest' },
  { stage: 'send', kind: 'oversizedEvent', code: /413|TooLarge/i, protocol: 'rest' },
  { stage: 'send', kind: 'serviceUnavailable', code: /503|Unavailable/i, protocol: 'rest' },
  { stage: 'send', kind: 'connectionReset', code: /ECONNRESET|socket hang up|reset/i, protocol: 'rest' },
  { stage: 'send', kind: 'missingRole', code: /Unauthorized/i, protocol: 'amqp' },
  { stage: 'send', kind: 'throttled', code: /ServerBusy|429/i, protocol: 'amqp' },
];

describe('each stage failing the way Azure fails', () => {
  for (const { stage, kind, code, protocol } of FAILURES) {
    it(`${stage} ${kind}${protocol ? ` (${protocol})` : ''}: the stage is named, explained, and nothing leaks`, async () => {
      sandbox.faults.inject(faultForStage(stage, kind, sandbox.world));
      const events: FlowEvent[] = [];
      const result = await runFlow(sandbox.profile({ protocol: protocol ?? 'rest' }), services(), { send, onEvent: (e) => events.push(e) });
      assert.equal(result.ok, false);
      assert.equal(result.failedStage, stage, JSON.stringify(result.outcomes));
      const failure = result.outcomes.find((o) => o.stage === stage)?.error;
      assert.ok(failure, 'the failed stage carries its error');
      assert.match(`${failure.code} ${failure.innerCode ?? ''} ${failure.status ?? ''}`, code);
      assert.ok(failure.explanation.fix.length > 10, 'a remedy is given');
      assertNoSecrets(shown(events, result));
    });
  }

  it('explains AADSTS7000215 at the Event Hubs token stage as the secret *value* stored in Key Vault', async () => {
    sandbox.faults.inject(faultForStage('eventHubsToken', 'invalidClientSecret', sandbox.world));
    const result = await runFlow(sandbox.profile(), services(), { send });
    const failure = result.outcomes.find((o) => o.stage === 'eventHubsToken')?.error;
    assert.match(failure?.explanation.fix ?? '', /value/i);
    assert.match(failure?.explanation.fix ?? '', /Key Vault/i);
  });

  it('times a stage out when the peer never answers', async () => {
    sandbox.faults.inject(faultForStage('readClientSecret', 'timeout', sandbox.world));
    const result = await runFlow(sandbox.profile(), services({ stageTimeoutMs: 2_500 }), { send });
    assert.equal(result.failedStage, 'readClientSecret');
    assert.equal(result.outcomes.find((o) => o.stage === 'readClientSecret')?.error?.code, 'StageTimeout');
    assert.equal(result.outcomes.find((o) => o.stage === 'readClientId')?.status, 'succeeded', 'the parallel read still completes');
  });

  it('cancels a run stuck on a silent peer', async () => {
    sandbox.faults.inject(faultForStage('send', 'timeout', sandbox.world));
    const controller = new AbortController();
    const events: FlowEvent[] = [];
    const run = runFlow(sandbox.profile(), services(), {
      send,
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'stageStarted' && e.stage === 'send') {
          // Cancel once the peer holds the request: a request still on its way when the test ends
          // would otherwise reach the peer later and spend the next test's fault.
          const poll = setInterval(() => {
            if (sandbox.faults.active().some((f) => f.kind === 'timeout' && f.hits > 0)) {
              clearInterval(poll);
              controller.abort();
            }
          }, 5);
        }
      },
    });
    const result = await run;
    assert.equal(result.cancelled, true);
    assert.equal(result.failedStage, undefined);
    assert.equal(result.outcomes.find((o) => o.stage === 'send')?.status, 'cancelled');
  });

  it('recovers once a fault that fails a fixed number of times is spent', async () => {
    sandbox.faults.inject({ ...faultForStage('send', 'serviceUnavailable', sandbox.world, 1), match: { protocol: 'rest' } });
    const failed = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { send });
    assert.equal(failed.failedStage, 'send');
    const healed = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { send });
    assert.equal(healed.ok, true);
  });
});
