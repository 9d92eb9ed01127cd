// The round trip against the sandbox: listen on a consumer group, send over REST or AMQP, and
// find the sent event again by its correlation id, among other traffic; and when it cannot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { AzureNamedKeyCredential } from '@azure/core-auth';
import { CORRELATION_PROPERTY, runFlowWithReadBack, type RoundTripResult } from '../../../src/core/flow/roundTrip';
import type { FlowServices, SendRequest } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { toShareableProfile } from '../../../src/core/model/shareable';
import { validateProfile } from '../../../src/core/model/validate';
import { sandboxInternals } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[];

const services = (): FlowServices => testServices(lines);

const send: SendRequest = { events: [{ body: '{"hello":"round trip"}', contentType: 'application/json', properties: { source: 'round-trip-test' } }] };

function assertNoSecrets(result: RoundTripResult, extra: string[] = []): void {
  const text = JSON.stringify(result) + lines.join('\n');
  for (const secret of [sandbox.world.reader.clientSecret, sandbox.world.pipeline.clientSecret, sandbox.world.sas.key, ...extra]) {
    assert.ok(!text.includes(secret), 'a secret leaked');
  }
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
}

/** Other traffic on the hub while the round trip waits. */
async function noise(count: number): Promise<void> {
  const producer = new EventHubProducerClient(sandbox.urls.namespace, sandbox.world.eventHubName, new AzureNamedKeyCredential(sandbox.world.sas.keyName, sandbox.world.sas.key));
  try {
    await producer.sendBatch(
      Array.from({ length: count }, (_, i) => ({ body: { noise: i }, properties: { [CORRELATION_PROPERTY]: `someone-else-${i}` } })),
    );
  } finally {
    await producer.close();
  }
}

useSandbox((started) => (sandbox = started), () => (lines = []));

