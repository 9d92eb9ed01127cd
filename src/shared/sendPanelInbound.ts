/**
 * The host's check of everything the send panel's webview posts: each message parsed field by
 * field into its type, or refused with the field and why; and the count and rate checked in the
 * CLI's words. Part of the panel's protocol (sendPanelProtocol.ts).
 */
import { isValidationError } from '../core/errors/errors';
import { checkWholeNumber, EVENT_COUNT, parseWholeNumber, SEND_RATE, type WholeNumberRange } from '../core/model/limits';
import { PARAMETER_NAME, PARTITION_KINDS, PROTOCOLS, SEND_PANEL_LIMITS, UNSAFE_KEYS, type CustomProperty, type Partition, type PersistedForm, type SendForm } from './sendPanelForm';
import type { WebviewMessage, WebviewMessageType } from './sendPanelMessages';
import { array, boolean, type Fields, integer, oneOf, onlyKeys, record, ShapeError, string, utf8Length } from './validate';

const L = SEND_PANEL_LIMITS;
/** Custom properties go out as HTTP headers on REST: the RFC 9110 token characters only. */
const PROPERTY_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\r\n]*"))*$/;
const PROFILE_ID = /^[A-Za-z0-9._:-]+$/;
const REQUEST_ID = /^[A-Za-z0-9_-]+$/;

export type ParseResult = WebviewMessage | { readonly error: string };

export function isParseError(result: ParseResult): result is { readonly error: string } {
  return 'error' in result;
}

/** Checks every field of a message from the webview; returns the typed message or why it was refused. */
export function parseWebviewMessage(data: unknown): ParseResult {
  try {
    return parseOrThrow(data);
  } catch (error) {
    if (error instanceof ShapeError) {
      return { error: error.message };
    }
    throw error;
  }
}

function parseOrThrow(data: unknown): WebviewMessage {
  const message = record(data, 'message');
  const type = oneOf(message.type, 'message.type', [
    'ready',
    'send',
    'cancel',
    'pickProfile',
    'validateBody',
    'saveForm',
    'clearHistory',
    'openLog',
    'openDocs',
  ] as const satisfies readonly WebviewMessageType[]);
  switch (type) {
    case 'ready':
    case 'cancel':
    case 'clearHistory':
    case 'openLog':
      onlyKeys(message, ['type'], 'message');
      return { type };
    case 'send':
      onlyKeys(message, ['type', 'form'], 'message');
      return { type, form: parseSendForm(message.form) };
    case 'pickProfile':
      onlyKeys(message, ['type', 'profileId'], 'message');
      return { type, profileId: profileId(message.profileId, 'profileId') };
    case 'validateBody':
      onlyKeys(message, ['type', 'requestId', 'body', 'parameters', 'contentType'], 'message');
      return {
        type,
        requestId: string(message.requestId, 'requestId', { min: 1, max: L.maxRequestIdLength, pattern: REQUEST_ID }),
        body: body(message.body, 'body'),
        parameters: parameters(message.parameters, 'parameters'),
        ...(message.contentType === undefined ? {} : { contentType: contentType(message.contentType, 'contentType') }),
      };
    case 'saveForm':
      onlyKeys(message, ['type', 'form'], 'message');
      return { type, form: parsePersistedForm(message.form) };
    case 'openDocs':
      onlyKeys(message, ['type', 'url'], 'message');
      return { type, url: httpsUrl(message.url, 'url') };
  }
}

