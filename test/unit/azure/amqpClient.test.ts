import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { probeEndpoint, sendAmqp } from '../../../src/core/azure/amqpClient';
import type { AmqpOptions } from '../../../src/core/azure/amqpConnection';
import { toTokenCredential } from '../../../src/core/azure/credentials';
import { MAX_EVENT_BYTES } from '../../../src/core/azure/eventEncoding';
import { isCancelledError, isValidationError } from '../../../src/core/errors/errors';
import type { AccessToken } from '../../../src/core/flow/types';
import type { Sandbox } from '../../../src/sandbox/types';
import { eventHubsToken, neverAborted, startTestSandbox } from './sandboxFixture';
import { destinationOf } from '../../shared/destination';

void describe('Event Hubs AMQP', () => {
  let sandbox: Sandbox;
  let untrusted: Sandbox;
  let token: AccessToken;
  const tokenTarget = (): AmqpOptions => ({
    namespace: sandbox.urls.namespace, destination: destinationOf(sandbox.urls.namespace),
    eventHubName: sandbox.world.eventHubName,
    auth: { kind: 'token', credential: toTokenCredential(() => Promise.resolve(token)) },
    signal: neverAborted(),
  });

  before(async () => {
    sandbox = await startTestSandbox();
    // Behind a CA of its own: only an explicit `ca` (WebSockets) can reach it.
    untrusted = await startTestSandbox({ ownCa: true });
    token = await eventHubsToken(sandbox);
  });
  after(async () => {
    await Promise.all([sandbox.stop(), untrusted.stop()]);
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.received.clear();
  });

  void it("sends with stage 4's token over TLS: bytes as-is, properties and content type on the event", async () => {
    const result = await sendAmqp({
      ...tokenTarget(),
      request: { events: [{ body: 'hello', properties: { Alert: 'Strong Wind', level: 3 }, contentType: 'text/plain' }, { body: { t: 1 } }] },
    });
    assert.deepEqual(result, { protocol: 'amqp', eventsAccepted: 2, requests: 1, bytes: 5 + 7 });
    const received = await sandbox.received.waitFor(2);
    assert.deepEqual(
      received.map((e) => e.body.toString('utf8')),
      ['hello', '{"t":1}'],
    );
    assert.equal(received[0]?.protocol, 'amqp');
    assert.equal(received[0]?.contentType, 'text/plain');
    assert.equal(received[0]?.properties['Alert'], 'Strong Wind');
    assert.equal(received[0]?.properties['level'], 3);
    assert.equal(received[0]?.sender, sandbox.world.pipeline.clientId);
  });

  void it('REST and AMQP report the same bytes for the same events', async () => {
    const { sendRest } = await import('../../../src/core/azure/restSender');
    const events = [{ body: 'é' }, { body: [1, 2] }, { body: null }];
    const viaAmqp = await sendAmqp({ ...tokenTarget(), request: { events } });
    const viaRest = await sendRest({ ...tokenTarget(), auth: { kind: 'bearer', token: token.token }, request: { events } });
    assert.equal(viaAmqp.bytes, viaRest.bytes);
    const received = await sandbox.received.waitFor(6);
    assert.deepEqual(
      received.slice(0, 3).map((e) => e.body.toString('utf8')),
      received.slice(3).map((e) => e.body.toString('utf8')),
    );
  });

  void it('partition key and partition id reach the batch', async () => {
    const partitionId = sandbox.world.partitionIds[0] ?? '0';
    await sendAmqp({ ...tokenTarget(), request: { partitionKey: 'device-9', events: [{ body: 'k1' }, { body: 'k2' }] } });
    await sendAmqp({ ...tokenTarget(), request: { partitionId, events: [{ body: 'p' }] } });
    const received = await sandbox.received.waitFor(3);
    assert.equal(received[0]?.partitionKey, 'device-9');
    assert.equal(received[0]?.partitionId, received[1]?.partitionId);
    assert.equal(received[2]?.partitionId, partitionId);
  });

  void it('fills batches to the link limit and starts new ones', async () => {
    const big = 'z'.repeat(400_000);
    const result = await sendAmqp({ ...tokenTarget(), request: { events: [{ body: big }, { body: big }, { body: big }] } });
    assert.equal(result.requests, 2);
    assert.equal((await sandbox.received.waitFor(3)).length, 3);
  });

  void it('authenticates with a SAS rule', async () => {
    const { keyName, key } = sandbox.world.sas;
    await sendAmqp({ ...tokenTarget(), auth: { kind: 'sas', keyName, key }, request: { events: [{ body: 'sas' }] } });
    const [event] = await sandbox.received.waitFor(1);
    assert.equal(event?.sender, keyName);
  });

  void it('sends with an emulator connection string (plain TCP, EntityPath in the string)', async () => {
    const { keyName, key } = sandbox.world.sas;
    const connectionString = `Endpoint=sb://${sandbox.urls.emulatorNamespace};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true;EntityPath=${sandbox.world.eventHubName}`;
    await sendAmqp({ ...tokenTarget(), eventHubName: 'ignored', destination: destinationOf(sandbox.urls.emulatorNamespace), auth: { kind: 'connectionString', connectionString }, request: { events: [{ body: 'emu' }] } });
    const [event] = await sandbox.received.waitFor(1);
    assert.equal(event?.body.toString('utf8'), 'emu');
  });

  void it('over WebSockets trusts the CA passed in (a sandbox Node does not trust), for send and probe', async () => {
    const otherToken = await eventHubsToken(untrusted);
    const options: AmqpOptions = {
      namespace: untrusted.urls.namespace, destination: destinationOf(untrusted.urls.namespace),
      eventHubName: untrusted.world.eventHubName,
      auth: { kind: 'token', credential: toTokenCredential(() => Promise.resolve(otherToken)) },
      signal: neverAborted(),
      transport: 'websockets',
      trustedCaPem: untrusted.caPem,
    };
    await sendAmqp({ ...options, request: { events: [{ body: 'ws' }] } });
    const [event] = await untrusted.received.waitFor(1);
    assert.equal(event?.body.toString('utf8'), 'ws');
    const info = await probeEndpoint(options);
    assert.equal(info.eventHubName, untrusted.world.eventHubName);
  });

  void it('probe reads the hub and every partition without sending', async () => {
    await sendAmqp({ ...tokenTarget(), request: { partitionId: '0', events: [{ body: 'one' }] } });
    await sandbox.received.waitFor(1);
    sandbox.received.clear();
    const info = await probeEndpoint(tokenTarget());
    assert.equal(info.eventHubName, sandbox.world.eventHubName);
    assert.deepEqual(info.partitionIds, sandbox.world.partitionIds);
    assert.deepEqual(
      info.partitions.map((p) => p.partitionId),
      [...sandbox.world.partitionIds],
    );
    assert.ok(info.createdOn instanceof Date);
    const p0 = info.partitions.find((p) => p.partitionId === '0');
    assert.equal(p0?.isEmpty, false);
    assert.equal(sandbox.received.all().length, 0);
  });

  void it('refuses an oversize event before connecting', async () => {
    await assert.rejects(
      sendAmqp({ ...tokenTarget(), namespace: 'nowhere.invalid', destination: destinationOf('nowhere.invalid'), request: { events: [{ body: 'x'.repeat(MAX_EVENT_BYTES + 1) }] } }),
      (error: unknown) => isValidationError(error) && /over the 1,048,576-byte limit/.test(error.message),
    );
  });

  void it('an event that fits the 1 MiB body limit but not an AMQP batch is a clear error, nothing sent', async () => {
    await assert.rejects(sendAmqp({ ...tokenTarget(), request: { events: [{ body: 'small' }, { body: 'x'.repeat(MAX_EVENT_BYTES) }] } }), (error: unknown) => {
      assert.ok(isValidationError(error));
      assert.equal(error.field, 'events[1].body');
      assert.match(error.message, /does not fit in an AMQP batch/);
      return true;
    });
    assert.equal(sandbox.received.all().length, 0);
  });

  void it('a missing Send role surfaces as MessagingError UnauthorizedError (quickly: interactive retries)', async () => {
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', match: { protocol: 'amqp' } });
    await assert.rejects(sendAmqp({ ...tokenTarget(), request: { events: [{ body: 'x' }] } }), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'MessagingError');
      assert.equal(error.code, 'UnauthorizedError');
      assert.match(error.message, /'Send' claim/);
      return true;
    });
  });

  void it('an unknown hub surfaces as MessagingEntityNotFoundError from the probe', async () => {
    await assert.rejects(probeEndpoint({ ...tokenTarget(), eventHubName: 'es_missing' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'MessagingEntityNotFoundError');
      return true;
    });
  });

  void it('honours the AbortSignal: already aborted, and mid-connection', async () => {
    await assert.rejects(sendAmqp({ ...tokenTarget(), signal: AbortSignal.abort(), request: { events: [{ body: 'x' }] } }), (error: unknown) => isCancelledError(error));
    sandbox.faults.inject({ peer: 'eventHubs', kind: 'timeout', match: { protocol: 'amqp' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(probeEndpoint({ ...tokenTarget(), signal: controller.signal }), (error: unknown) => isCancelledError(error));
  });
});
