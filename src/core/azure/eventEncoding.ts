import { ValidationError } from '../errors/errors';
import type { EventToSend } from '../flow/types';

/**
 * One body encoding for REST and AMQP, so that both put the same bytes on the wire and report the
 * same `bytes`: a string is sent as-is (UTF-8), anything else as its JSON text. AMQP gets the bytes
 * as a Buffer (one data section): handing the SDK a string would JSON-encode it again ("\"hello\"").
 */

/** Event Hubs' maximum publication size (Standard and above): 1 MiB (wire facts §4.5). */
export const MAX_EVENT_BYTES = 1_048_576;

/** Event Hubs limit for partition keys and ids (core-amqp `maxPartitionKeyLength`). */
export const MAX_PARTITION_KEY_LENGTH = 128;

export interface EncodedEvent {
  readonly index: number;
  readonly bodyText: string;
  readonly body: Buffer;
  readonly bytes: number;
  readonly contentType?: string;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  readonly messageId?: string;
  readonly correlationId?: string;
}

/** The body as text: strings unchanged, everything else (numbers, objects, null) as JSON. */
export function encodeBodyText(body: EventToSend['body']): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function encodeEvent(event: EventToSend, index: number): EncodedEvent {
  return new LazyEncodedEvent(event, index);
}

/**
 * A class, not an object literal with a getter and spreads: a million-event send makes a million of
 * these, and one fixed shape keeps V8 on its fast path (the literal cost ~3 µs an event, issue #8).
 */
class LazyEncodedEvent implements EncodedEvent {
  readonly bodyText: string;
  readonly bytes: number;
  readonly contentType: string | undefined;
  readonly properties: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly messageId: string | undefined;
  readonly correlationId: string | undefined;
  #body: Buffer | undefined;

  constructor(event: EventToSend, readonly index: number) {
    this.bodyText = encodeBodyText(event.body);
    this.bytes = Buffer.byteLength(this.bodyText, 'utf8');
    this.contentType = event.contentType || undefined;
    this.properties = event.properties && Object.keys(event.properties).length > 0 ? event.properties : undefined;
    this.messageId = event.messageId;
    this.correlationId = event.correlationId;
  }

  // Made when asked (AMQP, a single REST event): a REST batch needs only the text, and a
  // million-event send should not allocate a Buffer per event for nothing.
  get body(): Buffer {
    this.#body ??= Buffer.from(this.bodyText, 'utf8');
    return this.#body;
  }
}

export function assertEventFits(event: EncodedEvent, maxBytes: number = MAX_EVENT_BYTES): void {
  if (event.bytes > maxBytes) {
    throw new ValidationError(
      `events[${event.index}].body`,
      `is ${event.bytes.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit of an Event Hubs publication.`,
      'Send a smaller event, or split the payload into several events.',
    );
  }
}

/** Partition key xor id, each at most 128 characters. */
export function validatePartitioning(request: { readonly partitionKey?: string; readonly partitionId?: string }): void {
  if (request.partitionKey !== undefined && request.partitionId !== undefined) {
    throw new ValidationError('partitionKey', 'and partitionId are both set.', 'Use a partition key (hashed by the service) or a partition id, not both.');
  }
  for (const [field, value] of [
    ['partitionKey', request.partitionKey],
    ['partitionId', request.partitionId],
  ] as const) {
    if (value !== undefined && (value.length === 0 || value.length > MAX_PARTITION_KEY_LENGTH)) {
      throw new ValidationError(field, `must be 1–${MAX_PARTITION_KEY_LENGTH} characters long.`, `Shorten the ${field}.`);
    }
  }
}
