// What one send carries besides its JSON body (jsonBody.ts): its size, the partition
// key or id, and the custom properties. No vscode import.
import { ValidationError } from '../errors/errors';
import { clip, fail, ok, problems, type Validated } from './validated';

/** 1 MiB: Event Hubs Standard/Premium (and Eventstream) reject publications above this. */
export const MAX_EVENT_BYTES = 1_048_576;
export const MAX_PARTITION_KEY_LENGTH = 128;
export function validatePartitionKey(input: string | undefined, field = 'partitionKey'): Validated<string | undefined> {
  if (input === undefined || input === '') {
    return ok(undefined);
  }
  if (input.length > MAX_PARTITION_KEY_LENGTH) {
    return fail(field, `is ${input.length} characters; Event Hubs allows at most ${MAX_PARTITION_KEY_LENGTH}.`, 'Use a shorter key (a hash of a long key works).');
  }
  return ok(input);
}

export function validatePartitionId(input: string | undefined, field = 'partitionId'): Validated<string | undefined> {
  const value = input?.trim();
  if (!value) {
    return ok(undefined);
  }
  if (value.length > MAX_PARTITION_KEY_LENGTH) {
    return fail(field, `is ${value.length} characters; at most ${MAX_PARTITION_KEY_LENGTH}.`, 'Use a partition id such as 0 or 1 (see the probe result).');
  }
  if (!/^\d+$/.test(value)) {
    return fail(field, `is "${clip(value)}"; Event Hubs partition ids are numbers starting at 0.`, 'Run the probe to list the partition ids.');
  }
  return ok(value);
}

export function validatePartitionOptions(options: { partitionKey?: string; partitionId?: string }): ValidationError[] {
  const found = problems([validatePartitionKey(options.partitionKey), validatePartitionId(options.partitionId)]);
  if (options.partitionKey && options.partitionId) {
    found.push(new ValidationError('partitionId', 'is set together with a partition key.', 'Use either a partition key (the service picks the partition) or a partition id, not both.'));
  }
  return found;
}

/**
 * A media type (RFC 9110 §8.3.1: type "/" subtype *(";" parameter)): on REST it is the
 * Content-Type header, where a line break or other control character would make Node refuse the
 * request (a TypeError at send, after stages 1–4 ran). The send panel checks the same shape.
 */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\r\n]*"))*$/;

export function validateContentType(input: string, field = 'contentType'): Validated<string> {
  const value = input.trim();
  const fix = 'Give a media type such as application/json, application/json; charset=utf-8 or text/plain.';
  if (!value) {
    return fail(field, 'is empty.', fix);
  }
  if (value.length > 256 || !MEDIA_TYPE.test(value)) {
    return fail(field, `is "${clip(value, 40)}", not a media type (type/subtype, optional ; name=value parameters, on one line).`, fix);
  }
  return ok(value);
}

/** Refuses events over the limit, saying by how much. Accepts a body, its bytes, or a byte count. */
export function validateEventSize(body: string | Uint8Array | number, limit = MAX_EVENT_BYTES, field = 'body'): Validated<number> {
  const bytes = typeof body === 'number' ? body : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (bytes > limit) {
    const fmt = (n: number): string => n.toLocaleString('en-US');
    return fail(
      field,
      `is ${fmt(bytes)} bytes, ${fmt(bytes - limit)} bytes over the ${limit === MAX_EVENT_BYTES ? '1 MiB' : 'maximum'} (${fmt(limit)} bytes) an event may have.`,
      'Send a smaller event or split the payload into several events.',
    );
  }
  return ok(bytes);
}

/** Headers the REST sender sets itself, or that would change the request: never custom properties. */
const RESERVED_PROPERTY_NAMES = new Set([
  'authorization',
  'content-type',
  'content-length',
  'host',
  'brokerproperties',
  'transfer-encoding',
  'connection',
  'expect',
  'user-agent',
  'accept',
]);

/** Custom properties become HTTP headers on REST and application properties on AMQP: valid for both. */
export function validatePropertyName(input: string, field = 'properties'): Validated<string> {
  const name = input.trim();
  if (!name) {
    return fail(field, 'has a property without a name.', 'Give every custom property a name, e.g. source.');
  }
  if (name.length > 128) {
    return fail(`${field}.${name.slice(0, 20)}…`, 'has a name longer than 128 characters.', 'Use a shorter property name.');
  }
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    return fail(`${field}.${name}`, 'has characters not allowed in a property name (spaces, quotes, colons, non-ASCII…).', 'Use letters, digits, - and _ (the REST protocol sends properties as HTTP headers).');
  }
  if (RESERVED_PROPERTY_NAMES.has(name.toLowerCase()) || /^x-ms-/i.test(name)) {
    return fail(`${field}.${name}`, 'is a reserved header name.', 'Choose another name; this one is set by the sender or the service.');
  }
  return ok(name);
}

export function validatePropertyValue(name: string, value: unknown, field = 'properties'): Validated<string | number | boolean> {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? ok(value) : fail(`${field}.${name}`, 'is not a finite number.', 'Use a finite number or a string.');
  }
  if (typeof value === 'boolean') {
    return ok(value);
  }
  if (typeof value !== 'string') {
    return fail(`${field}.${name}`, `is a ${value === null ? 'null' : typeof value}; property values are strings, numbers or booleans.`, 'Put structured data in the event body instead.');
  }
  if (/[\r\n\0]/.test(value)) {
    return fail(`${field}.${name}`, 'contains a line break or NUL.', 'Use a single-line value (it is sent as an HTTP header on REST).');
  }
  if (Buffer.byteLength(value, 'utf8') > 8192) {
    return fail(`${field}.${name}`, 'is longer than 8 KB.', 'Put large data in the event body.');
  }
  return ok(value);
}

export function validateProperties(properties: Readonly<Record<string, unknown>>, field = 'properties'): ValidationError[] {
  const found: ValidationError[] = [];
  const seen = new Set<string>();
  for (const [rawName, value] of Object.entries(properties)) {
    const name = validatePropertyName(rawName, field);
    if (!name.ok) {
      found.push(name.error);
      continue;
    }
    if (seen.has(name.value.toLowerCase())) {
      found.push(new ValidationError(`${field}.${name.value}`, 'appears twice (names are case-insensitive as headers).', 'Keep one of them.'));
    }
    seen.add(name.value.toLowerCase());
    const checked = validatePropertyValue(name.value, value, field);
    if (!checked.ok) {
      found.push(checked.error);
    }
  }
  return found;
}
