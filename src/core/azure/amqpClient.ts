import type { NamedKeyCredential, TokenCredential } from '@azure/core-auth';
import type { EventData, EventDataBatch, EventHubClientOptions, EventHubProducerClient, RetryOptions } from '@azure/event-hubs';
import { ValidationError } from '../errors/errors';
import type { EndpointInfo, SendRequest, SendResult } from '../flow/types';
import type { Logger } from '../logging/logger';
import { parseConnectionString } from './connectionString';
import { encodeEvents, totalBytes, validatePartitioning, type EncodedEvent } from './eventEncoding';
import { raceAbort, throwIfAborted } from './http';
import { caListFor } from './trust';

/**
 * Event Hubs over AMQP 1.0 through @azure/event-hubs (loaded on first use). One producer per call,
 * always closed: a test run must not leave a connection (and its timers) behind.
 */

export type AmqpAuth =
  /** Entra ID: the SDK asks it for https://eventhubs.azure.net//.default (use toTokenCredential for stage 4's token). */
  | { readonly kind: 'token'; readonly credential: TokenCredential }
  /** A SAS rule; the SDK signs one token per audience (sender, partition, $management). */
  | { readonly kind: 'sas'; readonly keyName: string; readonly key: string }
  /** Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…][;UseDevelopmentEmulator=true]. */
  | { readonly kind: 'connectionString'; readonly connectionString: string };

export type AmqpTransport = 'tcp' | 'websockets';

export interface AmqpOptions {
  /** host[:port]; ignored for connection strings (their Endpoint wins). */
  readonly namespace: string;
  /** Ignored when a connection string carries EntityPath. */
  readonly eventHubName: string;
  readonly auth: AmqpAuth;
  readonly signal: AbortSignal;
  /**
   * Extra CA (the sandbox's). Honoured on `websockets` only: the SDK opens AMQP-over-TLS sockets
   * without a way to pass `ca`, so `tcp` relies on Node's trust store (NODE_EXTRA_CA_CERTS).
   */
  readonly trustedCaPem?: string;
  /**
   * `tcp`: AMQPS on 5671 (or the namespace's port; plain TCP for emulator connection strings).
   * `websockets`: wss://{ns}/$servicebus/websocket on 443 (or the port): passes firewalls and
   * proxies, and is how a process that cannot set NODE_EXTRA_CA_CERTS (the extension host) trusts the sandbox CA.
   */
  readonly transport?: AmqpTransport;
  /** Overrides INTERACTIVE_AMQP_RETRY. */
  readonly retryOptions?: RetryOptions;
  readonly logger?: Logger;
}

/**
 * core-amqp retries `UnauthorizedError` (rotated credentials, it assumes) with 3 retries, 30–90 s
 * apart and 60 s per try: a wrong role or key would surface after minutes. People testing a
 * connection want the service's answer in seconds.
 */
export const INTERACTIVE_AMQP_RETRY: RetryOptions = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000, timeoutInMs: 15_000 };

async function clientOptions(options: AmqpOptions): Promise<EventHubClientOptions> {
  const base: EventHubClientOptions = { retryOptions: { ...INTERACTIVE_AMQP_RETRY, ...options.retryOptions } };
  if (options.transport !== 'websockets') {
    return base;
  }
  const ws = await import('ws');
  const ca = caListFor(options.trustedCaPem);
  return {
    ...base,
    webSocketOptions: {
      webSocket: ws.WebSocket as unknown as NonNullable<EventHubClientOptions['webSocketOptions']>['webSocket'],
      ...(ca ? { webSocketConstructorOptions: { ca } } : {}),
    },
  };
}

async function openProducer(options: AmqpOptions): Promise<EventHubProducerClient> {
  const [{ EventHubProducerClient }, clientOpts] = await Promise.all([import('@azure/event-hubs'), clientOptions(options)]);
  const { auth } = options;
  switch (auth.kind) {
    case 'token':
      return new EventHubProducerClient(options.namespace, options.eventHubName, auth.credential, clientOpts);
    case 'sas': {
      // Structurally an AzureNamedKeyCredential (the SDK checks for string `name` and `key`).
      const credential: NamedKeyCredential = { name: auth.keyName, key: auth.key };
      return new EventHubProducerClient(options.namespace, options.eventHubName, credential, clientOpts);
    }
    case 'connectionString': {
      const parsed = parseConnectionString(auth.connectionString);
      // With EntityPath the SDK takes the hub from the string (a different second argument throws).
      return parsed.eventHubName
        ? new EventHubProducerClient(auth.connectionString, clientOpts)
        : new EventHubProducerClient(auth.connectionString, options.eventHubName, clientOpts);
    }
  }
}

/**
 * core-amqp 4.4 throws `AggregateError(errors)` when every attempt of a retried operation failed
 * (one entry per attempt). The last attempt's error is the SDK error callers (and parseError)
 * understand, e.g. `MessagingError` code `UnauthorizedError`: rethrow that one, untouched.
 */
export function unwrapRetryError(error: unknown): unknown {
  if (error instanceof AggregateError && Array.isArray(error.errors) && error.errors.length > 0) {
    const last: unknown = error.errors[error.errors.length - 1];
    return last instanceof Error ? last : error;
  }
  return error;
}

