/**
 * What the AMQP peer needs to serve consumers: the start position a receive link's selector
 * filter asks for, and the message a stored event becomes on the wire, with the system
 * annotations Event Hubs sets (local-peers §A; `@azure/event-hubs` eventPosition.js writes the filter).
 */
import { message as amqpMessage, types, type Message } from 'rhea';
import type { StoredEvent } from './internal';

export const SELECTOR_FILTER = 'apache.org:selector-filter:string';

/** Where a receiver starts. `@latest` is resolved when the link attaches. */
export type StartPosition =
  | { readonly kind: 'offset'; readonly offset: string; readonly inclusive: boolean }
  | { readonly kind: 'sequenceNumber'; readonly sequenceNumber: number; readonly inclusive: boolean }
  | { readonly kind: 'enqueuedTime'; readonly afterMs: number };

const SELECTOR = /^\s*amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/;

/** The selector text inside the link source's filter map (rhea may leave it wrapped as a described value). */
function selectorText(filter: unknown): string | undefined {
  if (typeof filter !== 'object' || filter === null) {
    return undefined;
  }
  let value: unknown = (filter as Record<string, unknown>)[SELECTOR_FILTER];
  for (let depth = 0; depth < 3 && typeof value === 'object' && value !== null && 'value' in value; depth++) {
    value = value.value;
  }
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the start position from a receive link's source filter. No filter means the start of
 * the stream, as on the service; a filter the service would not parse returns an error text.
 */
export function parseStartPosition(filter: unknown): StartPosition | string {
  const text = selectorText(filter);
  if (text === undefined) {
    return { kind: 'offset', offset: '-1', inclusive: false };
  }
  const match = SELECTOR.exec(text);
  if (!match) {
    return `The selector filter '${text}' is not supported: use amqp.annotation.x-opt-offset, x-opt-sequence-number or x-opt-enqueued-time with > or >=.`;
  }
  const [, annotation, operator, value = ''] = match;
  const inclusive = operator === '>=';
  if (annotation === 'x-opt-offset') {
    return value === '@latest' || value === '-1' || /^\d+$/.test(value)
      ? { kind: 'offset', offset: value, inclusive }
      : `The offset '${value}' in the selector filter is not valid.`;
  }
  if (!/^-?\d+$/.test(value)) {
    return `The value '${value}' in the selector filter is not a number.`;
  }
  return annotation === 'x-opt-sequence-number'
    ? { kind: 'sequenceNumber', sequenceNumber: Number(value), inclusive }
    : { kind: 'enqueuedTime', afterMs: Number(value) };
}

/**
 * The sequence number of the first event a receiver gets. `latestSequence` is the partition's
 * last sequence number at attach time (-1 when empty); `stream` is what the partition retains.
 */
export function firstSequenceNumber(position: StartPosition, stream: readonly StoredEvent[], latestSequence: number): number {
  switch (position.kind) {
    case 'offset': {
      if (position.offset === '@latest') {
        return latestSequence + 1;
      }
      if (position.offset === '-1') {
        return stream[0]?.event.sequenceNumber ?? latestSequence + 1;
      }
      const offset = Number(position.offset);
      const first = stream.find((s) => (position.inclusive ? Number(s.offset) >= offset : Number(s.offset) > offset));
      return first?.event.sequenceNumber ?? latestSequence + 1;
    }
    case 'sequenceNumber':
      return position.inclusive ? position.sequenceNumber : position.sequenceNumber + 1;
    case 'enqueuedTime': {
      const first = stream.find((s) => s.event.receivedAt.getTime() > position.afterMs);
      return first?.event.sequenceNumber ?? latestSequence + 1;
    }
  }
}

/** A stored event as the service delivers it: body as one Data section, properties, system annotations. */
export function toDeliveredMessage(stored: StoredEvent): Message {
  const { event } = stored;
  // rhea's typings return `any` for a section.
  const body: unknown = amqpMessage.data_section(event.body);
  return {
    body,
    ...(Object.keys(event.properties).length > 0 ? { application_properties: { ...event.properties } } : {}),
    ...(event.contentType ? { content_type: event.contentType } : {}),
    ...(event.messageId !== undefined ? { message_id: event.messageId } : {}),
    ...(event.correlationId !== undefined ? { correlation_id: event.correlationId } : {}),
    message_annotations: {
      'x-opt-sequence-number': types.wrap_long(event.sequenceNumber),
      'x-opt-offset': stored.offset,
      'x-opt-enqueued-time': event.receivedAt,
      ...(event.partitionKey !== undefined ? { 'x-opt-partition-key': event.partitionKey } : {}),
    },
  };
}
