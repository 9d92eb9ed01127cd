import { HttpResponseError, ValidationError } from '../errors/errors';
import type { SendRequest, SendResult } from '../flow/types';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';
import { encodeEvents, MAX_EVENT_BYTES, totalBytes, validatePartitioning, type EncodedEvent } from './eventEncoding';
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

type Planned = { readonly kind: 'single'; readonly event: EncodedEvent } | { readonly kind: 'batch'; readonly events: EncodedEvent[]; readonly body: string };

/**
 * Splits events into requests of at most `maxBytes` each. An event whose JSON-escaped batch form
 * alone is too big goes as a single-event request (its raw body fits: checked by encodeEvents).
 */
export function planRestRequests(events: readonly EncodedEvent[], partitionKey: string | undefined, maxBytes: number = MAX_EVENT_BYTES): Planned[] {
  if (events.length === 1 && events[0]) {
    return [{ kind: 'single', event: events[0] }];
  }
  const plans: Planned[] = [];
  let current: { events: EncodedEvent[]; parts: string[]; bytes: number } = { events: [], parts: [], bytes: 2 };
  const flush = (): void => {
    if (current.events.length > 0) {
      plans.push({ kind: 'batch', events: current.events, body: `[${current.parts.join(',')}]` });
    }
    current = { events: [], parts: [], bytes: 2 };
  };
  for (const event of events) {
    const json = JSON.stringify(batchItem(event, partitionKey));
    const size = Buffer.byteLength(json, 'utf8');
    if (size + 2 > maxBytes) {
      flush();
      plans.push({ kind: 'single', event });
      continue;
    }
    const added = size + (current.events.length > 0 ? 1 : 0);
    if (current.bytes + added > maxBytes) {
      flush();
    }
    current.bytes += size + (current.events.length > 0 ? 1 : 0);
    current.events.push(event);
    current.parts.push(json);
  }
  flush();
  return plans;
}

/**
 * Sends `request.events` over REST. Validates everything (sizes, partitioning, header-safe
 * properties) before the first byte is sent. Non-201 → `HttpResponseError('eventHubsRest', …)`
 * (the XML `<Error><Code/><Detail/></Error>` body is kept for parseError); requests before the
 * failing one have been accepted.
 */
export async function sendRest(options: RestSendOptions): Promise<SendResult> {
  const { request } = options;
  validatePartitioning(request);
  const events = encodeEvents(request.events);
  const plans = planRestRequests(events, request.partitionKey);
  for (const plan of plans) {
    if (plan.kind === 'single') {
      propertyHeaders(plan.event);
    }
  }
  const url = restSendUrl(options.namespace, options.eventHubName, request.partitionId, options.apiVersion ?? REST_API_VERSION);
  assertCredentialDestination(url, options.destination);

  for (const plan of plans) {
    // A fresh SAS per request keeps a long batch from outliving its token.
    const headers: Record<string, string> = { Authorization: authorizationHeader(options) };
    let body: Buffer | string;
    if (plan.kind === 'single') {
      headers['Content-Type'] = plan.event.contentType ?? SINGLE_EVENT_CONTENT_TYPE;
      const broker = brokerPropertiesOf(plan.event, request.partitionKey).BrokerProperties;
      if (broker) {
        headers['BrokerProperties'] = JSON.stringify(broker);
      }
      Object.assign(headers, propertyHeaders(plan.event));
      body = plan.event.body;
    } else {
      headers['Content-Type'] = BATCH_CONTENT_TYPE;
      body = plan.body;
    }
    const response = await httpsRequest({
      method: 'POST',
      url,
      headers,
      body,
      signal: options.signal,
      ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.proxy ? { proxy: options.proxy } : {}),
    });
    if (response.status !== 201) {
      throw new HttpResponseError('eventHubsRest', response.status, response.headers, response.bodyText);
    }
  }

  return {
    protocol: 'rest',
    eventsAccepted: events.length,
    requests: plans.length,
    bytes: totalBytes(events),
    ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
    ...(request.partitionId !== undefined ? { partitionId: request.partitionId } : {}),
  };
}
