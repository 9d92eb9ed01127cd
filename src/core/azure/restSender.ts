import { HttpResponseError, ValidationError } from '../errors/errors';
import type { SendRequest, SendResult } from '../flow/types';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';
import { assertEventFits, encodeEvent, MAX_EVENT_BYTES, validatePartitioning, type EncodedEvent } from './eventEncoding';
import { eventSourceOf, isEventSource } from '../events/eventSource';
import { SendTally } from '../events/sendTally';
import { runSendPipeline, sendResultOf, type BatchSink } from './sendPipeline';
import { httpsRequest } from './http';
import type { SecretSink } from '../logging/redact';
import type { ProxySettings } from './proxy';
import { createSharedAccessSignature, registerSharedAccessSignature } from './sas';

/**
 * Event Hubs REST send (wire facts §4), as a pipeline's Web activity does it: HTTPS POST to
 * `{hub}/messages`, 201 on success. One event → a plain request whose body is the event; several →
 * one JSON batch request per ≤ 1 MiB.
 */

export type RestAuth =
  /** An Entra token for https://eventhubs.azure.net (stage 4). */
  | { readonly kind: 'bearer'; readonly token: string }
  /** A SAS rule: a token is signed per request with `sr=https://{ns}/{hub}`. */
  | { readonly kind: 'sas'; readonly keyName: string; readonly key: string }
  /** A ready-made `SharedAccessSignature sr=…&sig=…&se=…&skn=…`. */
  | { readonly kind: 'sasToken'; readonly signature: string };

export interface RestSendOptions {
  /** host[:port], e.g. eventstream-1234.servicebus.windows.net or the sandbox's localhost:P. */
  readonly namespace: string;
  readonly eventHubName: string;
  readonly auth: RestAuth;
  /** Where the token or SAS may go: the namespace the profile validated. */
  readonly destination: CredentialDestination;
  readonly request: SendRequest;
  readonly signal: AbortSignal;
  readonly trustedCaPem?: string;
  /** HTTP proxy (CONNECT tunnel), unless its noProxy list excludes the host. */
  readonly proxy?: ProxySettings;
  /** Default 2014-01 (the docs' value); '' leaves `api-version` out, as some pipelines do. */
  readonly apiVersion?: string;
  readonly timeoutMs?: number;
  /** The run's redactor: every SAS token this send signs or sends is registered with it. */
  readonly secrets?: SecretSink;
}

export const REST_API_VERSION = '2014-01';
export const SINGLE_EVENT_CONTENT_TYPE = 'application/atom+xml;type=entry;charset=utf-8';
export const BATCH_CONTENT_TYPE = 'application/vnd.microsoft.servicebus.json';

/** Headers a custom property may not shadow. */
const RESERVED_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'brokerproperties', 'host', 'transfer-encoding', 'connection', 'expect']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Printable Latin-1 and tab: what Node lets through in a header value.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** `https://{ns}/{hub}/messages` or `…/partitions/{id}/messages`, with the docs' query. */
export function restSendUrl(namespace: string, eventHubName: string, partitionId: string | undefined, apiVersion: string = REST_API_VERSION): string {
  const base = `https://${namespace}/${encodeURIComponent(eventHubName)}`;
  const path = partitionId === undefined ? '/messages' : `/partitions/${encodeURIComponent(partitionId)}/messages`;
  const query = apiVersion ? `?timeout=60&api-version=${encodeURIComponent(apiVersion)}` : '?timeout=60';
  return `${base}${path}${query}`;
}

/**
 * The SAS scope: the event hub, not the namespace. Fabric's custom-endpoint keys are entity-level
 * rules, valid only for URIs under `…/{hub}`.
 */
export function restResourceUri(namespace: string, eventHubName: string): string {
  return `https://${namespace}/${eventHubName}`;
}

function authorizationHeader(options: RestSendOptions): string {
  switch (options.auth.kind) {
    case 'bearer':
      return `Bearer ${options.auth.token}`;
    case 'sas':
      return createSharedAccessSignature({
        resourceUri: restResourceUri(options.namespace, options.eventHubName),
        keyName: options.auth.keyName,
        key: options.auth.key,
        ...(options.secrets ? { secrets: options.secrets } : {}),
      });
    case 'sasToken':
      if (!/^SharedAccessSignature\s/i.test(options.auth.signature)) {
        throw new ValidationError('signature', 'does not start with "SharedAccessSignature ".', 'Paste the whole token: SharedAccessSignature sr=…&sig=…&se=…&skn=…');
      }
      registerSharedAccessSignature(options.auth.signature, options.secrets);
      return options.auth.signature.trim();
  }
}

