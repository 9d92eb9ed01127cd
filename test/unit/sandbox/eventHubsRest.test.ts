// The REST face of the Event Hubs peer (wire facts §4), driven with plain fetch.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { jwt, sasToken, startFixture, type EventHubsFixture } from './eventHubsFixture';

let fx: EventHubsFixture;

before(async () => {
  fx = await startFixture();
});
after(async () => {
  await fx.sandbox.stop();
});
beforeEach(() => {
  fx.sandbox.received.clear();
});
afterEach(() => {
  fx.sandbox.faults.clear();
});

const base = (): string => `https://${fx.namespace}`;
const bearer = (overrides: Parameters<typeof jwt>[1] = {}): string => `Bearer ${jwt(fx, overrides)}`;
const sas = (resource = `${base()}/${fx.hub}`, key = fx.sandbox.world.sas.key, expiresIn = 3600): string =>
  sasToken(resource, fx.sandbox.world.sas.keyName, key, expiresIn);

async function post(path: string, init: { auth?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${base()}${path}`, {
    method: 'POST',
    headers: {
      ...(init.auth !== undefined ? { Authorization: init.auth } : {}),
      'Content-Type': 'application/atom+xml;type=entry;charset=utf-8',
      ...init.headers,
    },
    body: typeof init.body === 'string' || init.body === undefined ? (init.body ?? 'hello') : new Uint8Array(init.body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** Asserts the service's XML error shape and returns its Detail. */
function xmlError(res: { status: number; text: string }, status: number, detail: RegExp): string {
  assert.equal(res.status, status, res.text);
  const match = /^<Error><Code>(\d+)<\/Code><Detail>(.*)<\/Detail><\/Error>$/s.exec(res.text);
  assert.ok(match, `not the service's XML error: ${res.text}`);
  assert.equal(match[1], String(status));
  assert.match(match[2] ?? '', detail);
  assert.match(match[2] ?? '', /TrackingId:[^,]+, SystemTracker:[^,]+, Timestamp:/);
  return match[2] ?? '';
}

describe('Event Hubs REST peer: sending', () => {
  it('accepts a single event with a bearer token: 201, empty body; records body, content type, key and custom headers', async () => {
    const res = await post(`/${fx.hub}/messages?timeout=60&api-version=2014-01`, {
      auth: bearer(),
      body: '{"temperature":21.5}',
      headers: { 'Content-Type': 'application/json', BrokerProperties: '{"PartitionKey":"device-7"}', Alert: 'Strong Wind', Priority: '"High"' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.text, '');
    const [event] = fx.sandbox.received.all();
    assert.ok(event);
    assert.equal(event.protocol, 'rest');
    assert.equal(event.eventHubName, fx.hub);
    assert.equal(event.body.toString(), '{"temperature":21.5}');
    assert.equal(event.contentType, 'application/json');
    assert.equal(event.partitionKey, 'device-7');
    assert.deepEqual(event.properties, { Alert: 'Strong Wind', Priority: 'High' });
    assert.equal(event.sender, fx.sandbox.world.pipeline.clientId);
  });

  it('accepts a SAS token whose sr is the hub URI; the sender is the key name', async () => {
    const res = await post(`/${fx.hub}/messages`, { auth: sas() });
    assert.equal(res.status, 201, res.text);
    assert.equal(fx.sandbox.received.all()[0]?.sender, fx.sandbox.world.sas.keyName);
  });

  it('accepts SAS tokens for the sb:// form of the URI, and for the namespace host without a scheme plus the hub', async () => {
    assert.equal((await post(`/${fx.hub}/messages`, { auth: sas(`sb://${fx.namespace}/${fx.hub}`) })).status, 201);
    assert.equal((await post(`/${fx.hub}/messages`, { auth: sas(`${fx.namespace}/${fx.hub}`) })).status, 201);
  });

  it('accepts a batch: one event per item with its UserProperties and PartitionKey', async () => {
    const body = JSON.stringify([
      { Body: 'Message1', UserProperties: { Alert: 'Strong Wind' } },
      { Body: 'Message2', BrokerProperties: { PartitionKey: 'k2' } },
      { Body: 'TWVzc2FnZTM=', IsBodyBase64: true },
    ]);
    const res = await post(`/${fx.hub}/messages`, { auth: bearer(), body, headers: { 'Content-Type': 'application/vnd.microsoft.servicebus.json' } });
    assert.equal(res.status, 201, res.text);
    const events = fx.sandbox.received.all();
    assert.deepEqual(
      events.map((e) => e.body.toString()),
      ['Message1', 'Message2', 'Message3'],
    );
    assert.deepEqual(events[0]?.properties, { Alert: 'Strong Wind' });
    assert.equal(events[1]?.partitionKey, 'k2');
    assert.equal(events[0]?.contentType, undefined);
  });

  it('sends to a partition', async () => {
    const res = await post(`/${fx.hub}/partitions/1/messages`, { auth: bearer() });
    assert.equal(res.status, 201, res.text);
    assert.equal(fx.sandbox.received.all()[0]?.partitionId, '1');
  });

  it('sends with a publisher id, which acts as the partition key', async () => {
    assert.equal((await post(`/${fx.hub}/publishers/dev-01/messages`, { auth: bearer() })).status, 201);
    assert.equal((await post(`/${fx.hub}/publishers/dev-01/messages`, { auth: bearer() })).status, 201);
    const [a, b] = fx.sandbox.received.all();
    assert.equal(a?.partitionKey, 'dev-01');
    assert.equal(a?.partitionId, b?.partitionId);
  });

  it('spreads events without a key over the partitions', async () => {
    for (let i = 0; i < 4; i++) {
      assert.equal((await post(`/${fx.hub}/messages`, { auth: bearer() })).status, 201);
    }
    const partitions = new Set(fx.sandbox.received.all().map((e) => e.partitionId));
    assert.deepEqual([...partitions].sort(), [...fx.sandbox.world.partitionIds].sort());
  });
});

describe('Event Hubs REST peer: errors as the service answers them', () => {
  it('no Authorization header → 401 MissingToken', async () => {
    xmlError(await post(`/${fx.hub}/messages`), 401, /^MissingToken: /);
  });

  it('token for another audience → 401 InvalidAudience', async () => {
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer({ aud: 'https://vault.azure.net' }) }), 401, /^InvalidAudience: The authorization header contains a token with a wrong audience\./);
  });

  it('SAS for another namespace → 401 InvalidAudience', async () => {
    xmlError(await post(`/${fx.hub}/messages`, { auth: sas(`sb://eventstream-x.servicebus.windows.net/${fx.hub}`) }), 401, /^InvalidAudience: /);
  });

  it('wrong SAS key → 401 InvalidSignature', async () => {
    xmlError(await post(`/${fx.hub}/messages`, { auth: sas(undefined, 'wrong-key') }), 401, /^InvalidSignature: The token has an invalid signature\./);
  });

  it('JWT with a bad signature → 401 40103', async () => {
    const token = jwt(fx);
    const tampered = `${token.slice(0, -6)}${token.slice(-6).split('').reverse().join('')}`;
    xmlError(await post(`/${fx.hub}/messages`, { auth: `Bearer ${tampered}` }), 401, /^40103: Invalid authorization token signature/);
  });

  it('expired SAS → 401 ExpiredToken', async () => {
    xmlError(await post(`/${fx.hub}/messages`, { auth: sas(undefined, undefined, -60) }), 401, /^ExpiredToken: The token is expired\./);
  });

  it('principal without the Data Sender role → 401 with the Send-claim text', async () => {
    const res = await post(`/${fx.hub}/messages`, { auth: bearer({ appid: fx.sandbox.world.reader.clientId }) });
    xmlError(res, 401, /^Unauthorized access\. 'Send' claim\(s\) are required to perform this operation\. Resource: 'sb:\/\/localhost:\d+\/es_demo'\./);
  });

  it('unknown event hub → 404', async () => {
    xmlError(await post('/es_missing/messages', { auth: bearer() }), 404, /The messaging entity 'sb:\/\/localhost:\d+\/es_missing' could not be found/);
  });

  it('unknown partition → 400', async () => {
    xmlError(await post(`/${fx.hub}/partitions/9/messages`, { auth: bearer() }), 400, /The specified partition is invalid/);
  });

  it('body over 1 MiB → 413, single event or batch', async () => {
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer(), body: Buffer.alloc(1048577, 0x61) }), 413, /exceeds the limit \(1048576 bytes\)/);
    const batch = JSON.stringify([{ Body: 'a'.repeat(600_000) }, { Body: 'b'.repeat(600_000) }]);
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer(), body: batch, headers: { 'Content-Type': 'application/vnd.microsoft.servicebus.json' } }), 413, /exceeds the limit/);
    assert.equal((await post(`/${fx.hub}/messages`, { auth: bearer(), body: Buffer.alloc(1048576, 0x61) })).status, 201);
  });

  it('malformed batch JSON → 400', async () => {
    const headers = { 'Content-Type': 'application/vnd.microsoft.servicebus.json' };
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer(), body: '[{"Body":', headers }), 400, /^BadRequest: /);
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer(), body: '{"Body":"x"}', headers }), 400, /^BadRequest: /);
    assert.equal(fx.sandbox.received.all().length, 0);
  });

  it('other paths and methods → 404 / 405', async () => {
    assert.equal((await fetch(`${base()}/`)).status, 404);
    const res = await fetch(`${base()}/${fx.hub}/messages`, { method: 'GET' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });
});