export function parseSendForm(value: unknown): SendForm {
  const form = record(value, 'form');
  onlyKeys(form, ['profileId', 'body', 'parameters', 'contentType', 'properties', 'partition', 'protocol', 'count', 'batch', 'rate', 'readBack'], 'form');
  return {
    ...readBackFlag(form.readBack, 'form.readBack'),
    profileId: profileId(form.profileId, 'form.profileId'),
    body: body(form.body, 'form.body'),
    parameters: parameters(form.parameters, 'form.parameters'),
    contentType: contentType(form.contentType, 'form.contentType'),
    properties: properties(form.properties, 'form.properties'),
    partition: partition(form.partition, 'form.partition'),
    protocol: oneOf(form.protocol, 'form.protocol', PROTOCOLS),
    // Only the type here: the range is planSend's, which refuses a count out of range visibly
    // (a `refused` result in the core's wording) rather than dropping the message.
    count: integer(form.count, 'form.count', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
    batch: boolean(form.batch, 'form.batch'),
    // Type only, as for the count: planSend refuses an out-of-range rate visibly.
    ...(form.rate === undefined ? {} : { rate: integer(form.rate, 'form.rate', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY) }),
  };
}

/** The panel's rate checked like the CLI's --rate (core/model/limits), in the same words. */
export function rateProblem(rate: number | string): { readonly message: string; readonly fix: string } | undefined {
  return wholeNumberProblem(rate, 'Rate', SEND_RATE);
}

/**
 * The panel's count checked like the CLI's --count (core/model/limits): what is wrong and the fix,
 * e.g. "Count is 2000000." and "Give a whole number from 1 to 1,000,000 (default 1).", or
 * undefined when it is in range. A string is what was typed: digits only, like the CLI.
 */
export function countProblem(count: number | string): { readonly message: string; readonly fix: string } | undefined {
  return wholeNumberProblem(count, 'Count', EVENT_COUNT);
}

function wholeNumberProblem(value: number | string, field: string, range: WholeNumberRange): { readonly message: string; readonly fix: string } | undefined {
  try {
    if (typeof value === 'string') {
      parseWholeNumber(value, field, range);
    } else {
      checkWholeNumber(value, field, range);
    }
    return undefined;
  } catch (error) {
    if (isValidationError(error)) {
      return { message: `${error.field} ${error.problem}`, fix: error.fix };
    }
    throw error;
  }
}

export function parsePersistedForm(value: unknown): PersistedForm {
  const form = record(value, 'form');
  onlyKeys(form, ['profileId', 'contentType', 'protocol', 'count', 'batch', 'partitionKind', 'parameterNames', 'propertyNames', 'readBack'], 'form');
  const id = form.profileId === undefined ? undefined : profileId(form.profileId, 'form.profileId');
  return {
    ...readBackFlag(form.readBack, 'form.readBack'),
    ...(id === undefined ? {} : { profileId: id }),
    contentType: contentType(form.contentType, 'form.contentType'),
    protocol: oneOf(form.protocol, 'form.protocol', PROTOCOLS),
    count: integer(form.count, 'form.count', L.minCount, L.maxCount),
    batch: boolean(form.batch, 'form.batch'),
    partitionKind: oneOf(form.partitionKind, 'form.partitionKind', PARTITION_KINDS),
    parameterNames: array(form.parameterNames, 'form.parameterNames', L.maxParameters).map((n, i) => parameterName(n, `form.parameterNames[${i}]`)),
    propertyNames: array(form.propertyNames, 'form.propertyNames', L.maxProperties).map((n, i) =>
      string(n, `form.propertyNames[${i}]`, { max: L.maxPropertyNameLength, singleLine: true }),
    ),
  };
}

/** An optional boolean: absent stays absent (older webviews never send it). */
function readBackFlag(value: unknown, field: string): { readBack?: boolean } {
  return value === undefined ? {} : { readBack: boolean(value, field) };
}

function profileId(value: unknown, field: string): string {
  return string(value, field, { min: 1, max: L.maxProfileIdLength, pattern: PROFILE_ID });
}

function body(value: unknown, field: string): string {
  // Cheap length check first: UTF-8 is never shorter than the UTF-16 length.
  const text = string(value, field, { max: L.maxBodyBytes });
  if (utf8Length(text) > L.maxBodyBytes) {
    throw new ShapeError(field, `must be at most ${L.maxBodyBytes} bytes (1 MiB) in UTF-8.`);
  }
  return text;
}

function parameterName(value: unknown, field: string): string {
  const name = string(value, field, { min: 1, max: L.maxParameterNameLength, pattern: PARAMETER_NAME });
  if (UNSAFE_KEYS.has(name)) {
    throw new ShapeError(field, 'is a reserved name.');
  }
  return name;
}

/** A null-prototype record, so a lookup of a missing name never finds an Object.prototype member. */
function parameters(value: unknown, field: string): Readonly<Record<string, string>> {
  const input = record(value, field);
  const entries = Object.entries(input);
  if (entries.length > L.maxParameters) {
    throw new ShapeError(field, `must have at most ${L.maxParameters} entries.`);
  }
  const out = Object.create(null) as Record<string, string>;
  for (const [name, v] of entries) {
    const checked = parameterName(name, `${field} name "${name.slice(0, 40)}"`);
    out[checked] = string(v, `${field}.${checked}`, { max: L.maxParameterValueLength });
  }
  return out;
}

function contentType(value: unknown, field: string): string {
  return string(value, field, { min: 1, max: L.maxContentTypeLength, singleLine: true, pattern: CONTENT_TYPE });
}

function properties(value: unknown, field: string): CustomProperty[] {
  const seen = new Set<string>();
  return array(value, field, L.maxProperties).map((item, i) => {
    const where = `${field}[${i}]`;
    const row: Fields = record(item, where);
    onlyKeys(row, ['name', 'value'], where);
    const name = string(row.name, `${where}.name`, { min: 1, max: L.maxPropertyNameLength, pattern: PROPERTY_NAME });
    if (seen.has(name.toLowerCase())) {
      throw new ShapeError(`${where}.name`, 'repeats an earlier property name (names are case-insensitive).');
    }
    seen.add(name.toLowerCase());
    return { name, value: string(row.value, `${where}.value`, { max: L.maxPropertyValueLength, singleLine: true }) };
  });
}

function partition(value: unknown, field: string): Partition {
  const input = record(value, field);
  const kind = oneOf(input.kind, `${field}.kind`, PARTITION_KINDS);
  if (kind === 'none') {
    onlyKeys(input, ['kind'], field);
    return { kind };
  }
  onlyKeys(input, ['kind', 'value'], field);
  if (kind === 'key') {
    return { kind, value: string(input.value, `${field}.value`, { min: 1, max: L.maxPartitionKeyLength, singleLine: true }) };
  }
  return { kind, value: string(input.value, `${field}.value`, { min: 1, max: L.maxPartitionIdLength, pattern: /^\d+$/ }) };
}

function httpsUrl(value: unknown, field: string): string {
  const text = string(value, field, { min: 1, max: L.maxUrlLength, singleLine: true });
  if (!/^https:\/\/[^\s/]+/i.test(text)) {
    throw new ShapeError(field, 'must be an https URL.');
  }
  return text;
}

