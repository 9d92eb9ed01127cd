/**
 * The AMQP 1.0 face of the Event Hubs peer, on rhea's listen mode (local-peers §A): SASL
 * ANONYMOUS, `$cbs` put-token, sender links to `hub` / `hub/Partitions/N`, Microsoft batch
 * transfers (format 0x80013700), `$management` READ, and receive links on
 * `hub/ConsumerGroups/cg/Partitions/N` (selector filter, credit, epoch). Everything
 * `@azure/event-hubs` needs to send and to read events back.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  create_container,
  message as amqpMessage,
  type AmqpError,
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
} from 'rhea';
import type { WebSocket } from 'ws';
import { authFailure, authorize, INVALID_AUDIENCE_TEXT, missingClaim, type AuthContext, type AuthResult, type AuthSuccess } from './eventHubsAuth';
import {
  MAX_MESSAGE_SIZE,
  SERVICE_UNAVAILABLE_TEXT,
  entityExists,
  entityNotFoundText,
  invalidPartitionText,
  messageTooLargeText,
  parseResource,
  sendClaimText,
  serverBusyText,
  trackingSuffix,
  claimFor,
  type Claim,
  type PartitionChooser,
  addressedNamespace,
} from './eventHubsCommon';
import { firstSequenceNumber, parseStartPosition, toDeliveredMessage } from './eventHubsConsumer';
import type { ActiveFault, EventRecorder, FaultRegistry } from './internal';
import type { FaultKind } from './types';

/** `com.microsoft` batch format: the envelope's Data sections are each one encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;
const PARTITION_KEY_ANNOTATION = 'x-opt-partition-key';

/**
 * Faults each step answers. Every client operation starts with a put-token (or a `$management`
 * request) and sends end in a transfer; oversizedEvent waits for the transfer it is about.
 */
const REQUEST_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable', 'wrongAudience', 'missingRole'];
const TRANSFER_FAULTS: readonly FaultKind[] = [...REQUEST_FAULTS, 'oversizedEvent'];

export interface AmqpContext extends AuthContext {
  readonly faults: FaultRegistry;
  readonly recorder: EventRecorder;
  readonly chooser: PartitionChooser;
}

export interface AmqpPeer {
  /** Runs an AMQP connection over an accepted socket (TLS or plain TCP), the first bytes already unshifted. */
  acceptSocket(socket: Socket): void;
  /** Runs an AMQP connection over a WebSocket (subprotocol AMQPWSB10). */
  acceptWebSocket(ws: WebSocket): void;
  /** Drops every connection. */
  closeAll(): void;
}

interface ConnState {
  readonly destroy: () => void;
  /** Successful put-tokens by normalized audience path (`hub`, `hub/partitions/0`, `hub/$management`). */
  readonly claims: Map<string, AuthSuccess>;
  /** Reply links (server-side senders) by link name and by target address. */
  readonly replyLinks: Map<string, Sender>;
  /** Receive links this connection opened (server-side senders delivering events). */
  readonly consumers: Set<ConsumerLink>;
}

/** A consumer's receive link: where it reads and the sequence number it gets next. */
interface ConsumerLink {
  readonly sender: Sender;
  readonly hub: string;
  /** Lower-cased, as the service compares consumer groups. */
  readonly consumerGroup: string;
  readonly partitionId: string;
  /** `com.microsoft:epoch` (owner level), when the client set one. */
  readonly epoch?: number;
  next: number;
}

const EPOCH_PROPERTY = 'com.microsoft:epoch';

type LinkRole = { kind: 'cbs' } | { kind: 'management' } | { kind: 'hub'; hub: string; partitionId?: string; claimKey: string };

interface AcceptingConnection {
  accept(socket: unknown): Connection;
}

/** rhea's decoded body section (not in its typings): Data sections are 0x75, one Buffer or several. */
interface BodySection {
  readonly typecode: number;
  readonly content: unknown;
  readonly multiple?: boolean;
}

function isSection(body: unknown): body is BodySection {
  return typeof body === 'object' && body !== null && 'typecode' in body && 'content' in body;
}