describe('round trip: read the sent event back', () => {
  for (const protocol of ['rest', 'amqp'] as const) {
    it(`matches the event sent over ${protocol.toUpperCase()} by its correlation id, among other traffic`, async () => {
      await noise(3);
      const result = await runFlowWithReadBack(sandbox.profile({ protocol }), services(), { send, readBack: { timeoutSeconds: 10 } });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      const readBack = result.readBack;
      assert.equal(readBack?.status, 'matched', JSON.stringify(readBack));
      assert.ok(readBack.status === 'matched');
      const arrived = sandbox.received.all().find((e) => e.properties[CORRELATION_PROPERTY] === readBack.correlationId);
      assert.ok(arrived, 'the event on the hub carries the correlation id');
      assert.equal(arrived.protocol, protocol);
      // REST BrokerProperties MessageId/CorrelationId and AMQP message-id/correlation-id alike.
      assert.equal(arrived.correlationId, readBack.correlationId);
      assert.equal(arrived.messageId, readBack.correlationId);
      assert.equal(readBack.partitionId, arrived.partitionId);
      assert.equal(readBack.sequenceNumber, arrived.sequenceNumber);
      assert.equal(readBack.consumerGroup, '$Default');
      assert.ok(readBack.otherEvents >= 3, `the noise was read and skipped (${readBack.otherEvents})`);
      assert.ok(readBack.latencyMs >= 0 && readBack.latencyMs < 10_000);
      assert.ok(Math.abs(readBack.enqueueLatencyMs) < 10_000);
      assertNoSecrets(result);
    });
  }

  it('reads back from a Fabric-style destination: its own consumer group and SAS key', async () => {
    const group = sandbox.world.consumerGroups[1] ?? '';
    const profile: ConnectionProfile = {
      ...sandbox.profile({ protocol: 'amqp' }),
      readBack: { consumerGroup: group, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } },
    };
    assert.deepEqual(validateProfile(profile), []);
    const result = await runFlowWithReadBack(profile, services(), { send: { ...send, partitionId: '1' }, readBack: { timeoutSeconds: 10 } });
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
    assert.equal(result.readBack.consumerGroup, group);
    assert.ok(result.readBack.status === 'matched' && result.readBack.partitionId === '1');
    assertNoSecrets(result);
  });

  it('times out with an explanation when the consumer never sees the event', async () => {
    const lost = await runFlowWithReadBack(sandbox.profile({ protocol: 'rest' }), services(), {
      send,
      readBack: { timeoutSeconds: 1 },
      stages: {
        // The real send stage, but the event that leaves carries no correlation id (as an eventstream transform that drops properties would).
        send: {
          id: 'send',
          async run(ctx, inputs, request) {
            const { STAGES } = await import('../../../src/core/flow/stages/index');
            return STAGES.send.run(ctx, inputs, { ...request, send });
          },
        },
      },
    });
    assert.equal(lost.ok, true, 'the send itself succeeded');
    assert.equal(lost.readBack?.status, 'failed');
    assert.ok(lost.readBack.status === 'failed');
    assert.equal(lost.readBack.error.code, 'ReadBackTimeout');
    assert.match(lost.readBack.error.explanation.summary, /did not come back/);
    assert.match(lost.readBack.error.explanation.fix, /read-back-timeout/);
    assert.match(lost.readBack.error.message, new RegExp(lost.readBack.correlationId));
  });

  it('explains a consumer without Listen (SAS policy that may only send) and still sends', async () => {
    sandboxInternals(sandbox).world.sasRules.set('send-only', { key: 'c2VuZC1vbmx5LXJ1bGUta2V5LWZvci10ZXN0cw==', rights: ['Send'] });
    const profile: ConnectionProfile = {
      ...sandbox.profile({ protocol: 'amqp' }),
      readBack: { auth: { kind: 'sas', keyName: 'send-only', key: 'c2VuZC1vbmx5LXJ1bGUta2V5LWZvci10ZXN0cw==' } },
    };
    const result = await runFlowWithReadBack(profile, services(), { send, readBack: { timeoutSeconds: 10 } });
    assert.equal(result.ok, true, 'the send is not held back by the consumer');
    assert.equal(result.readBack?.status, 'failed');
    assert.ok(result.readBack.status === 'failed');
    assert.equal(result.readBack.error.code, 'MissingListenClaim');
    assert.match(result.readBack.error.explanation.fix, /Azure Event Hubs Data Receiver/);
    assertNoSecrets(result, ['c2VuZC1vbmx5LXJ1bGUta2V5LWZvci10ZXN0cw==']);
  });

  it('explains an Entra principal without the receiver role', async () => {
    const internals = sandboxInternals(sandbox);
    internals.world.removeRole(sandbox.world.pipeline.clientId, 'Azure Event Hubs Data Receiver');
    try {
      const result = await runFlowWithReadBack(sandbox.profile({ protocol: 'rest' }), services(), { send, readBack: { timeoutSeconds: 10 } });
      assert.equal(result.ok, true);
      assert.ok(result.readBack?.status === 'failed', JSON.stringify(result.readBack));
      assert.equal(result.readBack.error.code, 'MissingListenClaim');
    } finally {
      internals.world.addRole(sandbox.world.pipeline.clientId, 'Azure Event Hubs Data Receiver');
    }
  });

  it('explains an unknown consumer group', async () => {
    const result = await runFlowWithReadBack(sandbox.profile({ protocol: 'amqp' }), services(), { send, readBack: { consumerGroup: 'nobody-reads-this', timeoutSeconds: 10 } });
    assert.ok(result.readBack?.status === 'failed', JSON.stringify(result.readBack));
    assert.equal(result.readBack.error.code, 'ConsumerGroupNotFound');
    assert.match(result.readBack.error.explanation.fix, /\$Default/);
  });

  it('does not wait when the send fails', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', match: { protocol: 'rest' } });
    const result = await runFlowWithReadBack(sandbox.profile({ protocol: 'rest' }), services(), { send, readBack: { timeoutSeconds: 10 } });
    assert.equal(result.ok, false);
    assert.equal(result.readBack?.status, 'notRun');
  });

  it('reads back over WebSockets when the profile pins them (the CA handed to the socket, as in the extension host)', async () => {
    const base = sandbox.profile({ protocol: 'rest' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: 'websockets' } };
    const result = await runFlowWithReadBack(profile, services(), { send, readBack: { timeoutSeconds: 10 } });
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
  });

  it('falls back to WebSockets when port 5671 is blocked and the transport is not pinned', async () => {
    // Every AMQP-over-TLS connection is cut: the consumer must not depend on 5671 either.
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'amqpPortBlocked' });
    const base = sandbox.profile({ protocol: 'rest' });
    const profile: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: undefined } };
    const result = await runFlowWithReadBack(profile, services(), { send, readBack: { timeoutSeconds: 15 } });
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
    assert.ok(lines.some((l) => /Read back: tcp could not connect, trying websockets/.test(l)), lines.join('\n'));
  });

  it('never exports the read-back endpoint\'s key or connection string', () => {
    const base = sandbox.profile();
    for (const auth of [
      { kind: 'sas', keyName: 'key_dest', key: 'ZGVzdGluYXRpb24ta2V5LXZhbHVl' },
      { kind: 'connectionString', connectionString: 'Endpoint=sb://dest/;SharedAccessKeyName=k;SharedAccessKey=ZGVzdGluYXRpb24ta2V5LXZhbHVl;EntityPath=es_1' },
    ] as const) {
      const shared = JSON.stringify(toShareableProfile({ ...base, readBack: { consumerGroup: 'cg', auth } }));
      assert.ok(!shared.includes('ZGVzdGluYXRpb24ta2V5LXZhbHVl'), 'a read-back secret was exported');
      assert.match(shared, /"consumerGroup":"cg"/);
    }
  });

  it('refuses to read back with Entra when the send endpoint uses a SAS key (no Event Hubs token is obtained)', async () => {
    const base = sandbox.profile({ protocol: 'rest' });
    const profile: ConnectionProfile = {
      ...base,
      endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } },
      readBack: { auth: { kind: 'entra' } },
    };
    assert.match(validateProfile(profile).map((p) => p.message).join('\n'), /readBack\.auth: is entra, but the send endpoint does not use Entra ID/);
    const result = await runFlowWithReadBack(profile, services(), { send, readBack: { timeoutSeconds: 5 } });
    assert.equal(result.ok, true);
    assert.ok(result.readBack?.status === 'failed', JSON.stringify(result.readBack));
    assert.equal(result.readBack.error.code, 'ValidationError');
    assert.match(result.readBack.error.explanation.fix, /its own SAS key or connection string/);
    assertNoSecrets(result);
  });

  it('validates read-back settings with clear messages', () => {
    const profile: ConnectionProfile = {
      ...sandbox.profile(),
      readBack: { consumerGroup: 'bad group!', timeoutSeconds: 0, auth: { kind: 'sas', keyName: '', key: 'x' } },
    };
    const problems = validateProfile(profile).map((p) => p.message);
    assert.ok(problems.some((m) => /readBack\.consumerGroup: "bad group!" is not a consumer group name/.test(m)), problems.join('\n'));
    assert.ok(problems.some((m) => /readBack\.timeoutSeconds: is 0\. Give a number of seconds from 1 to 600/.test(m)), problems.join('\n'));
    assert.ok(problems.some((m) => /^readBack\.auth\.keyName/.test(m)), problems.join('\n'));
  });
});