describe('Event Hubs REST peer: injected faults', () => {
  it('throttled → 429 with Retry-After', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', match: { protocol: 'rest' }, retryAfterSeconds: 7, times: 1 });
    const res = await post(`/${fx.hub}/messages`, { auth: bearer() });
    xmlError(res, 429, /throttled.*Please wait 7 seconds/);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal((await post(`/${fx.hub}/messages`, { auth: bearer() })).status, 201, 'heals after one hit');
  });

  it('serviceUnavailable → 503', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'serviceUnavailable' });
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer() }), 503, /unable to process the request/);
  });

  it('oversizedEvent → 413 whatever the size', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'oversizedEvent', times: 1 });
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer(), body: 'x' }), 413, /exceeds the limit/);
  });

  it('wrongAudience and missingRole answer as if the token had that problem', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'wrongAudience', times: 1 });
    xmlError(await post(`/${fx.hub}/messages`, { auth: bearer() }), 401, /^InvalidAudience: /);
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'missingRole', times: 1 });
    xmlError(await post(`/${fx.hub}/messages`, { auth: sas() }), 401, /'Send' claim/);
  });

  it('an AMQP-only fault leaves REST alone', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'throttled', match: { protocol: 'amqp' } });
    assert.equal((await post(`/${fx.hub}/messages`, { auth: bearer() })).status, 201);
  });

  it('connectionReset → the request fails at the socket', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'connectionReset', times: 1 });
    await assert.rejects(post(`/${fx.hub}/messages`, { auth: bearer() }));
    assert.equal(fx.sandbox.received.all().length, 0);
  });

  it('timeout → no answer until the client gives up', async () => {
    fx.sandbox.faults.inject({ peer: 'eventHubs', kind: 'timeout', times: 1 });
    const url = new URL(`${base()}/${fx.hub}/messages`);
    const outcome = await new Promise<string>((resolve) => {
      const req = request(url, { method: 'POST', headers: { Authorization: bearer() }, timeout: 300 }, (res) => resolve(`answered ${res.statusCode}`));
      req.on('timeout', () => {
        req.destroy();
        resolve('timed out');
      });
      req.on('error', () => undefined);
      req.end('x');
    });
    assert.equal(outcome, 'timed out');
  });
});