function audienceKey(segments: readonly string[]): string {
  return segments.map((s) => s.toLowerCase()).join('/');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function createAmqpPeer(ctx: AmqpContext): AmqpPeer {
  const container: Container = create_container({ id: `esf-eventhubs-${randomUUID()}` });
  const states = new Map<string, ConnState>();
  const roles = new WeakMap<Receiver, LinkRole>();
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
    for (const link of states.get(id)?.consumers ?? []) {
      consumers.delete(link);
    }
    states.delete(id);
  };

  // Every open receive link; new events are pushed to the links of their partition.
  const consumers = new Set<ConsumerLink>();
  ctx.recorder.onRecord((stored) => {
    for (const link of consumers) {
      if (link.partitionId === stored.event.partitionId && link.hub.toLowerCase() === stored.event.eventHubName.toLowerCase()) {
        pump(link);
      }
    }
  });

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
      openConsumerLink(sender, source?.address ?? '', state);
      return;
    }
    sender.set_source({ address: source.address });
    if (target?.address) {
      sender.set_target({ address: target.address });
      state.replyLinks.set(target.address, sender);
    }
    state.replyLinks.set(sender.name, sender);
  });

  container.on('sendable', (context: EventContext) => {
    const link = [...consumers].find((c) => c.sender === context.sender);
    if (link) {
      pump(link);
    }
  });

  container.on('sender_close', (context: EventContext) => {
    const state = stateOf(context.connection);
    for (const link of [...consumers].filter((c) => c.sender === context.sender)) {
      consumers.delete(link);
      state?.consumers.delete(link);
    }
  });

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
    openHubLink(receiver, address, state);
  });

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver;
    const delivery = context.delivery;
    const state = stateOf(context.connection);
    const role = receiver ? roles.get(receiver) : undefined;
    if (!receiver || !delivery || !state || !role) {
      return;
    }
    receiver.add_credit(1);
    if (role.kind === 'cbs') {
      delivery.accept();
      onPutToken(context.message, state);
    } else if (role.kind === 'management') {
      delivery.accept();
      // The hostname of the AMQP open frame: a real namespace name when the client came through the sandbox proxy.
      onManagement(context.message, state, (context.connection as unknown as { remote?: { open?: { hostname?: string } } }).remote?.open?.hostname);
    } else {
      onTransfer(context, delivery, role, state);
    }
  });

  function openHubLink(receiver: Receiver, address: string, state: ConnState): void {
    const segments = address.split('/').filter((s) => s.length > 0);
    const hub = segments[0];
    const refuse = (error: AmqpError): void => {
      receiver.close({ ...error, description: `${error.description ?? ''}${trackingSuffix(hub)}` });
    };
    if (!entityExists(ctx.world, hub) || (segments.length !== 1 && !(segments.length === 3 && segments[1]?.toLowerCase() === 'partitions'))) {
      // A detach with this text is what the SDK turns into MessagingEntityNotFoundError.
      refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, address) });
      return;
    }
    const partitionId = segments[2];
    if (partitionId !== undefined && !ctx.world.partitionIds.includes(partitionId)) {
      refuse({ condition: 'com.microsoft:argument-out-of-range', description: invalidPartitionText(ctx.world) });
      return;
    }
    const claimKey = audienceKey(segments);
    const claim = findClaim(state, claimKey);
    if (!claim.ok) {
      refuse({ condition: claim.condition, description: claim.text });
      return;
    }
    roles.set(receiver, { kind: 'hub', hub: ctx.world.eventHubName, ...(partitionId !== undefined ? { partitionId } : {}), claimKey });
    receiver.set_target({ address });
    receiver.add_credit(1000);
  }

  /**
   * The put-token that covers an audience: its own, or one for an enclosing path (a hub token
   * covers its partitions and consumer groups), holding the claim the link needs.
   */
  function findClaim(state: ConnState, key: string, need: Claim = 'Send'): AuthResult {
    const parts = key.split('/');
    for (let n = parts.length; n > 0; n -= 1) {
      const claim = state.claims.get(parts.slice(0, n).join('/'));
      if (claim) {
        if (!claim.rights.has(need)) {
          return missingClaim(need, parts, ctx, claim.clientId);
        }
        // The same 30 s of clock skew the token verifier allows.
        return claim.expiresAt + 30_000 > Date.now() ? claim : authFailure('ExpiredToken', `ExpiredToken: The token is expired. Expiration time: '${new Date(claim.expiresAt).toISOString()}'`);
      }
    }
    return need === 'Listen' ? missingClaim('Listen', parts, ctx) : authFailure('MissingSendClaim', sendClaimText(ctx.ns, parts[0] ?? ''));
  }

  /**
   * A receive link on `hub/ConsumerGroups/cg/Partitions/N`: refused like the service refuses it
   * (unknown hub or consumer group → amqp:not-found, no Listen → unauthorized), otherwise it
   * delivers from the filter's start position as the client grants credit.
   */
  function openConsumerLink(sender: Sender, address: string, state: ConnState): void {
    const segments = address.split('/').filter((s) => s.length > 0);
    const [hub, groupsWord, group, partitionsWord, partitionId] = segments;
    const refuse = (error: AmqpError): void => {
      sender.close({ ...error, description: `${error.description ?? ''}${trackingSuffix(hub)}` });
    };
    if (segments.length !== 5 || groupsWord?.toLowerCase() !== 'consumergroups' || partitionsWord?.toLowerCase() !== 'partitions' || !entityExists(ctx.world, hub)) {
      refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, address) });
      return;
    }
    const consumerGroup = (group ?? '').toLowerCase();
    if (!ctx.world.consumerGroups.some((known) => known.toLowerCase() === consumerGroup)) {
      refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, `${hub}/ConsumerGroups/${group ?? ''}`) });
      return;
    }
    if (partitionId === undefined || !ctx.world.partitionIds.includes(partitionId)) {
      refuse({ condition: 'com.microsoft:argument-out-of-range', description: invalidPartitionText(ctx.world) });
      return;
    }
    const claim = findClaim(state, audienceKey(segments), 'Listen');
    if (!claim.ok) {
      refuse({ condition: claim.condition, description: claim.text });
      return;
    }
    const position = parseStartPosition((sender.source as { filter?: unknown } | undefined)?.filter);
    if (typeof position === 'string') {
      refuse({ condition: 'amqp:invalid-field', description: position });
      return;
    }
    const properties = (sender as unknown as { remote?: { attach?: { properties?: Record<string, unknown> } } }).remote?.attach?.properties;
    const rawEpoch = properties?.[EPOCH_PROPERTY];
    const epoch = typeof rawEpoch === 'number' ? rawEpoch : undefined;
    const rivals = [...consumers].filter((c) => c.consumerGroup === consumerGroup && c.partitionId === partitionId);
    // Owner level: a higher epoch takes the partition over; a lower one (or none next to one) is refused.
    const stronger = rivals.find((c) => c.epoch !== undefined && (epoch === undefined || c.epoch > epoch));
    if (stronger) {
      refuse({
        condition: 'amqp:link:stolen',
        description: `Receiver 'nil' with a higher epoch of '${stronger.epoch ?? 0}' already exists. Receiver 'nil' with epoch '${epoch ?? 'nil'}' cannot be created. Make sure you are creating receiver with increasing epoch value to ensure connectivity, or ensure all old epoch receivers are closed or disconnected.`,
      });
      return;
    }
    if (epoch !== undefined) {
      for (const rival of rivals) {
        consumers.delete(rival);
        rival.sender.close({
          condition: 'amqp:link:stolen',
          description: `New receiver 'nil' with higher epoch of '${epoch}' is created hence current receiver 'nil' with epoch '${rival.epoch ?? 'nil'}' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.${trackingSuffix(hub)}`,
        });
      }
    }
    const latest = ctx.recorder.partitionState(partitionId).lastSequenceNumber;
    const link: ConsumerLink = {
      sender,
      hub: ctx.world.eventHubName,
      consumerGroup,
      partitionId,
      ...(epoch !== undefined ? { epoch } : {}),
      next: firstSequenceNumber(position, ctx.recorder.stream(partitionId), latest),
    };
    sender.set_source({ address, filter: (sender.source as { filter?: unknown } | undefined)?.filter } as never);
    consumers.add(link);
    state.consumers.add(link);
    pump(link);
  }

  /** Sends the link's next events while it has credit. */
  function pump(link: ConsumerLink): void {
    const stream = ctx.recorder.stream(link.partitionId);
    while (link.sender.sendable()) {
      const next = stream.find((stored) => stored.event.sequenceNumber >= link.next);
      if (!next) {
        return;
      }
      link.sender.send(toDeliveredMessage(next));
      link.next = next.event.sequenceNumber + 1;
    }
  }

  function reply(state: ConnState, request: Message, status: number, description: string, extra: { condition?: string; body?: unknown } = {}): void {
    const replyTo = str(request.reply_to);
    const link = replyTo ? state.replyLinks.get(replyTo) : undefined;
    if (!link || !replyTo) {
      return;
    }
    link.send({
      to: replyTo,
      correlation_id: request.message_id,
      application_properties: {
        'status-code': status,
        'status-description': description,
        ...(extra.condition ? { 'error-condition': extra.condition } : {}),
      },
      body: extra.body ?? null,
    });
  }

  /** Takes a fault for a request/response step ($cbs, $management) and answers it; returns true when answered. */
  function faultReply(state: ConnState, request: Message, clientId: string | undefined, hub: string, segments: readonly string[] = [hub]): boolean {
    const fault = ctx.faults.take('eventHubs', { protocol: 'amqp', ...(clientId ? { clientId } : {}) }, REQUEST_FAULTS);
    if (!fault) {
      return false;
    }
    switch (fault.kind) {
      case 'wrongAudience':
        reply(state, request, 401, INVALID_AUDIENCE_TEXT + trackingSuffix(hub));
        return true;
      case 'missingRole':
        // A consumer's put-token (a ConsumerGroups path) lacks Listen, a sender's lacks Send.
        reply(state, request, 401, missingClaim(claimFor(segments), segments, ctx).text + trackingSuffix(hub));
        return true;
      case 'throttled':
        reply(state, request, 503, serverBusyText(fault.spec.retryAfterSeconds ?? 2) + trackingSuffix(hub), { condition: 'com.microsoft:server-busy' });
        return true;
      case 'serviceUnavailable':
        reply(state, request, 503, SERVICE_UNAVAILABLE_TEXT + trackingSuffix(hub), { condition: 'com.microsoft:timeout' });
        return true;
      case 'connectionReset':
        state.destroy();
        return true;
      case 'timeout':
        return true;
      default:
        return false;
    }
  }

  function onPutToken(request: Message | undefined, state: ConnState): void {
    if (!request) {
      return;
    }
    const props = (request.application_properties ?? {}) as Record<string, unknown>;
    const audience = str(props['name']) ?? '';
    const type = str(props['type']);
    const token = str(request.body) ?? (Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    const hub = parseResource(audience)?.segments[0] ?? '';
    if (str(props['operation']) !== 'put-token' || (type !== 'jwt' && type !== 'servicebus.windows.net:sastoken')) {
      reply(state, request, 400, `The CBS request is not valid: operation '${str(props['operation']) ?? ''}', type '${type ?? ''}'.`);
      return;
    }
    // `hub/$management` (the SDK's management audience) takes either right, like the READs it
    // covers: a consumer with a Listen-only key (a Fabric destination's) asks for partition ids.
    const management = parseResource(audience)?.segments[1]?.toLowerCase() === '$management';
    const result = authorize(token, type === 'jwt' ? 'jwt' : 'sas', audience, ctx, management ? 'any' : undefined);
    if (faultReply(state, request, result.clientId, hub, parseResource(audience)?.segments ?? [hub])) {
      return;
    }
    if (!result.ok) {
      reply(state, request, result.status, result.text + trackingSuffix(hub), { condition: result.condition });
      return;
    }
    const segments = parseResource(audience)?.segments ?? [];
    state.claims.set(audienceKey(segments), result);
    reply(state, request, 202, 'Accepted');
  }

  function onManagement(request: Message | undefined, state: ConnState, hostname?: string): void {
    if (!request) {
      return;
    }
    const props = (request.application_properties ?? {}) as Record<string, unknown>;
    const name = str(props['name']) ?? '';
    const type = str(props['type']);
    const token = str(props['security_token']) ?? '';
    const tokenType = token.startsWith('SharedAccessSignature') ? 'sas' : 'jwt';
    // Reading hub and partition properties needs either right: consumers ask for partition ids too.
    const auth = authorize(token, tokenType, `${addressedNamespace(ctx.ns, hostname)}/${name}`, ctx, 'any');
    if (faultReply(state, request, auth.clientId, name)) {
      return;
    }
    if (str(props['operation']) !== 'READ') {
      reply(state, request, 400, `The management operation '${str(props['operation']) ?? ''}' is not supported.`, { condition: 'com.microsoft:argument-error' });
      return;
    }
    if (!auth.ok) {
      reply(state, request, auth.status, auth.text + trackingSuffix(name), { condition: auth.condition });
      return;
    }
    if (type === 'com.microsoft:eventhub') {
      reply(state, request, 200, 'OK', {
        body: { name: ctx.world.eventHubName, created_at: ctx.world.createdAt, partition_ids: [...ctx.world.partitionIds] },
      });
      return;
    }
    if (type === 'com.microsoft:partition') {
      const partition = str(props['partition']) ?? '';
      if (!ctx.world.partitionIds.includes(partition)) {
        reply(state, request, 400, invalidPartitionText(ctx.world) + trackingSuffix(name), { condition: 'com.microsoft:argument-out-of-range' });
        return;
      }
      const p = ctx.recorder.partitionState(partition);
      reply(state, request, 200, 'OK', {
        body: {
          name: ctx.world.eventHubName,
          partition,
          begin_sequence_number: p.beginSequenceNumber,
          last_enqueued_sequence_number: p.lastSequenceNumber,
          last_enqueued_offset: p.lastOffset,
          last_enqueued_time_utc: p.lastEnqueuedAt ?? new Date(0),
          is_partition_empty: p.lastEnqueuedAt === undefined,
        },
      });
      return;
    }
    reply(state, request, 400, `The management type '${type ?? ''}' is not supported.`, { condition: 'com.microsoft:argument-error' });
  }

  function onTransfer(context: EventContext, delivery: Delivery, role: Extract<LinkRole, { kind: 'hub' }>, state: ConnState): void {
    const claim = findClaim(state, role.claimKey);
    if (!claim.ok) {
      delivery.reject({ condition: claim.condition, description: claim.text + trackingSuffix(role.hub) });
      return;
    }
    const raw: unknown = context.message;
    const format = (context as { format?: number }).format ?? 0;
    const size = Buffer.isBuffer(raw) ? raw.length : amqpMessage.encode(raw).length;
    const fault = ctx.faults.take('eventHubs', { protocol: 'amqp', ...(claim.clientId ? { clientId: claim.clientId } : {}) }, TRANSFER_FAULTS);
    if (fault) {
      const error = transferFaultError(fault, size, role.hub);
      if (error === 'reset') {
        state.destroy();
        return;
      }
      if (error === 'hold') {
        return;
      }
      if (error) {
        delivery.reject(error);
        return;
      }
    }
    if (size > MAX_MESSAGE_SIZE) {
      delivery.reject({ condition: 'amqp:link:message-size-exceeded', description: messageTooLargeText(size) + trackingSuffix(role.hub) });
      return;
    }
    let events: Message[];
    let envelope: Message;
    try {
      envelope = Buffer.isBuffer(raw) ? decode(raw) : (raw as Message);
      events = format === BATCH_MESSAGE_FORMAT ? dataSections(envelope.body).map(decode) : [envelope];
    } catch (error) {
      delivery.reject({ condition: 'amqp:decode-error', description: `The message could not be decoded: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const envelopeKey = partitionKeyOf(envelope);
    // A batch without a partition id or key lands on one partition, as the service does.
    const batchPartition = role.partitionId ?? (envelopeKey !== undefined ? ctx.chooser.forKey(envelopeKey) : ctx.chooser.roundRobin());
    for (const event of events) {
      const key = partitionKeyOf(event) ?? envelopeKey;
      const contentType = str(event.content_type);
      ctx.recorder.record({
        eventHubName: role.hub,
        protocol: 'amqp',
        partitionId: role.partitionId ?? (key !== undefined && key !== envelopeKey ? ctx.chooser.forKey(key) : batchPartition),
        ...(key !== undefined ? { partitionKey: key } : {}),
        body: bodyBytes(event.body),
        ...(contentType ? { contentType } : {}),
        properties: { ...((event.application_properties ?? {}) as Record<string, unknown>) },
        ...idFields(event),
        sender: claim.identity,
      });
    }
    delivery.accept();
  }

  function transferFaultError(fault: ActiveFault, size: number, hub: string): AmqpError | 'reset' | 'hold' | undefined {
    const tail = trackingSuffix(hub);
    switch (fault.kind) {
      case 'throttled':
        return { condition: 'com.microsoft:server-busy', description: serverBusyText(fault.spec.retryAfterSeconds ?? 2) + tail };
      case 'serviceUnavailable':
        return { condition: 'com.microsoft:timeout', description: SERVICE_UNAVAILABLE_TEXT + tail };
      case 'oversizedEvent':
        return { condition: 'amqp:link:message-size-exceeded', description: messageTooLargeText(size) + tail };
      case 'wrongAudience':
        return { condition: 'amqp:unauthorized-access', description: INVALID_AUDIENCE_TEXT + tail };
      case 'missingRole':
        return { condition: 'amqp:unauthorized-access', description: sendClaimText(ctx.ns, hub) + tail };
      case 'connectionReset':
        return 'reset';
      case 'timeout':
        return 'hold';
      default:
        return undefined;
    }
  }

  return {
    acceptSocket(socket) {
      // rhea listens for 'error' and 'end', not 'close': destroying with an error is what tells it
      // the connection is gone (and stops its heartbeat timer).
      const { id } = register(() => socket.destroy(new Error('The sandbox dropped the connection.')));
      socket.once('close', () => unregister(id));
      // rhea's typings describe client connections only (host/port/transport); these are server-side options.
      const connection = container.create_connection({ ...connectionOptions, id } as never) as unknown as AcceptingConnection;
      connection.accept(socket);
    },
    acceptWebSocket(ws) {
      const { id } = register(() => ws.terminate());
      ws.once('close', () => unregister(id));
      // rhea wraps a `ws` WebSocket itself (its typings say Socket).
      container.websocket_accept(ws as unknown as Socket, { ...connectionOptions, id } as never);
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

/** message-id / correlation-id as strings (the SDK sends strings; numbers and UUIDs are shown as text). */
function idFields(message: Message): { messageId?: string; correlationId?: string } {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : Buffer.isBuffer(value) ? value.toString('hex') : undefined;
  const messageId = text(message.message_id);
  const correlationId = text(message.correlation_id);
  return { ...(messageId !== undefined ? { messageId } : {}), ...(correlationId !== undefined ? { correlationId } : {}) };
}

/** rhea's decoder types its result loosely; a decoded message has the fields of `Message`. */
function decode(bytes: Buffer): Message {
  return amqpMessage.decode(bytes) as unknown as Message;
}

function partitionKeyOf(message: Message): string | undefined {
  const annotations: Record<string, unknown> | undefined = message.message_annotations;
  const key = annotations?.[PARTITION_KEY_ANNOTATION];
  return typeof key === 'string' ? key : undefined;
}

function dataSections(body: unknown): Buffer[] {
  if (!isSection(body) || body.typecode !== 0x75) {
    throw new Error('a batch envelope must carry Data sections');
  }
  const content = body.multiple ? (body.content as unknown[]) : [body.content];
  return content.map((item) => {
    if (!Buffer.isBuffer(item)) {
      throw new Error('a Data section of the batch is not binary');
    }
    return item;
  });
}

/** Event bytes as they arrived: Data sections concatenated; an AMQP value as its bytes or JSON. */
function bodyBytes(body: unknown): Buffer {
  if (isSection(body)) {
    const parts = body.multiple ? (body.content as unknown[]) : [body.content];
    if (body.typecode === 0x75) {
      return Buffer.concat(parts.filter((p): p is Buffer => Buffer.isBuffer(p)));
    }
    return Buffer.from(JSON.stringify(parts), 'utf8');
  }
  if (body === undefined || body === null) {
    return Buffer.alloc(0);
  }
  if (Buffer.isBuffer(body)) {
    return body;
  }
  if (typeof body === 'string') {
    return Buffer.from(body, 'utf8');
  }
  return Buffer.from(JSON.stringify(body), 'utf8');
}
