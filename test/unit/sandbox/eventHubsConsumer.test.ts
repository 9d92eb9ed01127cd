// The receive side of the AMQP peer, driven by the official EventHubConsumerClient.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, afterEach, before, describe, it } from 'node:test';
import { AzureNamedKeyCredential } from '@azure/core-auth';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  latestEventPosition,
  type EventPosition,
  type ReceivedEventData,
  type SubscribeOptions,
} from '@azure/event-hubs';
import type { TokenCredential } from '@azure/identity';
import { create_container, types, type Connection, type EventContext } from 'rhea';
import { NO_RETRY, sasToken, staticCredential, startFixture, type EventHubsFixture } from './eventHubsFixture';

let fx: EventHubsFixture;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  fx = await startFixture();
});
after(async () => {
  await fx.sandbox.stop();
});
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
  fx.internals.world.sasRules.delete('send-only');
});

function sas(keyName = fx.sandbox.world.sas.keyName, key = fx.sandbox.world.sas.key): AzureNamedKeyCredential {
  return new AzureNamedKeyCredential(keyName, key);
}

function consumer(credential: TokenCredential | AzureNamedKeyCredential, group = '$Default'): EventHubConsumerClient {
  const client = new EventHubConsumerClient(group, fx.namespace, fx.hub, credential, { retryOptions: NO_RETRY });
  closers.push(() => client.close());
  return client;
}

function producer(): EventHubProducerClient {
  const client = new EventHubProducerClient(fx.namespace, fx.hub, sas(), { retryOptions: NO_RETRY });
  closers.push(() => client.close());
  return client;
}

interface Collected {
  readonly events: ReceivedEventData[];
  readonly errors: Error[];
  /** Resolves when the receive links of every partition are open (the first empty batch of each). */
  readonly ready: Promise<void>;
  next(count: number, timeoutMs?: number): Promise<ReceivedEventData[]>;
}