/** Runs `work` with a fresh producer and always closes it; a close failure never hides the real outcome. */
async function withProducer<T>(options: AmqpOptions, work: (producer: EventHubProducerClient) => Promise<T>): Promise<T> {
  throwIfAborted(options.signal);
  const producer = await openProducer(options);
  try {
    return await raceAbort(work(producer), options.signal);
  } catch (error) {
    throw unwrapRetryError(error);
  } finally {
    await producer.close().catch((error: unknown) => options.logger?.debug(`closing the AMQP producer failed: ${String(error)}`));
  }
}

function warnIfCaIgnored(options: AmqpOptions): void {
  if (options.trustedCaPem && options.transport !== 'websockets') {
    options.logger?.debug('AMQP over TCP cannot take the profile CA: it is trusted only through NODE_EXTRA_CA_CERTS (use WebSockets otherwise).');
  }
}

function describe(options: AmqpOptions): string {
  return `${options.auth.kind} over ${options.transport ?? 'tcp'}`;
}

function toEventData(event: EncodedEvent): EventData {
  return {
    // Bytes, not the value: the SDK would JSON-encode a string body ("\"hello\"").
    body: event.body,
    ...(event.properties ? { properties: { ...event.properties } } : {}),
    ...(event.contentType ? { contentType: event.contentType } : {}),
  };
}

function tooLargeAlone(event: EncodedEvent, maxSizeInBytes: number): ValidationError {
  return new ValidationError(
    `events[${event.index}].body`,
    `is ${event.bytes.toLocaleString('en-US')} bytes and does not fit in an AMQP batch, whose limit on this link is ${maxSizeInBytes.toLocaleString('en-US')} bytes (AMQP framing and properties included).`,
    'Send a smaller event, or fewer/shorter properties.',
  );
}

/** An event this close to the link limit may not fit once framed: checked alone before anything is sent. */
const PRECHECK_RATIO = 0.9;

/**
 * Sends over AMQP: `createBatch({ partitionKey | partitionId })`, `tryAdd` until full, `sendBatch`,
 * a new batch, and so on. Errors are the SDK's (`MessagingError` with `code`, identity errors from
 * the credential) as thrown; an event too big for a batch on its own is a ValidationError.
 */
export async function sendAmqp(options: AmqpOptions & { readonly request: SendRequest }): Promise<SendResult> {
  const { request, signal } = options;
  validatePartitioning(request);
  const events = encodeEvents(request.events);
  const batchOptions = {
    abortSignal: signal,
    ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
    ...(request.partitionId !== undefined ? { partitionId: request.partitionId } : {}),
  };
  options.logger?.debug(`AMQP send of ${events.length} event(s) to ${options.eventHubName} (${describe(options)})`);
  warnIfCaIgnored(options);

  const batches = await withProducer(options, async (producer) => {
    let batch: EventDataBatch = await producer.createBatch(batchOptions);
    for (const event of events) {
      if (event.bytes >= batch.maxSizeInBytes * PRECHECK_RATIO) {
        const probe = await producer.createBatch(batchOptions);
        if (!probe.tryAdd(toEventData(event))) {
          throw tooLargeAlone(event, probe.maxSizeInBytes);
        }
      }
    }
    let sent = 0;
    for (const event of events) {
      const data = toEventData(event);
      if (batch.tryAdd(data)) {
        continue;
      }
      if (batch.count === 0) {
        throw tooLargeAlone(event, batch.maxSizeInBytes);
      }
      await producer.sendBatch(batch, { abortSignal: signal });
      sent += 1;
      batch = await producer.createBatch(batchOptions);
      if (!batch.tryAdd(data)) {
        throw tooLargeAlone(event, batch.maxSizeInBytes);
      }
    }
    if (batch.count > 0) {
      await producer.sendBatch(batch, { abortSignal: signal });
      sent += 1;
    }
    return sent;
  });

  return {
    protocol: 'amqp',
    eventsAccepted: events.length,
    requests: batches,
    bytes: totalBytes(events),
    ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
    ...(request.partitionId !== undefined ? { partitionId: request.partitionId } : {}),
  };
}

/**
 * The send-free "test connection": `$management` READ of the event hub, then of every partition
 * in parallel. Proves the namespace resolves, TLS and auth work and the hub exists, without an event.
 */
export async function probeEndpoint(options: AmqpOptions): Promise<EndpointInfo> {
  const { signal } = options;
  options.logger?.debug(`AMQP probe of ${options.eventHubName} (${describe(options)})`);
  warnIfCaIgnored(options);
  return withProducer(options, async (producer) => {
    const hub = await producer.getEventHubProperties({ abortSignal: signal });
    const partitions = await Promise.all(hub.partitionIds.map((id) => producer.getPartitionProperties(id, { abortSignal: signal })));
    return {
      eventHubName: hub.name,
      createdOn: hub.createdOn,
      partitionIds: [...hub.partitionIds],
      partitions: partitions.map((p) => ({
        partitionId: p.partitionId,
        beginningSequenceNumber: p.beginningSequenceNumber,
        lastEnqueuedSequenceNumber: p.lastEnqueuedSequenceNumber,
        lastEnqueuedOnUtc: p.lastEnqueuedOnUtc,
        isEmpty: p.isEmpty,
      })),
    };
  });
}
