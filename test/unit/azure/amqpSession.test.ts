// Kept-open AMQP producers (issue #8): with a session, a second send to the same endpoint and
// credential reuses the first send's connection (the TLS connections made to the sandbox are counted:
// one for many sends), a failure or a cancel closes it, a new token reaches the kept producer, and
// close() leaves nothing open. Without a session every send connects afresh, as before.
import assert from 'node:assert/strict';
import tls, { type TLSSocket } from 'node:tls';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sendAmqp } from '../../../src/core/azure/amqpClient';
import type { AmqpAttempt, AmqpOptions } from '../../../src/core/azure/amqpConnection';
import { AmqpSession } from '../../../src/core/azure/amqpSession';
import { toTokenCredential } from '../../../src/core/azure/credentials';
import type { Sandbox } from '../../../src/sandbox/types';
import { destinationOf } from '../../shared/destination';
import { eventHubsToken, neverAborted, startTestSandbox } from './sandboxFixture';

describe('AMQP session: kept-open producers', () => {
  let sandbox: Sandbox;
  let connections = 0;
  const open = new Set<TLSSocket>();
  let namespace: string;
  // The module object itself (not a namespace import, whose properties are read-only).
  const tlsModule = tls as { connect: typeof tls.connect };
  const originalConnect = tlsModule.connect;

  before(async () => {
    sandbox = await startTestSandbox();
    namespace = sandbox.urls.namespace;
    const port = Number(namespace.split(':')[1]);
    // rhea looks tls.connect up on the module at each connection: count the ones to the sandbox.
    tlsModule.connect = ((...args: Parameters<typeof tls.connect>) => {
      const socket = (originalConnect as (...a: unknown[]) => TLSSocket)(...args);
      if (args[0] === port) {
        connections++;
        open.add(socket);
        socket.on('close', () => open.delete(socket));
      }
      return socket;
    }) as typeof tls.connect;
  });
  after(async () => {
    tlsModule.connect = originalConnect;
    await sandbox.stop();
  });
  beforeEach(() => {
    connections = 0;
    sandbox.faults.clear();
    sandbox.received.clear();
  });

  const target = async (session: AmqpSession | undefined, attempts: AmqpAttempt[]): Promise<AmqpOptions> => {
    const token = await eventHubsToken(sandbox);
    return {
      namespace,
      destination: destinationOf(namespace),
      eventHubName: sandbox.world.eventHubName,
      auth: { kind: 'token', credential: toTokenCredential(() => Promise.resolve(token)) },
      transport: 'tcp',
      signal: neverAborted(),
      onAttempt: (a) => attempts.push(a),
      ...(session ? { session } : {}),
    };
  };

  it('a second send reuses the first send\'s connection, with a new token credential; close() leaves nothing open', async () => {
    const session = new AmqpSession();
    const attempts: AmqpAttempt[] = [];
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'first' }] } });
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'second' }] } });
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'third' }] } });
    assert.equal(connections, 1, 'one TCP connection for three sends');
    assert.deepEqual(
      attempts.map((a) => a.endpoint.endsWith('(kept open)')),
      [false, true, true],
    );
    assert.deepEqual(
      sandbox.received.all().map((e) => e.body.toString('utf8')),
      ['first', 'second', 'third'],
    );
    assert.equal(session.size, 1);
    await session.close();
    assert.equal(session.size, 0);
    await waitFor(() => open.size === 0, 'the kept connection closes');
    // A closed session keeps nothing: the next send connects and closes by itself.
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'after close' }] } });
    assert.equal(session.size, 0);
    assert.equal(connections, 2);
  });

  it('without a session every send connects afresh and closes', async () => {
    const attempts: AmqpAttempt[] = [];
    await sendAmqp({ ...(await target(undefined, attempts)), request: { events: [{ body: 'a' }] } });
    await sendAmqp({ ...(await target(undefined, attempts)), request: { events: [{ body: 'b' }] } });
    assert.equal(connections, 2);
    await waitFor(() => open.size === 0, 'both connections close');
  });

  it('a failed send on the kept producer closes it; the next send connects afresh and succeeds', async () => {
    const session = new AmqpSession();
    const attempts: AmqpAttempt[] = [];
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'ok' }] } });
    const fault = sandbox.faults.inject({ peer: 'eventHubs', kind: 'serviceUnavailable' });
    await assert.rejects(sendAmqp({ ...(await target(session, attempts)), retryOptions: { maxRetries: 0 }, request: { events: [{ body: 'refused' }] } }));
    assert.equal(session.size, 0, 'the failed producer is not kept');
    sandbox.faults.clear(fault);
    await sendAmqp({ ...(await target(session, attempts)), request: { events: [{ body: 'again' }] } });
    assert.equal(connections, 2, 'a fresh connection after the failure');
    assert.equal(attempts.at(-1)?.endpoint.endsWith('(kept open)'), false);
    await session.close();
  });

  it('idle producers close by themselves, and their timer does not keep the process alive', async () => {
    const session = new AmqpSession(200);
    await sendAmqp({ ...(await target(session, [])), request: { events: [{ body: 'idle' }] } });
    assert.equal(session.size, 1);
    await waitFor(() => session.size === 0 && open.size === 0, 'the idle producer closes');
  });

  it('the idle time is read at each send (the editor\'s setting): 0 closes the connection after the send', async () => {
    let idleMs = 60_000;
    const session = new AmqpSession(() => idleMs);
    await sendAmqp({ ...(await target(session, [])), request: { events: [{ body: 'kept' }] } });
    assert.equal(session.size, 1);
    idleMs = 0;
    await sendAmqp({ ...(await target(session, [])), request: { events: [{ body: 'closed after' }] } });
    await waitFor(() => session.size === 0 && open.size === 0, 'a zero idle time closes it after the send');
    await session.close();
  });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) {
      assert.fail(`timed out waiting: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