/** Subscribes and collects; `maxWaitTimeInSeconds` is short so that empty batches signal an open link. */
function collect(client: EventHubConsumerClient, position: EventPosition, options: Partial<SubscribeOptions> & { partitionId?: string } = {}): Collected {
  const events: ReceivedEventData[] = [];
  const errors: Error[] = [];
  const opened = new Set<string>();
  const expected = options.partitionId ? 1 : fx.sandbox.world.partitionIds.length;
  let signal = (): void => undefined;
  let readySignal = (): void => undefined;
  const ready = new Promise<void>((resolve) => (readySignal = resolve));
  const handlers = {
    processEvents: (batch: ReceivedEventData[], context: { partitionId: string }) => {
      opened.add(context.partitionId);
      if (opened.size >= expected) {
        readySignal();
      }
      events.push(...batch);
      signal();
      return Promise.resolve();
    },
    processError: (error: Error) => {
      errors.push(error);
      signal();
      return Promise.resolve();
    },
  };
  const subscribeOptions: SubscribeOptions = { startPosition: position, maxWaitTimeInSeconds: 0.2, ...options };
  const subscription = options.partitionId ? client.subscribe(options.partitionId, handlers, subscribeOptions) : client.subscribe(handlers, subscribeOptions);
  closers.unshift(() => subscription.close());
  return {
    events,
    errors,
    ready,
    next: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${events.length} events, errors: ${errors.map((e) => e.message).join('; ')}`)), timeoutMs);
        signal = () => {
          if (events.length >= count) {
            clearTimeout(timer);
            resolve(events.slice(0, count));
          }
        };
        signal();
      }),
  };
}

function firstError(collected: Collected, timeoutMs = 5000): Promise<Error & { code?: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (collected.errors[0]) {
        clearInterval(poll);
        resolve(collected.errors[0]);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('no error reported'));
      }
    }, 20);
  });
}

/** POST one event over REST with BrokerProperties, as the pipeline's Web activity would. */
function restSend(body: string, brokerProperties: Record<string, string>, partitionId?: string): Promise<number> {
  const path = `/${fx.hub}${partitionId ? `/partitions/${partitionId}` : ''}/messages`;
  const token = sasToken(`sb://${fx.namespace}/${fx.hub}`, fx.sandbox.world.sas.keyName, fx.sandbox.world.sas.key);
  const [host, port] = fx.namespace.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port),
        path,
        method: 'POST',
        ca: fx.sandbox.caPem,
        headers: { Authorization: token, 'Content-Type': 'application/json', BrokerProperties: JSON.stringify(brokerProperties), site: 'north' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Event Hubs AMQP peer: receiving', () => {
  it('delivers an AMQP-sent event from the latest position with the system annotations Event Hubs sets', async () => {
    const collected = collect(consumer(sas()), latestEventPosition);
    await collected.ready;
    const before = Date.now();
    await producer().sendBatch(
      [{ body: { temperature: 21.5 }, properties: { site: 'north' }, messageId: 'm-1', correlationId: 'corr-1', contentType: 'application/json' }],
      { partitionKey: 'device-7' },
    );
    const [event] = await collected.next(1);
    assert.ok(event);
    assert.deepEqual(event.body, { temperature: 21.5 });
    assert.deepEqual(event.properties, { site: 'north' });
    assert.equal(event.messageId, 'm-1');
    assert.equal(event.correlationId, 'corr-1');
    assert.equal(event.contentType, 'application/json');
    assert.equal(event.partitionKey, 'device-7');
    assert.equal(typeof event.sequenceNumber, 'number');
    assert.equal(typeof event.offset, 'string', 'offsets are strings, as the service (geo-replication) reports them');
    assert.ok(event.enqueuedTimeUtc instanceof Date);
    assert.ok(event.enqueuedTimeUtc.getTime() >= before - 5);
    const recorded = fx.sandbox.received.all().at(-1);
    assert.equal(event.sequenceNumber, recorded?.sequenceNumber);
  });

  it('delivers a REST-sent event with BrokerProperties MessageId and CorrelationId', async () => {
    const collected = collect(consumer(staticCredential(fx)), latestEventPosition, { partitionId: '1' });
    await collected.ready;
    assert.equal(await restSend('{"n":1}', { MessageId: 'rest-m', CorrelationId: 'rest-c' }, '1'), 201);
    const [event] = await collected.next(1);
    assert.deepEqual(event?.body, { n: 1 });
    assert.equal(event?.messageId, 'rest-m');
    assert.equal(event?.correlationId, 'rest-c');
    assert.deepEqual(event?.properties, { site: 'north' });
  });

  it('honours the selector filter: earliest replays the partition, a sequence number starts after it', async () => {
    await producer().sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }], { partitionId: '0' });
    const stream = fx.internals.recorder.stream('0');
    const last = stream.at(-1)?.event.sequenceNumber ?? -1;
    const all = collect(consumer(sas()), earliestEventPosition, { partitionId: '0' });
    const replayed = await all.next(stream.length);
    assert.deepEqual(
      replayed.map((e) => e.sequenceNumber),
      stream.map((s) => s.event.sequenceNumber),
    );
    const after = collect(consumer(sas()), { sequenceNumber: last - 1 }, { partitionId: '0' });
    const [only] = await after.next(1);
    assert.equal(only?.sequenceNumber, last);
    assert.equal(only?.body, 'c');
    const fromTime = collect(consumer(sas()), { enqueuedOn: Date.now() + 60_000 }, { partitionId: '0' });
    await fromTime.ready;
    assert.equal(fromTime.events.length, 0, 'nothing was enqueued after a future time');
  });

  it('delivers a partition in sequence order to a one-event batch size', async () => {
    await producer().sendBatch([{ body: 1 }, { body: 2 }, { body: 3 }], { partitionId: '1' });
    const from = (fx.internals.recorder.stream('1').at(-1)?.event.sequenceNumber ?? 0) - 3;
    const batches: number[] = [];
    const client = consumer(sas());
    const subscription = client.subscribe(
      '1',
      {
        processEvents: (events) => {
          if (events.length > 0) {
            batches.push(events.length);
          }
          return Promise.resolve();
        },
        processError: () => Promise.resolve(),
      },
      { startPosition: { sequenceNumber: from }, maxBatchSize: 1, maxWaitTimeInSeconds: 0.2 },
    );
    closers.unshift(() => subscription.close());
    const deadline = Date.now() + 5000;
    while (batches.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(batches, [1, 1, 1]);
  });

  it('honours link credit: one credit, one event; more credit, the rest', async () => {
    await producer().sendBatch([{ body: 'c1' }, { body: 'c2' }, { body: 'c3' }], { partitionId: '0' });
    const stream = fx.internals.recorder.stream('0');
    const from = (stream.at(-1)?.event.sequenceNumber ?? 0) - 3;
    const [host, port] = fx.namespace.split(':');
    const container = create_container();
    const connection: Connection = container.connect({
      host,
      port: Number(port),
      transport: 'tls',
      ca: fx.sandbox.caPem,
      servername: 'localhost',
      username: fx.sandbox.world.sas.keyName,
      reconnect: false,
    } as never);
    closers.push(async () => {
      connection.close();
      await new Promise((r) => setTimeout(r, 20));
    });
    const address = `${fx.hub}/ConsumerGroups/$Default/Partitions/0`;
    // $cbs put-token for the partition path, as the SDK does, then a bare receive link.
    await new Promise<void>((resolve, reject) => {
      const replies = connection.open_receiver({ source: { address: '$cbs' }, target: { address: 'cbs-reply' } });
      replies.on('message', (context: EventContext) => {
        const status = (context.message?.application_properties as Record<string, unknown> | undefined)?.['status-code'];
        if (status === 202) {
          resolve();
        } else {
          reject(new Error(`put-token answered ${String(status)}`));
        }
      });
      const cbs = connection.open_sender({ target: { address: '$cbs' } });
      let sent = false;
      cbs.on('sendable', () => {
        if (!sent) {
          sent = true;
          cbs.send({
            to: '$cbs',
            reply_to: 'cbs-reply',
            message_id: 'put-1',
            application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: `sb://${fx.namespace}/${address}` },
            body: sasToken(`sb://${fx.namespace}/${address}`, fx.sandbox.world.sas.keyName, fx.sandbox.world.sas.key),
          });
        }
      });
    });
    const bodies: string[] = [];
    const receiver = connection.open_receiver({
      source: { address, filter: { 'apache.org:selector-filter:string': types.wrap_described(`amqp.annotation.x-opt-sequence-number > '${from}'`, 77567109365764) } },
      credit_window: 0,
      autoaccept: true,
    });
    receiver.on('message', (context: EventContext) => {
      const body = context.message?.body as { content?: Buffer } | undefined;
      bodies.push(body?.content?.toString('utf8') ?? '');
    });
    await new Promise<void>((resolve) => receiver.once('receiver_open', () => resolve()));
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));
    receiver.add_credit(1);
    await settle();
    assert.deepEqual(bodies, ['"c1"'], 'one credit, one event');
    receiver.add_credit(5);
    await settle();
    assert.deepEqual(bodies, ['"c1"', '"c2"', '"c3"'], 'the rest once credit allows, in order');
  });

  it('refuses an unknown consumer group as the service does (amqp:not-found)', async () => {
    const collected = collect(consumer(sas(), 'no-such-group'), latestEventPosition, { partitionId: '0' });
    const error = await firstError(collected);
    assert.equal(error.code, 'MessagingEntityNotFoundError');
    assert.match(error.message, /The messaging entity 'sb:\/\/localhost:\d+\/es_demo\/ConsumerGroups\/no-such-group' could not be found/);
  });

  it('serves a Fabric-style consumer group (GUID name), case-insensitively', async () => {
    const group = fx.sandbox.world.consumerGroups[1] ?? '';
    assert.match(group, /^[0-9a-f-]{36}$/);
    const collected = collect(consumer(sas(), group.toUpperCase()), latestEventPosition, { partitionId: '0' });
    await collected.ready;
    await producer().sendBatch([{ body: 'to the destination' }], { partitionId: '0' });
    const [event] = await collected.next(1);
    assert.equal(event?.body, 'to the destination');
  });

  it('refuses a SAS rule without Listen (UnauthorizedError naming the Listen claim)', async () => {
    fx.internals.world.sasRules.set('send-only', { key: 'c2VuZC1vbmx5LWtleQ==', rights: ['Send'] });
    const collected = collect(consumer(sas('send-only', 'c2VuZC1vbmx5LWtleQ==')), latestEventPosition, { partitionId: '0' });
    const error = await firstError(collected);
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /'Listen' claim\(s\) are required to perform this operation\. Resource: 'sb:\/\/localhost:\d+\/es_demo\/consumergroups\/\$default\/partitions\/0'/);
    assert.doesNotMatch(error.message, /c2VuZC1vbmx5LWtleQ/);
  });

  it('refuses an Entra principal without "Azure Event Hubs Data Receiver"', async () => {
    const appid = fx.sandbox.world.reader.clientId; // has Key Vault roles only
    const collected = collect(consumer(staticCredential(fx, { appid })), latestEventPosition, { partitionId: '1' });
    const error = await firstError(collected);
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /'Listen' claim\(s\) are required/);
  });

  it('answers a missingRole fault on a consumer put-token with the Listen claim text', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', match: { protocol: 'amqp' }, times: 1 });
    try {
      const collected = collect(consumer(sas()), latestEventPosition, { partitionId: '0' });
      const error = await firstError(collected);
      assert.equal(error.code, 'UnauthorizedError');
      assert.match(error.message, /'Listen' claim\(s\) are required .*consumergroups\/\$default\/partitions\/0/);
    } finally {
      fx.sandbox.faults.clear();
    }
  });

  it('lets a higher owner level (epoch) take a partition over', async () => {
    const first = collect(consumer(sas()), latestEventPosition, { partitionId: '0', ownerLevel: 1 });
    await first.ready;
    const second = collect(consumer(sas()), latestEventPosition, { partitionId: '0', ownerLevel: 2 });
    await second.ready;
    const error = await firstError(first);
    assert.equal(error.code, 'ReceiverDisconnectedError');
    assert.match(error.message, /higher epoch of '2'/);
  });
});
