// The Event Hubs peer's per-partition ingress limit, end to end: REST answers 429 with Retry-After,
// AMQP rejects the transfer with com.microsoft:server-busy (ServerBusyError), and what was refused
// is logged apart from what was received.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { EventHubProducerClient, type EventHubClientOptions } from '@azure/event-hubs';
import { NO_RETRY, jwt, staticCredential, startFixture, type EventHubsFixture } from './eventHubsFixture';

let fx: EventHubsFixture;
const open: EventHubProducerClient[] = [];

before(async () => {
  fx = await startFixture();
});
after(async () => {
  await fx.sandbox.stop();
});
beforeEach(() => {
  fx.sandbox.received.clear();
});
afterEach(async () => {
  fx.sandbox.ingress.setPartitionLimit(undefined);
  await Promise.allSettled(open.splice(0).map((client) => client.close()));
});

async function post(path: string, body = 'hello', headers: Record<string, string> = {}): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const res = await fetch(`https://${fx.namespace}/${fx.hub}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt(fx)}`, 'Content-Type': 'application/atom+xml;type=entry;charset=utf-8', ...headers },
    body,
  });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

function producer(options: EventHubClientOptions): EventHubProducerClient {
  const client = new EventHubProducerClient(fx.namespace, fx.hub, staticCredential(fx), options);
  open.push(client);
  return client;
}

async function sendTo(client: EventHubProducerClient, partitionId: string, count: number): Promise<void> {
  const batch = await client.createBatch({ partitionId });
  for (let i = 0; i < count; i++) {
    assert.ok(batch.tryAdd({ body: { n: i } }));
  }
  await client.sendBatch(batch);
}

describe('Event Hubs partition limit: REST', () => {
  it('is off by default: a burst is all accepted', async () => {
    assert.equal(fx.sandbox.ingress.partitionLimit(), undefined);
    const results = await Promise.all(Array.from({ length: 20 }, () => post('/partitions/0/messages')));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([201]));
    assert.equal(fx.sandbox.received.all().length, 20);
    assert.deepEqual(fx.sandbox.received.throttled(), []);
  });

  it('over the limit: 429 with Retry-After and the ServerBusy text; refused events are not recorded, and counted as throttled', async () => {
    fx.sandbox.ingress.setPartitionLimit({ eventsPerSecond: 2 });
    assert.deepEqual(fx.sandbox.ingress.partitionLimit(), { eventsPerSecond: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post('/partitions/0/messages', `event-${i}`)));
    const accepted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    assert.ok(accepted.length >= 2, 'a second of the limit passes at once');
    assert.ok(refused.length >= 1, 'the burst goes over the limit');
    for (const res of refused) {
      assert.equal(res.status, 429, res.text);
      assert.match(res.retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
      assert.match(res.text, /^<Error><Code>429<\/Code><Detail>The request was terminated because the entity is being throttled\. Error code : 50002\. Sub error : 102\. Please wait \d+ seconds and try again\. TrackingId:/);
    }
    const received = fx.sandbox.received.all();
    assert.equal(received.length, accepted.length, 'only the accepted events are received');
    const throttled = fx.sandbox.received.throttled();
    assert.equal(throttled.length, refused.length);
    for (const send of throttled) {
      assert.equal(send.protocol, 'rest');
      assert.equal(send.partitionId, '0');
      assert.equal(send.eventHubName, fx.hub);
      assert.equal(send.events, 1);
      assert.equal(send.bytes, 'event-0'.length);
      assert.ok(send.retryAfterSeconds >= 1);
    }
    const bodies = new Set(received.map((e) => e.body.toString('utf8')));
    assert.equal(bodies.size, accepted.length, 'no event recorded twice');
  });

  it('refuses a batch whole, and leaves the other partitions alone', async () => {
    fx.sandbox.ingress.setPartitionLimit({ eventsPerSecond: 3 });
    const batch = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ Body: `b${i}` })));
    const headers = { 'Content-Type': 'application/vnd.microsoft.servicebus.json' };
    // Ten events on a full bucket of three pass, and put the partition ~7 s in debt.
    assert.equal((await post('/partitions/1/messages', batch(10), headers)).status, 201);
    const refused = await post('/partitions/1/messages', batch(2), headers);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.retryAfter) >= 2, `Retry-After ${refused.retryAfter} covers the debt`);
    assert.equal((await post('/partitions/0/messages')).status, 201);
    assert.equal(fx.sandbox.received.all().filter((e) => e.partitionId === '1').length, 10);
    assert.deepEqual(
      fx.sandbox.received.throttled().map((t) => [t.partitionId, t.events]),
      [['1', 2]],
    );
    // Turned off at run time, the same partition takes events again at once.
    fx.sandbox.ingress.setPartitionLimit(undefined);
    assert.equal((await post('/partitions/1/messages')).status, 201);
  });

  it('limits bytes per second of event bodies', async () => {
    fx.sandbox.ingress.setPartitionLimit({ bytesPerSecond: 1000 });
    assert.equal((await post('/partitions/0/messages', 'x'.repeat(900))).status, 201);
    assert.equal((await post('/partitions/0/messages', 'x'.repeat(900))).status, 429);
    assert.equal((await post('/partitions/1/messages', 'x'.repeat(900))).status, 201);
  });

  it('refuses a limit that is not a positive number', () => {
    assert.throws(() => fx.sandbox.ingress.setPartitionLimit({ eventsPerSecond: 0 }), TypeError);
    assert.equal(fx.sandbox.ingress.partitionLimit(), undefined);
  });
});

describe('Event Hubs partition limit: AMQP', () => {
  it('without retries, sendBatch over the limit fails with ServerBusyError (retryable) and nothing of it is recorded', async () => {
    fx.sandbox.ingress.setPartitionLimit({ eventsPerSecond: 1 });
    const client = producer({ retryOptions: NO_RETRY });
    // Ten events on a full bucket of one pass, and leave the partition nine seconds in debt.
    await sendTo(client, '0', 10);
    const error = await sendTo(client, '0', 2).then(
      () => assert.fail('expected the send to be throttled'),
      (caught: unknown) => caught as Error & { code?: string; retryable?: boolean },
    );
    assert.equal(error.code, 'ServerBusyError', String(error));
    assert.equal(error.retryable, true);
    assert.match(error.message, /The request was terminated because the entity is being throttled\. Error code : 50002/);
    assert.equal(fx.sandbox.received.all().length, 10);
    assert.deepEqual(
      fx.sandbox.received.throttled().map((t) => [t.protocol, t.partitionId, t.events]),
      [['amqp', '0', 2]],
    );
  });

  it("with the SDK's retries, a throttled send succeeds once the bucket has refilled", async () => {
    fx.sandbox.ingress.setPartitionLimit({ eventsPerSecond: 4 });
    // The SDK's own retry loop (fixed mode, default 3 retries); only the delay is shortened from its 30 s default.
    const client = producer({ retryOptions: { retryDelayInMs: 400, timeoutInMs: 5000 } });
    await sendTo(client, '1', 4);
    await sendTo(client, '1', 1);
    assert.equal(fx.sandbox.received.all().length, 5);
    const throttled = fx.sandbox.received.throttled();
    assert.ok(throttled.length >= 1, 'the second send was refused at least once before it passed');
    assert.ok(throttled.every((t) => t.protocol === 'amqp' && t.partitionId === '1' && t.events === 1));
  });
});
