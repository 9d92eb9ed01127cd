/**
 * The AMQP 1.0 face of the Event Hubs peer, on rhea's listen mode (local-peers §A): SASL
 * ANONYMOUS, `$cbs` put-token, sender links to `hub` / `hub/Partitions/N`, Microsoft batch
 * transfers (format 0x80013700), `$management` READ, and receive links on
 * `hub/ConsumerGroups/cg/Partitions/N` (selector filter, credit, epoch). Everything
 * `@azure/event-hubs` needs to send and to read events back. This file routes a connection's
 * frames to the parts that answer them: eventHubsCbs, eventHubsManagement, eventHubsAmqpIngress
 * and eventHubsAmqpConsumers.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { create_container, type Connection, type Container, type EventContext, type Receiver } from 'rhea';
import type { WebSocket } from 'ws';
import { MAX_MESSAGE_SIZE } from './eventHubsCommon';
import type { AmqpContext, ConnState, LinkRole } from './eventHubsAmqpConnection';
import { ConsumerLinks } from './eventHubsAmqpConsumers';
import { onTransfer, openHubLink } from './eventHubsAmqpIngress';
import { onPutToken } from './eventHubsCbs';
import { onManagement } from './eventHubsManagement';

export { BATCH_MESSAGE_FORMAT } from './eventHubsAmqpWire';
export type { AmqpContext } from './eventHubsAmqpConnection';

export interface AmqpPeer {
  /** Runs an AMQP connection over an accepted socket (TLS or plain TCP), the first bytes already unshifted; resumes it. */
  acceptSocket(socket: Socket): void;
  /** Runs an AMQP connection over a WebSocket (subprotocol AMQPWSB10). */
  acceptWebSocket(ws: WebSocket): void;
  /** Drops every connection. */
  closeAll(): void;
}

interface AcceptingConnection {
  accept(socket: unknown): Connection;
}

export function createAmqpPeer(ctx: AmqpContext): AmqpPeer {
  const container: Container = create_container({ id: `esf-eventhubs-${randomUUID()}` });
  const states = new Map<string, ConnState>();
  const roles = new WeakMap<Receiver, LinkRole>();
  const consumers = new ConsumerLinks(ctx);
  const connectionOptions = {
    // Settlement and credit are ours: a refused link must never become sendable, and a
    // `timeout` fault must leave a delivery unsettled.
    autoaccept: false,
    credit_window: 0,
    reconnect: false,
    // createBatch() reads this as maxSizeInBytes (local-peers §A.5).
    receiver_options: { max_message_size: MAX_MESSAGE_SIZE, credit_window: 0, autoaccept: false },
  };

  const stateOf = (connection: Connection): ConnState | undefined => states.get(connection.options.id ?? '');

  const register = (destroy: () => void): { id: string } => {
    const id = `esf-${randomUUID()}`;
    states.set(id, { destroy, claims: new Map(), replyLinks: new Map(), consumers: new Set() });
    return { id };
  };

  /** Forgets a closed connection and its receive links. */
  const unregister = (id: string): void => {
    consumers.forget(states.get(id));
    states.delete(id);
  };

  for (const event of ['error', 'connection_error', 'protocol_error', 'session_error', 'sender_error', 'receiver_error']) {
    // Client-side detaches with errors and broken sockets are normal here; an unhandled 'error' would throw.
    container.on(event, () => undefined);
  }
  // States go when their transport closes (see acceptSocket / acceptWebSocket).
  container.on('disconnected', () => undefined);

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender;
    const state = stateOf(context.connection);
    if (!sender || !state) {
      return;
    }
    const source = sender.source as { address?: string } | undefined;
    const target = sender.target as { address?: string } | undefined;
    if (source?.address !== '$cbs' && source?.address !== '$management') {
      consumers.open(sender, source?.address ?? '', state);
      return;
    }
    sender.set_source({ address: source.address });
    if (target?.address) {
      sender.set_target({ address: target.address });
      state.replyLinks.set(target.address, sender);
    }
    state.replyLinks.set(sender.name, sender);
  });

  container.on('sendable', (context: EventContext) => consumers.sendable(context.sender));

  container.on('sender_close', (context: EventContext) => consumers.closed(context.sender, stateOf(context.connection)));

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver;
    const state = stateOf(context.connection);
    if (!receiver || !state) {
      return;
    }
    const address = (receiver.target as { address?: string } | undefined)?.address ?? '';
    if (address === '$cbs' || address === '$management') {
      roles.set(receiver, { kind: address === '$cbs' ? 'cbs' : 'management' });
      receiver.set_target({ address });
      receiver.add_credit(100);
      return;
    }
    const role = openHubLink(ctx, receiver, address, state);
    if (role) {
      roles.set(receiver, role);
      receiver.add_credit(1000);
    }
  });

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver;
    const delivery = context.delivery;
    const role = receiver ? roles.get(receiver) : undefined;
    if (!receiver || !delivery || !stateOf(context.connection) || !role) {
      return;
    }
    receiver.add_credit(1);
    // One simulated round trip before the answer (none without latency: then this runs at once).
    ctx.delay.after(() => {
      const state = stateOf(context.connection);
      if (!state) {
        // The connection went while the answer was on its way.
        return;
      }
      if (role.kind === 'cbs') {
        delivery.accept();
        onPutToken(ctx, context.message, state);
      } else if (role.kind === 'management') {
        delivery.accept();
        // The hostname of the AMQP open frame: a real namespace name when the client came through the sandbox proxy.
        onManagement(ctx, context.message, state, (context.connection as unknown as { remote?: { open?: { hostname?: string } } }).remote?.open?.hostname);
      } else {
        onTransfer(ctx, context, delivery, role, state);
      }
    });
  });

  return {
    acceptSocket(socket) {
      // rhea listens for 'error' and 'end', not 'close': destroying with an error is what tells it
      // the connection is gone (and stops its heartbeat timer).
      const { id } = register(() => socket.destroy(new Error('The sandbox dropped the connection.')));
      socket.once('close', () => unregister(id));
      // Opening costs a simulated round trip; the client's first frames wait in the paused socket.
      ctx.delay.after(() => {
        if (socket.destroyed) {
          return;
        }
        // rhea's typings describe client connections only (host/port/transport); these are server-side options.
        const connection = container.create_connection({ ...connectionOptions, id } as never) as unknown as AcceptingConnection;
        // rhea leaves Nagle on for accepted sockets (tcp_no_delay defaults to false there): a small
        // disposition then waits for the client's delayed ACK, ~20-40 ms per send that the service
        // does not add. Off, as on the client side.
        socket.setNoDelay(true);
        connection.accept(socket);
        socket.resume();
      });
    },
    acceptWebSocket(ws) {
      const { id } = register(() => ws.terminate());
      ws.once('close', () => unregister(id));
      ws.pause();
      ctx.delay.after(() => {
        if (ws.readyState !== ws.OPEN) {
          return;
        }
        // rhea wraps a `ws` WebSocket itself (its typings say Socket).
        container.websocket_accept(ws as unknown as Socket, { ...connectionOptions, id } as never);
        ws.resume();
      });
    },
    closeAll() {
      for (const state of states.values()) {
        state.destroy();
      }
      states.clear();
      consumers.clear();
    },
  };
}