/** Custom properties as headers (single-event form); names and values must survive HTTP. */
export function propertyHeaders(event: EncodedEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.properties ?? {})) {
    const text = String(value);
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ValidationError(
        `events[${event.index}].properties.${name}`,
        'cannot travel as an HTTP header (reserved name or characters outside a header token).',
        'Rename the property (letters, digits, - and _), or send it over AMQP.',
      );
    }
    if (!HEADER_VALUE.test(text)) {
      throw new ValidationError(
        `events[${event.index}].properties.${name}`,
        'has a value with line breaks or characters outside Latin-1, which an HTTP header cannot carry.',
        'Send several events (batch form carries properties in the body), or use AMQP.',
      );
    }
    headers[name] = text;
  }
  return headers;
}

/** The Service Bus REST system properties this sender sets; the service maps MessageId/CorrelationId to AMQP message-id/correlation-id. */
interface BrokerProperties {
  readonly PartitionKey?: string;
  readonly MessageId?: string;
  readonly CorrelationId?: string;
}

function brokerPropertiesOf(event: EncodedEvent, partitionKey: string | undefined): { BrokerProperties?: BrokerProperties } {
  const broker: BrokerProperties = {
    ...(partitionKey !== undefined ? { PartitionKey: partitionKey } : {}),
    ...(event.messageId !== undefined ? { MessageId: event.messageId } : {}),
    ...(event.correlationId !== undefined ? { CorrelationId: event.correlationId } : {}),
  };
  return Object.keys(broker).length > 0 ? { BrokerProperties: broker } : {};
}

interface BatchItem {
  readonly Body: string;
  readonly UserProperties?: Readonly<Record<string, string | number | boolean>>;
  readonly BrokerProperties?: BrokerProperties;
}

/**
 * One batch entry. The batch format documents no per-event content type, so an event's
 * `contentType` travels only in the single-event form (Content-Type header) and over AMQP.
 */
function batchItem(event: EncodedEvent, partitionKey: string | undefined): BatchItem {
  return {
    Body: event.bodyText,
    ...(event.properties ? { UserProperties: event.properties } : {}),
    ...brokerPropertiesOf(event, partitionKey),
  };
}

/** The entry as JSON; the common plain event without building an object (the same text JSON.stringify gives). */
function batchItemJson(event: EncodedEvent, partitionKey: string | undefined): string {
  if (partitionKey === undefined && !event.properties && event.messageId === undefined && event.correlationId === undefined) {
    return `{"Body":${JSON.stringify(event.bodyText)}}`;
  }
  return JSON.stringify(batchItem(event, partitionKey));
}

/**
 * A batch request being filled, written straight into a 1 MiB buffer: no per-event string outlives
 * the event (a million-event send would otherwise promote every batch's strings to the old heap and
 * double the process's peak memory). Buffers are reused once their request is answered.
 */
interface RestBatch {
  readonly buffer: Buffer;
  /** Bytes written: `[` + entries + commas (the closing `]` is added at send). */
  length: number;
  events: number;
  bodyBytes: number;
}

/**
 * Packs events into `application/vnd.microsoft.servicebus.json` requests of at most `maxBytes`
 * each. An event whose JSON-escaped batch form alone is too big goes as a single-event request
 * (its raw body fits: checked by the pipeline).
 */
function restSink(options: RestSendOptions, url: string, maxBytes: number): BatchSink<RestBatch> {
  const { request } = options;
  const spare: Buffer[] = [];
  return {
    newBatch() {
      const buffer = spare.pop() ?? Buffer.allocUnsafe(maxBytes);
      buffer[0] = 0x5b; // [
      return { buffer, length: 1, events: 0, bodyBytes: 0 };
    },
    tryAdd(batch, event) {
      const json = batchItemJson(event, request.partitionKey);
      const comma = batch.events > 0 ? 1 : 0;
      // Room for the entry, its comma and the closing bracket. A UTF-16 unit is at most 3 UTF-8
      // bytes, so most entries fit without measuring them (which would encode each twice).
      const room = maxBytes - batch.length - comma - 1;
      if (json.length * 3 > room && Buffer.byteLength(json, 'utf8') > room) {
        return false;
      }
      if (comma) {
        batch.buffer[batch.length++] = 0x2c; // ,
      }
      batch.length += batch.buffer.write(json, batch.length, 'utf8');
      batch.events += 1;
      batch.bodyBytes += event.bytes;
      return true;
    },
    sizeOf: (batch) => ({ events: batch.events, bytes: batch.bodyBytes }),
    send(batch, signal) {
      batch.buffer[batch.length] = 0x5d; // ]
      return post(options, url, { 'Content-Type': BATCH_CONTENT_TYPE }, batch.buffer.subarray(0, batch.length + 1), signal);
    },
    // Called once the batch is settled (a throttled batch is sent again from the same bytes first).
    release(batch) {
      if (spare.length < 4) {
        spare.push(batch.buffer);
      }
    },
    sendAlone: (event, signal) => post(options, url, singleEventHeaders(event, request.partitionKey), event.body, signal),
  };
}

