/**
 * Publishing over AMQP: a client's sender link to `hub` or `hub/Partitions/N` (refused like the
 * service refuses it), and each transfer on it, a single message or a Microsoft batch, settled
 * with accepted or rejected and the service's error condition (wire facts §7.2 step 6, §7.3).
 */
import type { AmqpError, Delivery, EventContext, Message, Receiver } from 'rhea';
import { INVALID_AUDIENCE_TEXT } from './eventHubsAuth';
import {
  MAX_MESSAGE_SIZE,
  SERVICE_UNAVAILABLE_TEXT,
  entityExists,
  entityNotFoundText,
  invalidPartitionText,
  messageTooLargeText,
  sendClaimText,
  serverBusyText,
  trackingSuffix,
} from './eventHubsCommon';
import { audienceKey, findClaim, type AmqpContext, type ConnState, type HubLinkRole } from './eventHubsAmqpConnection';
import { REQUEST_FAULTS } from './eventHubsAmqpReply';
import { BATCH_MESSAGE_FORMAT, bodyBytes, dataSections, decode, encodedSize, idFields, partitionKeyOf, str } from './eventHubsAmqpWire';
import { admitSend } from './eventHubsThrottle';
import type { ActiveFault } from './internal';
import type { FaultKind, ReceivedEvent } from './types';

/** Sends end in a transfer; oversizedEvent waits for the transfer it is about. */
const TRANSFER_FAULTS: readonly FaultKind[] = [...REQUEST_FAULTS, 'oversizedEvent'];

/** Accepts a publisher's link (the caller grants credit), or detaches it with the service's error; returns its role when accepted. */
export function openHubLink(ctx: AmqpContext, receiver: Receiver, address: string, state: ConnState): HubLinkRole | undefined {
  const segments = address.split('/').filter((s) => s.length > 0);
  const hub = segments[0];
  const refuse = (error: AmqpError): undefined => {
    receiver.close({ ...error, description: `${error.description ?? ''}${trackingSuffix(hub)}` });
    return undefined;
  };
  if (!entityExists(ctx.world, hub) || (segments.length !== 1 && !(segments.length === 3 && segments[1]?.toLowerCase() === 'partitions'))) {
    // A detach with this text is what the SDK turns into MessagingEntityNotFoundError.
    return refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, address) });
  }
  const partitionId = segments[2];
  if (partitionId !== undefined && !ctx.world.partitionIds.includes(partitionId)) {
    return refuse({ condition: 'com.microsoft:argument-out-of-range', description: invalidPartitionText(ctx.world) });
  }
  const claimKey = audienceKey(segments);
  const claim = findClaim(ctx, state, claimKey);
  if (!claim.ok) {
    return refuse({ condition: claim.condition, description: claim.text });
  }
  receiver.set_target({ address });
  return { kind: 'hub', hub: ctx.world.eventHubName, ...(partitionId !== undefined ? { partitionId } : {}), claimKey };
}

export function onTransfer(ctx: AmqpContext, context: EventContext, delivery: Delivery, role: HubLinkRole, state: ConnState): void {
  const claim = findClaim(ctx, state, role.claimKey);
  if (!claim.ok) {
    delivery.reject({ condition: claim.condition, description: claim.text + trackingSuffix(role.hub) });
    return;
  }
  const raw: unknown = context.message;
  const format = (context as { format?: number }).format ?? 0;
  const size = encodedSize(raw);
  const fault = ctx.faults.take('eventHubs', { protocol: 'amqp', ...(claim.clientId ? { clientId: claim.clientId } : {}) }, TRANSFER_FAULTS);
  if (fault) {
    const error = transferFaultError(ctx, fault, size, role.hub);
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
  const received = events.map((event): Omit<ReceivedEvent, 'sequenceNumber' | 'receivedAt'> => {
    const key = partitionKeyOf(event) ?? envelopeKey;
    const contentType = str(event.content_type);
    return {
      eventHubName: role.hub,
      protocol: 'amqp',
      partitionId: role.partitionId ?? (key !== undefined && key !== envelopeKey ? ctx.chooser.forKey(key) : batchPartition),
      ...(key !== undefined ? { partitionKey: key } : {}),
      body: bodyBytes(event.body),
      ...(contentType ? { contentType } : {}),
      properties: { ...((event.application_properties ?? {}) as Record<string, unknown>) },
      ...idFields(event),
      sender: claim.identity,
    };
  });
  // Over the partition limit the transfer is rejected whole with the condition @azure/event-hubs
  // maps to ServerBusyError (retryable; wire facts §7.3) and the service's description.
  const admission = admitSend(ctx.throttle, ctx.recorder, { protocol: 'amqp', eventHubName: role.hub }, received);
  if (!admission.ok) {
    delivery.reject({ condition: 'com.microsoft:server-busy', description: serverBusyText(admission.retryAfterSeconds) + trackingSuffix(role.hub) });
    return;
  }
  for (const event of received) {
    ctx.recorder.record(event);
  }
  delivery.accept();
}

function transferFaultError(ctx: AmqpContext, fault: ActiveFault, size: number, hub: string): AmqpError | 'reset' | 'hold' | undefined {
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
