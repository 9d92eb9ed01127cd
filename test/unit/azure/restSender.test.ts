import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSharedAccessSignature } from '../../../src/core/azure/sas';
import { MAX_EVENT_BYTES } from '../../../src/core/azure/eventEncoding';
import { restResourceUri, restSendUrl, sendRest, type RestAuth } from '../../../src/core/azure/restSender';
import { isCancelledError, isHttpResponseError, isValidationError } from '../../../src/core/errors/errors';
import type { AccessToken } from '../../../src/core/flow/types';
import type { Sandbox } from '../../../src/sandbox/types';
import { abortSoon, eventHubsToken, neverAborted, startTestSandbox } from './sandboxFixture';
import { destinationOf } from '../../shared/destination';

void describe('Event Hubs REST send', () => {
  let sandbox: Sandbox;
  let token: AccessToken;
  const bearer = (): RestAuth => ({ kind: 'bearer', token: token.token });
  const target = () => ({ namespace: sandbox.urls.namespace, destination: destinationOf(sandbox.urls.namespace), eventHubName: sandbox.world.eventHubName, signal: neverAborted() });

  before(async () => {
    sandbox = await startTestSandbox();
    token = await eventHubsToken(sandbox);
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.received.clear();
  });

  void it('one event with a bearer token: the atom content type, body as-is, properties as headers', async () => {
    const result = await sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'hello', properties: { Alert: 'Strong Wind', level: 3 } }] } });
    assert.deepEqual(result, { protocol: 'rest', eventsAccepted: 1, requests: 1, bytes: 5 });
    const [event] = sandbox.received.all();
    assert.ok(event);
    assert.equal(event.protocol, 'rest');
    assert.equal(event.body.toString('utf8'), 'hello');
    assert.equal(event.contentType, 'application/atom+xml;type=entry;charset=utf-8');
    assert.equal(event.sender, sandbox.world.pipeline.clientId);
    assert.equal(event.properties['Alert'], 'Strong Wind');
    assert.equal(event.properties['level'], '3');
  });

  void it("an object body is JSON; the event's own content type and a partition key travel too", async () => {
    const result = await sendRest({ ...target(), auth: bearer(), request: { partitionKey: 'device-7', events: [{ body: { t: 21.5, ok: true }, contentType: 'application/json' }] } });
    assert.equal(result.partitionKey, 'device-7');
    const [event] = sandbox.received.all();
    assert.equal(event?.body.toString('utf8'), '{"t":21.5,"ok":true}');
    assert.equal(event?.contentType, 'application/json');
    assert.equal(event?.partitionKey, 'device-7');
  });

  void it('several events go as one JSON batch request with UserProperties and the partition key per item', async () => {
    const events = [{ body: 'a', properties: { n: 1 } }, { body: { b: 2 } }, { body: 'c' }];
    const result = await sendRest({ ...target(), auth: bearer(), request: { events, partitionKey: 'k1' } });
    assert.equal(result.requests, 1);
    assert.equal(result.eventsAccepted, 3);
    assert.equal(result.bytes, 1 + 7 + 1);
    const received = sandbox.received.all();
    assert.deepEqual(
      received.map((e) => e.body.toString('utf8')),
      ['a', '{"b":2}', 'c'],
    );
    assert.equal(received[0]?.properties['n'], 1);
    assert.ok(received.every((e) => e.partitionKey === 'k1'));
    assert.equal(new Set(received.map((e) => e.partitionId)).size, 1, 'one key, one partition');
  });

  void it('sends to a partition id through /partitions/{id}/messages', async () => {
    const partitionId = sandbox.world.partitionIds[1] ?? '1';
    await sendRest({ ...target(), auth: bearer(), request: { partitionId, events: [{ body: 'p1' }, { body: 'p2' }] } });
    assert.deepEqual(
      sandbox.received.all().map((e) => e.partitionId),
      [partitionId, partitionId],
    );
    assert.equal(restSendUrl('ns.servicebus.windows.net', 'es_1', '0'), 'https://ns.servicebus.windows.net/es_1/partitions/0/messages?timeout=60&api-version=2014-01');
  });

  void it('splits a batch so no request exceeds 1 MiB', async () => {
    const big = 'x'.repeat(400_000);
    const result = await sendRest({ ...target(), auth: bearer(), request: { events: [{ body: big }, { body: big }, { body: big }, { body: 'tail' }] } });
    assert.equal(result.requests, 2);
    assert.equal(result.eventsAccepted, 4);
    assert.equal(sandbox.received.all().length, 4);
  });

  void it('authenticates with a SAS key (sr = https://{ns}/{hub}) and with a ready-made SAS token', async () => {
    const { keyName, key } = sandbox.world.sas;
    await sendRest({ ...target(), auth: { kind: 'sas', keyName, key }, request: { events: [{ body: 'sas' }] } });
    const signature = createSharedAccessSignature({ resourceUri: restResourceUri(sandbox.urls.namespace, sandbox.world.eventHubName), keyName, key });
    await sendRest({ ...target(), auth: { kind: 'sasToken', signature }, request: { events: [{ body: 'sas-token' }] } });
    assert.deepEqual(
      sandbox.received.all().map((e) => [e.body.toString('utf8'), e.sender]),
      [
        ['sas', keyName],
        ['sas-token', keyName],
      ],
    );
  });

  void it('a wrong SAS key is refused: HttpResponseError(eventHubsRest, 401) with the XML detail', async () => {
    await assert.rejects(sendRest({ ...target(), auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: 'wrong' }, request: { events: [{ body: 'x' }] } }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.service, 'eventHubsRest');
      assert.equal(error.status, 401);
      assert.match(error.bodyText, /<Error><Code>401<\/Code><Detail>.*Signature/);
      return true;
    });
    assert.equal(sandbox.received.all().length, 0);
  });

  void it('injected faults surface with their status: missing role 401, throttled 429 with Retry-After', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', match: { protocol: 'rest' }, times: 1 });
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'x' }] } }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.status, 401);
      assert.match(error.bodyText, /'Send' claim/);
      return true;
    });
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', match: { protocol: 'rest' }, times: 1, retryAfterSeconds: 7 });
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'x' }] } }), (error: unknown) => {
      assert.ok(isHttpResponseError(error));
      assert.equal(error.status, 429);
      assert.equal(error.headers['retry-after'], '7');
      return true;
    });
  });

  void it('refuses an event over 1,048,576 bytes before sending anything', async () => {
    const request = { events: [{ body: 'ok' }, { body: 'x'.repeat(MAX_EVENT_BYTES + 1) }] };
    // An unresolvable namespace proves nothing was attempted: a request would fail with ENOTFOUND.
    await assert.rejects(sendRest({ namespace: 'nowhere.invalid', destination: destinationOf('nowhere.invalid'), eventHubName: 'hub', auth: bearer(), request, signal: neverAborted() }), (error: unknown) => {
      assert.ok(isValidationError(error));
      assert.equal(error.field, 'events[1].body');
      assert.match(error.message, /1,048,577 bytes/);
      return true;
    });
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'x'.repeat(MAX_EVENT_BYTES + 1) }] } }), (error: unknown) => isValidationError(error));
    assert.equal(sandbox.received.all().length, 0);
    // Exactly the limit is fine.
    await sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'y'.repeat(MAX_EVENT_BYTES) }] } });
    assert.equal(sandbox.received.all()[0]?.body.length, MAX_EVENT_BYTES);
  });

  void it('refuses properties an HTTP header cannot carry, and partition key with partition id', async () => {
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'x', properties: { Authorization: 'x' } }] } }), (error: unknown) => isValidationError(error));
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { events: [{ body: 'x', properties: { note: 'line\nbreak' } }] } }), (error: unknown) => isValidationError(error));
    await assert.rejects(sendRest({ ...target(), auth: bearer(), request: { partitionKey: 'a', partitionId: '0', events: [{ body: 'x' }] } }), (error: unknown) => isValidationError(error));
    assert.equal(sandbox.received.all().length, 0);
  });

  void it('cancels a send the endpoint never answers', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'timeout', match: { protocol: 'rest' }, times: 1 });
    await assert.rejects(sendRest({ ...target(), signal: abortSoon(), auth: bearer(), request: { events: [{ body: 'x' }] } }), (error: unknown) => isCancelledError(error));
  });
});
