// The sandbox's simulated latency on the Event Hubs peer: one round trip per operation (two for a
// new connection's TCP and TLS handshakes), on timers
// that stop() clears. Durations are asserted from below only (never an upper bound).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { WebSocket } from 'ws';
import { sandboxInternals, startSandbox } from '../../../src/sandbox/index';
import { NO_RETRY, jwt, staticCredential, type EventHubsFixture } from './eventHubsFixture';

const LATENCY_MS = 150;
// libuv's timers run on a millisecond clock: a timer may fire up to 1 ms early by performance.now().
const AT_LEAST = (roundTrips: number): number => roundTrips * LATENCY_MS - 1;

let fx: EventHubsFixture;

before(async () => {
  const sandbox = await startSandbox({ latencyMs: LATENCY_MS });
  fx = { sandbox, internals: sandboxInternals(sandbox), namespace: sandbox.urls.namespace, hub: sandbox.world.eventHubName };
});
after(async () => {
  await fx.sandbox.stop();
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

describe('Event Hubs peer: simulated latency', () => {
  it('a new connection costs two round trips (TCP, then TLS 1.3) before its first request, on every HTTPS peer', async () => {
    for (const [host, port] of [fx.namespace.split(':'), new URL(fx.sandbox.urls.vaultUrl).host.split(':'), new URL(fx.sandbox.urls.authorityHost).host.split(':')]) {
      const { ms } = await timed(
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = tlsConnect({ host, port: Number(port), servername: host, ca: fx.sandbox.caPem }, () => {
              socket.destroy();
              resolve();
            });
            socket.on('error', reject);
          }),
      );
      assert.ok(ms >= AT_LEAST(2), `${host}:${port} was secure after ${ms.toFixed(1)} ms`);
    }
  });

  it('a REST send is answered 201 after the latency', async () => {
    const { ms, value: status } = await timed(async () => {
      const res = await fetch(`https://${fx.namespace}/${fx.hub}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${jwt(fx)}` }, body: 'hello' });
      await res.arrayBuffer();
      return res.status;
    });
    assert.equal(status, 201);
    assert.ok(ms >= AT_LEAST(1), `answered after ${ms.toFixed(1)} ms`);
    assert.equal(fx.sandbox.received.all().at(-1)?.body.toString('utf8'), 'hello');
  });

  for (const transport of ['AMQP over TLS', 'AMQP over WebSockets'] as const) {
    it(`${transport}: a send costs a round trip per operation: open, put-token and transfer when cold, the transfer alone when warm`, async () => {
      const client = new EventHubProducerClient(fx.namespace, fx.hub, staticCredential(fx), {
        retryOptions: NO_RETRY,
        ...(transport === 'AMQP over WebSockets' ? { webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: fx.sandbox.caPem } } } : {}),
      });
      try {
        const send = async (): Promise<void> => {
          const batch = await client.createBatch({ partitionId: '0' });
          assert.ok(batch.tryAdd({ body: transport }));
          await client.sendBatch(batch);
        };
        const cold = await timed(send);
        // TCP + TLS (2), then open, put-token and transfer (3).
        assert.ok(cold.ms >= AT_LEAST(5), `cold send took ${cold.ms.toFixed(1)} ms`);
        const warm = await timed(send);
        assert.ok(warm.ms >= AT_LEAST(1), `warm send took ${warm.ms.toFixed(1)} ms`);
        assert.equal(fx.sandbox.received.all().filter((e) => e.body.toString('utf8') === JSON.stringify(transport)).length, 2);
      } finally {
        await client.close();
      }
    });
  }

  it('stop() drops the answers still on their way: no timer keeps the process alive', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./latencyStopChild.ts', import.meta.url))], {
      encoding: 'utf8',
      env: process.env,
      // A guard against a hang only: with a timer left behind the child would live for its 60 s latency.
      timeout: 30_000,
    });
    assert.equal(child.status, 0, `the child did not exit by itself: ${child.stderr}`);
    const report = JSON.parse(child.stdout.trim()) as { pending: number; rest: string; after: string[] };
    assert.equal(report.pending, 2, 'a REST request and an AMQP open were waiting on the latency');
    assert.equal(report.rest, 'dropped', 'the delayed request was never answered');
    assert.ok(!report.after.includes('Timeout'), `left behind: ${report.after.join(', ')}`);
  });
});
