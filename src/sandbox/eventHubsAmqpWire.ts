/**
 * What an Event Hubs AMQP transfer carries and how the peer reads it: the Microsoft batch format
 * (an envelope whose Data sections are each one encoded message), the partition-key annotation,
 * message ids and body bytes (local-peers §A.5; wire facts §7.2 step 6).
 */
import { message as amqpMessage, type Message } from 'rhea';

/** `com.microsoft` batch format: the envelope's Data sections are each one encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;
const PARTITION_KEY_ANNOTATION = 'x-opt-partition-key';

/** rhea's decoded body section (not in its typings): Data sections are 0x75, one Buffer or several. */
interface BodySection {
  readonly typecode: number;
  readonly content: unknown;
  readonly multiple?: boolean;
}

function isSection(body: unknown): body is BodySection {
  return typeof body === 'object' && body !== null && 'typecode' in body && 'content' in body;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** message-id / correlation-id as strings (the SDK sends strings; numbers and UUIDs are shown as text). */
export function idFields(message: Message): { messageId?: string; correlationId?: string } {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : Buffer.isBuffer(value) ? value.toString('hex') : undefined;
  const messageId = text(message.message_id);
  const correlationId = text(message.correlation_id);
  return { ...(messageId !== undefined ? { messageId } : {}), ...(correlationId !== undefined ? { correlationId } : {}) };
}

/** rhea's decoder types its result loosely; a decoded message has the fields of `Message`. */
export function decode(bytes: Buffer): Message {
  return amqpMessage.decode(bytes) as unknown as Message;
}

/** The encoded size of a transfer: its bytes as they came, or the message re-encoded. */
export function encodedSize(raw: unknown): number {
  return Buffer.isBuffer(raw) ? raw.length : amqpMessage.encode(raw).length;
}

export function partitionKeyOf(message: Message): string | undefined {
  const annotations: Record<string, unknown> | undefined = message.message_annotations;
  const key = annotations?.[PARTITION_KEY_ANNOTATION];
  return typeof key === 'string' ? key : undefined;
}

export function dataSections(body: unknown): Buffer[] {
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
export function bodyBytes(body: unknown): Buffer {
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