/** The single-event form: the body as-is, its content type, BrokerProperties and custom properties as headers. */
function singleEventHeaders(event: EncodedEvent, partitionKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': event.contentType ?? SINGLE_EVENT_CONTENT_TYPE };
  const broker = brokerPropertiesOf(event, partitionKey).BrokerProperties;
  if (broker) {
    headers['BrokerProperties'] = JSON.stringify(broker);
  }
  return Object.assign(headers, propertyHeaders(event));
}

async function post(options: RestSendOptions, url: string, headers: Record<string, string>, body: Buffer | string, signal: AbortSignal): Promise<void> {
  // A fresh SAS per request keeps a long send from outliving its token.
  const response = await httpsRequest({
    method: 'POST',
    url,
    headers: { Authorization: authorizationHeader(options), ...headers },
    body,
    signal,
    ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  if (response.status !== 201) {
    throw new HttpResponseError('eventHubsRest', response.status, response.headers, response.bodyText);
  }
}

/**
 * Requests in flight at once without a partition key or id (order across partitions is not kept
 * anyway). Two 1 MiB requests keep the pipe full (a throughput unit ingests 1 MB/s); more only hold
 * more memory: 4 gave the same events per second and a peak RSS of 206 MB at 100k events against 177 MB.
 */
export const REST_MAX_IN_FLIGHT = 2;

/**
 * Sends `request.events` over REST, streaming (see sendPipeline.ts). One event → a plain request
 * whose body is the event; several → JSON batch requests of at most 1 MiB. The first event is made
 * and checked (size, header-safe properties) before anything is sent; a later bad event stops the
 * send there, with the tally saying what went. Non-201 → `HttpResponseError('eventHubsRest', …)`
 * (the XML `<Error><Code/><Detail/></Error>` body is kept for parseError).
 */
export async function sendRest(options: RestSendOptions): Promise<SendResult> {
  const { request } = options;
  validatePartitioning(request);
  const source = eventSourceOf(request.events);
  if (source.count === 0) {
    throw new ValidationError('events', 'is empty.', 'Add at least one event to send.');
  }
  // Checked before anything is sent: the first event, or every event of a list (the caller holds them already).
  const listed = isEventSource(request.events) ? [encodeEvent(source.eventAt(0), 0)] : request.events.map((event, index) => encodeEvent(event, index));
  for (const event of listed) {
    assertEventFits(event);
  }
  if (source.count === 1 && listed[0]) {
    propertyHeaders(listed[0]);
  }
  const url = restSendUrl(options.namespace, options.eventHubName, request.partitionId, options.apiVersion ?? REST_API_VERSION);
  assertCredentialDestination(url, options.destination);
  const tally = request.tally ?? new SendTally(source.count);
  const sink = restSink(options, url, MAX_EVENT_BYTES);
  const ordered = request.partitionKey !== undefined || request.partitionId !== undefined;
  await runSendPipeline({
    source,
    // One event goes in the single-event form, as a Web activity sends it.
    sink: source.count === 1 ? { ...sink, tryAdd: () => false } : sink,
    tally,
    signal: options.signal,
    maxInFlight: request.maxInFlight ?? (ordered ? 1 : REST_MAX_IN_FLIGHT),
    retryThrottled: source.count > 1 || request.pace !== undefined,
    ...(request.pace ? { pace: request.pace } : {}),
    ...(request.onLatency ? { onLatency: request.onLatency } : {}),
    ...(request.onRateChange ? { onRateChange: request.onRateChange } : {}),
  });
  return sendResultOf('rest', tally, request);
}
