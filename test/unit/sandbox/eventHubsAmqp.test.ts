// The AMQP face of the Event Hubs peer, driven by the official EventHubProducerClient.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AzureNamedKeyCredential } from '@azure/core-auth';
import { EventHubProducerClient, type EventHubClientOptions } from '@azure/event-hubs';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { WebSocket } from 'ws';
import { NO_RETRY, staticCredential, startFixture, type EventHubsFixture } from './eventHubsFixture';

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
  fx.sandbox.faults.clear();
  await fx.internals.settled();
  await Promise.allSettled(open.splice(0).map((client) => client.close()));
});

function producer(credential: TokenCredential | AzureNamedKeyCredential, options: EventHubClientOptions = {}, hub = fx.hub): EventHubProducerClient {
  const client = new EventHubProducerClient(fx.namespace, hub, credential, { retryOptions: NO_RETRY, ...options });
  open.push(client);
  return client;
}

function sasCredential(key = fx.sandbox.world.sas.key, keyName = fx.sandbox.world.sas.keyName): AzureNamedKeyCredential {
  return new AzureNamedKeyCredential(keyName, key);
}

/** Resolves with the error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the operation to fail');
}

describe('Event Hubs AMQP peer: sending', () => {
  it('accepts a batch from a ClientSecretCredential (real Entra token) and records every event', async () => {
    const world = fx.sandbox.world;
    const credential = new ClientSecretCredential(world.tenantId, world.pipeline.clientId, world.pipeline.clientSecret, {
      authorityHost: fx.sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
    const client = producer(credential);
    const batch = await client.createBatch({ partitionKey: 'device-7' });
    assert.equal(batch.maxSizeInBytes, 1048576);
    assert.ok(batch.tryAdd({ body: { temperature: 21.5 }, properties: { site: 'north', level: 3 }, contentType: 'application/json' }));
    assert.ok(batch.tryAdd({ body: 'hello' }));
    await client.sendBatch(batch);

    const events = fx.sandbox.received.all();
    assert.equal(events.length, 2);
    const [first, second] = events;
    assert.ok(first && second);
    assert.equal(first.protocol, 'amqp');
    assert.equal(first.eventHubName, fx.hub);
    assert.equal(first.partitionKey, 'device-7');
    assert.equal(first.sender, world.pipeline.clientId);
    assert.equal(first.contentType, 'application/json');
    assert.deepEqual(JSON.parse(first.body.toString('utf8')), { temperature: 21.5 });
    assert.deepEqual(first.properties, { site: 'north', level: 3 });
    // The SDK JSON-encodes non-Buffer bodies: "hello" arrives as "\"hello\"".
    assert.equal(second.body.toString('utf8'), '"hello"');
    assert.equal(second.partitionId, first.partitionId, 'one partition key, one partition');
    assert.ok(world.partitionIds.includes(first.partitionId));
  });

  it('sends to an explicit partition', async () => {
    const client = producer(staticCredential(fx));
    const batch = await client.createBatch({ partitionId: '1' });
    batch.tryAdd({ body: Buffer.from([1, 2, 3]) });
    await client.sendBatch(batch);
    const [event] = fx.sandbox.received.all();
    assert.equal(event?.partitionId, '1');
    assert.equal(event?.partitionKey, undefined);
    assert.deepEqual([...(event?.body ?? [])], [1, 2, 3]);
  });

  it('sends an array of events with a SAS named-key credential; the sender is the key name', async () => {
    const client = producer(sasCredential());
    await client.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const events = fx.sandbox.received.all();
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => e.sender === fx.sandbox.world.sas.keyName));
    assert.deepEqual(
      events.map((e) => e.body.toString()),
      ['"a"', '"b"', '"c"'],
    );
  });

  it('accepts an emulator connection string on the plain TCP port', async () => {
    const { sas, eventHubName } = fx.sandbox.world;
    const connectionString = `Endpoint=sb://${fx.sandbox.urls.emulatorNamespace};SharedAccessKeyName=${sas.keyName};SharedAccessKey=${sas.key};UseDevelopmentEmulator=true;EntityPath=${eventHubName}`;
    const client = new EventHubProducerClient(connectionString, { retryOptions: NO_RETRY });
    open.push(client);
    await client.sendBatch([{ body: 'over tcp', properties: { via: 'emulator' } }], { partitionKey: 'k' });
    const [event] = fx.sandbox.received.all();
    assert.equal(event?.properties['via'], 'emulator');
    assert.equal(event?.partitionKey, 'k');
  });

  it('speaks AMQP over WebSockets on the same TLS port, trusting the CA given to the WebSocket', async () => {
    const client = producer(staticCredential(fx), {
      webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: fx.sandbox.caPem } },
    });
    const batch = await client.createBatch();
    batch.tryAdd({ body: 'over websockets' });
    await client.sendBatch(batch);
    assert.equal(fx.sandbox.received.all()[0]?.body.toString(), '"over websockets"');
    const properties = await client.getEventHubProperties();
    assert.equal(properties.name, fx.hub);
  });

  it('honours maxSizeInBytes from the link: tryAdd refuses what would pass 1 MiB', async () => {
    const client = producer(staticCredential(fx));
    const batch = await client.createBatch();
    const big = Buffer.alloc(600 * 1024, 1);
    assert.ok(batch.tryAdd({ body: big }));
    assert.equal(batch.tryAdd({ body: big }), false);
    await assert.rejects(client.createBatch({ maxSizeInBytes: 2 * 1048576 }), /greater than maximum message size/);
    await client.sendBatch(batch);
    assert.equal(fx.sandbox.received.all()[0]?.body.length, big.length);
  });
});

describe('Event Hubs AMQP peer: $management', () => {
  it('answers getEventHubProperties, getPartitionIds and getPartitionProperties', async () => {
    const client = producer(staticCredential(fx));
    const hub = await client.getEventHubProperties();
    assert.equal(hub.name, fx.hub);
    assert.deepEqual(hub.partitionIds, [...fx.sandbox.world.partitionIds]);
    assert.ok(hub.createdOn instanceof Date && !Number.isNaN(hub.createdOn.getTime()));
    assert.deepEqual(await client.getPartitionIds(), [...fx.sandbox.world.partitionIds]);

    const before = await client.getPartitionProperties('0');
    await client.sendBatch([{ body: 'x' }, { body: 'y' }], { partitionId: '0' });
    const afterSend = await client.getPartitionProperties('0');
    assert.equal(afterSend.partitionId, '0');
    assert.equal(afterSend.eventHubName, fx.hub);
    assert.equal(afterSend.isEmpty, false);
    assert.equal(afterSend.lastEnqueuedSequenceNumber, before.lastEnqueuedSequenceNumber + 2);
    assert.ok(afterSend.lastEnqueuedOnUtc.getTime() > 0);
  });

  it('answers management reads authorized by SAS', async () => {
    const client = producer(sasCredential());
    assert.deepEqual(await client.getPartitionIds(), [...fx.sandbox.world.partitionIds]);
  });
});

describe('Event Hubs AMQP peer: failures as the SDK surfaces them', () => {
  it('wrong SAS key → UnauthorizedError (InvalidSignature)', async () => {
    const error = await failure(producer(sasCredential('not-the-key')).sendBatch([{ body: 'x' }]));
    assert.equal(error.name, 'MessagingError');
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /InvalidSignature/);
  });

  it('unknown SAS key name → UnauthorizedError', async () => {
    const error = await failure(producer(sasCredential(fx.sandbox.world.sas.key, 'key_other')).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'UnauthorizedError');
  });

  it('unknown event hub → MessagingEntityNotFoundError', async () => {
    const error = await failure(producer(staticCredential(fx), {}, 'es_missing').sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'MessagingEntityNotFoundError');
    assert.match(error.message, /The messaging entity 'sb:\/\/localhost:\d+\/es_missing' could not be found/);
  });

  it('principal without the Data Sender role → UnauthorizedError with the Send-claim text', async () => {
    const error = await failure(producer(staticCredential(fx, { appid: fx.sandbox.world.reader.clientId })).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /'Send' claim\(s\) are required to perform this operation\. Resource: 'sb:\/\/localhost:\d+\/es_demo'/);
  });

  it('token for another audience → UnauthorizedError (InvalidAudience)', async () => {
    const error = await failure(producer(staticCredential(fx, { aud: 'https://vault.azure.net' })).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /InvalidAudience/);
  });

  it('accepts the audience without its trailing slash (v1 resource form)', async () => {
    await producer(staticCredential(fx, { aud: 'https://eventhubs.azure.net' })).sendBatch([{ body: 'x' }]);
    assert.equal(fx.sandbox.received.all().length, 1);
  });

  it('token from another tenant → UnauthorizedError (InvalidIssuer)', async () => {
    const other = '00000000-0000-0000-0000-000000000001';
    const error = await failure(producer(staticCredential(fx, { tid: other, iss: `https://sts.windows.net/${other}/` })).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /InvalidIssuer/);
  });

  it('expired token → UnauthorizedError (ExpiredToken)', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const error = await failure(producer(staticCredential(fx, { exp: past, iat: past - 3600, nbf: past - 3600 })).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'UnauthorizedError');
    assert.match(error.message, /ExpiredToken/);
  });

  it('invalid partition id → ArgumentOutOfRangeError', async () => {
    const error = await failure(producer(staticCredential(fx)).sendBatch([{ body: 'x' }], { partitionId: '9' }));
    assert.equal(error.code, 'ArgumentOutOfRangeError');
  });
});

describe('Event Hubs AMQP peer: injected faults', () => {
  it('throttled → ServerBusyError, then heals', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', match: { protocol: 'amqp' }, times: 1 });
    const client = producer(staticCredential(fx));
    const error = await failure(client.sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'ServerBusyError');
    await client.sendBatch([{ body: 'y' }]);
    assert.equal(fx.sandbox.received.all().length, 1);
  });

  it('throttled on an open link → ServerBusyError on the transfer', async () => {
    const client = producer(staticCredential(fx));
    await client.sendBatch([{ body: 'first' }]);
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', times: 1 });
    const error = await failure(client.sendBatch([{ body: 'second' }]));
    assert.equal(error.code, 'ServerBusyError');
  });

  it('serviceUnavailable → ServiceUnavailableError', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'serviceUnavailable', match: { protocol: 'amqp' } });
    const error = await failure(producer(staticCredential(fx)).getEventHubProperties());
    assert.equal(error.code, 'ServiceUnavailableError');
  });

  it('oversizedEvent → MessageTooLargeError whatever the size', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'oversizedEvent', times: 1 });
    const error = await failure(producer(staticCredential(fx)).sendBatch([{ body: 'tiny' }]));
    assert.equal(error.code, 'MessageTooLargeError');
    assert.equal(fx.sandbox.received.all().length, 0);
  });

  it('missingRole and wrongAudience answer as if the token had that problem', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', times: 1 });
    const missing = await failure(producer(staticCredential(fx)).sendBatch([{ body: 'x' }]));
    assert.equal(missing.code, 'UnauthorizedError');
    assert.match(missing.message, /'Send' claim/);
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'wrongAudience', times: 1 });
    const wrong = await failure(producer(sasCredential()).sendBatch([{ body: 'x' }]));
    assert.match(wrong.message, /InvalidAudience/);
  });

  it('faults can target one principal', async () => {
    const { reader, pipeline } = fx.sandbox.world;
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', match: { clientId: reader.clientId } });
    await producer(staticCredential(fx, { appid: pipeline.clientId })).sendBatch([{ body: 'x' }]);
    assert.equal(fx.sandbox.received.all().length, 1);
  });

  it('timeout → the SDK gives up with OperationTimeoutError', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'timeout', times: 1 });
    const error = await failure(producer(staticCredential(fx), { retryOptions: { maxRetries: 0, timeoutInMs: 1000 } }).sendBatch([{ body: 'x' }]));
    assert.equal(error.code, 'OperationTimeoutError');
  });

  it('connectionReset → the send fails', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'connectionReset', times: 1 });
    // The SDK notices the drop only when its operation timeout fires, as with a real reset.
    await failure(producer(staticCredential(fx), { retryOptions: { maxRetries: 0, timeoutInMs: 1000 } }).sendBatch([{ body: 'x' }]));
    assert.equal(fx.sandbox.received.all().length, 0);
  });

  it('connectionRefused → the connection fails until the fault is cleared', async () => {
    const id = fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'connectionRefused' });
    await fx.internals.settled();
    await failure(producer(staticCredential(fx)).sendBatch([{ body: 'x' }]));
    fx.sandbox.faults.clear(id);
    await fx.internals.settled();
    await producer(staticCredential(fx)).sendBatch([{ body: 'y' }]);
    assert.equal(fx.sandbox.received.all().length, 1);
  });
});
