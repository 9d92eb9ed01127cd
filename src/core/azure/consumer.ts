import type { EventHubConsumerClient, ReceivedEventData, Subscription, SubscriptionEventHandlers } from '@azure/event-hubs';
import type { Logger } from '../logging/logger';
import type { SecretSink } from '../logging/redact';
import type { CredentialDestination } from './credentialGuard';
import { clientOptions, isTransportUnreachable, sasCredential, sdkEndpoint, transportPlan, unwrapRetryError, type AmqpAuth, type AmqpOptions, type AmqpTransport } from './amqpConnection';
import { parseConnectionString } from './connectionString';
import type { ProxySettings } from './proxy';

/**
 * Reads events back from a consumer group through `EventHubConsumerClient` (loaded on first use),
 * to prove a sent event arrived: an Event Hubs consumer group, or a Fabric Eventstream
 * custom-endpoint destination (its own namespace, hub and consumer group).
 */

export interface ConsumerOptions {
  /** host[:port]; ignored for connection strings (their Endpoint wins). */
  readonly namespace: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  readonly auth: AmqpAuth;
  /** Where the token or SAS may go: the read-back namespace the profile validated. */
  readonly destination: CredentialDestination;
  /** Only these partitions (the send's target partition); all when absent. */
  readonly partitionId?: string;
  /** Events enqueued after this time (epoch ms) are read. */
  readonly enqueuedAfter: number;
  readonly trustedCaPem?: string;
  readonly transport?: AmqpTransport;
  /** As for sending: TCP first, WebSockets on 443 when 5671 cannot be reached. */
  readonly fallbackToWebSockets?: boolean;
  /** An HTTP proxy that applies to the namespace forces WebSockets, as for sending. */
  readonly proxy?: ProxySettings;
  /** Stops waiting for the receive links (and closes the consumer) when aborted. */
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  /** The run's redactor: every SAS token signed for a SAS rule is registered with it. */
  readonly secrets?: SecretSink;
}

/** An event as the consumer saw it, with the time it arrived here. */
export interface ConsumedEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedOn: Date;
  /** Epoch ms when this process got it. */
  readonly receivedAt: number;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface EventWatch {
  /** Resolves once a receive link of every watched partition is open; rejects with the first error. */
  readonly ready: Promise<void>;
  /** The first event `matches` accepts (earlier ones included); rejects on a consumer error. */
  next(matches: (event: ConsumedEvent) => boolean): Promise<ConsumedEvent>;
  /** Events seen that did not match, so far. */
  seen(): number;
  close(): Promise<void>;
}

/** How long a receive call waits before handing over an empty batch: the first one marks a link as open. */
const RECEIVE_WAIT_SECONDS = 0.25;

/** The producer's view of the same endpoint: its client options (CA, WebSockets, proxy) and transport plan are reused. */
function asAmqpOptions(options: ConsumerOptions, transport = options.transport, fallbackAhead = false): AmqpOptions {
  return {
    // As for sends: with a fallback ahead, a blocked port is reported at once instead of retried.
    ...(fallbackAhead ? { retryOptions: { maxRetries: 0 } } : {}),
    namespace: options.namespace,
    eventHubName: options.eventHubName,
    auth: options.auth,
    destination: options.destination,
    signal: options.signal,
    ...(options.trustedCaPem ? { trustedCaPem: options.trustedCaPem } : {}),
    ...(transport ? { transport } : {}),
    ...(options.fallbackToWebSockets ? { fallbackToWebSockets: true } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  };
}

async function openConsumer(options: ConsumerOptions, transport: AmqpTransport, fallbackAhead: boolean): Promise<EventHubConsumerClient> {
  const amqpOptions = asAmqpOptions(options, transport, fallbackAhead);
  const [{ EventHubConsumerClient }, clientOpts, { connectionString }] = await Promise.all([import('@azure/event-hubs'), clientOptions(amqpOptions), sdkEndpoint(amqpOptions)]);
  const { auth, consumerGroup } = options;
  switch (auth.kind) {
    case 'token':
      return new EventHubConsumerClient(consumerGroup, options.namespace, options.eventHubName, auth.credential, clientOpts);
    case 'sas':
      return new EventHubConsumerClient(consumerGroup, options.namespace, options.eventHubName, sasCredential(auth, options.secrets), clientOpts);
    case 'connectionString': {
      const parsed = parseConnectionString(auth.connectionString);
      return parsed.eventHubName
        ? new EventHubConsumerClient(consumerGroup, connectionString as string, clientOpts)
        : new EventHubConsumerClient(consumerGroup, connectionString as string, options.eventHubName, clientOpts);
    }
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function toConsumed(event: ReceivedEventData, partitionId: string, receivedAt: number): ConsumedEvent {
  const messageId = text(event.messageId);
  const correlationId = text(event.correlationId);
  return {
    partitionId,
    sequenceNumber: event.sequenceNumber,
    offset: String(event.offset),
    enqueuedOn: event.enqueuedTimeUtc,
    receivedAt,
    ...(messageId !== undefined ? { messageId } : {}),
    ...(correlationId !== undefined ? { correlationId } : {}),
    properties: { ...(event.properties ?? {}) },
  };
}

/**
 * Subscribes to the consumer group from `enqueuedAfter` and resolves once every watched partition
 * has a receive link; what arrives is kept until closed. Over TCP, a connection that cannot be
 * made is retried over WebSockets when allowed, as sends do. On failure or abort the consumer is
 * closed and the error thrown.
 */
export async function watchEvents(options: ConsumerOptions): Promise<EventWatch> {
  const { transports } = transportPlan(asAmqpOptions(options));
  let lastError: unknown;
  for (const [i, transport] of transports.entries()) {
    const watch = await openWatch(options, transport, i < transports.length - 1);
    try {
      await untilReady(watch.ready, options.signal);
      return watch;
    } catch (error) {
      await watch.close();
      lastError = error;
      if (options.signal.aborted || !isTransportUnreachable(error) || i === transports.length - 1) {
        throw error;
      }
      options.logger?.info(`Read back: ${transport} could not connect, trying ${transports[i + 1] ?? ''}`);
    }
  }
  throw lastError;
}

function untilReady(ready: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('Aborted.'));
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('Aborted.'));
    signal.addEventListener('abort', onAbort, { once: true });
    ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function openWatch(options: ConsumerOptions, transport: AmqpTransport, fallbackAhead: boolean): Promise<EventWatch> {
  const client = await openConsumer(options, transport, fallbackAhead);
  const events: ConsumedEvent[] = [];
  const openPartitions = new Set<string>();
  let expected: number | undefined = options.partitionId !== undefined ? 1 : undefined;
  let failure: unknown;
  let wake = (): void => undefined;
  let markReady = (): void => undefined;
  let failReady: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // Callers may close before awaiting; an unobserved rejection must not crash the process.
  ready.catch(() => undefined);

  const fail = (error: unknown): void => {
    if (failure === undefined) {
      failure = unwrapRetryError(error);
      const code = (failure as { code?: unknown }).code;
      options.logger?.debug(`read-back consumer failed${typeof code === 'string' ? ` (${code})` : ''}`);
      failReady(failure);
      wake();
    }
  };
  const handlers: SubscriptionEventHandlers = {
    processInitialize: () => Promise.resolve(),
    processEvents: (batch, context) => {
      const now = Date.now();
      openPartitions.add(context.partitionId);
      if (expected !== undefined && openPartitions.size >= expected) {
        markReady();
      }
      events.push(...batch.map((event) => toConsumed(event, context.partitionId, now)));
      wake();
      return Promise.resolve();
    },
    processError: (error) => {
      fail(error);
      return Promise.resolve();
    },
  };
  const subscribeOptions = { startPosition: { enqueuedOn: new Date(options.enqueuedAfter) }, maxWaitTimeInSeconds: RECEIVE_WAIT_SECONDS, maxBatchSize: 100 };
  let subscription: Subscription;
  if (options.partitionId !== undefined) {
    subscription = client.subscribe(options.partitionId, handlers, subscribeOptions);
  } else {
    subscription = client.subscribe(handlers, subscribeOptions);
    // The client reads the partition ids itself; we need their number to know when all links are open.
    client
      .getPartitionIds()
      .then((ids) => {
        expected = ids.length;
        if (openPartitions.size >= expected) {
          markReady();
        }
      })
      .catch(fail);
  }

  let closed: Promise<void> | undefined;
  const matched: ConsumedEvent[] = [];
  return {
    ready,
    next(matches) {
      return new Promise((resolve, reject) => {
        wake = () => {
          const found = events.find(matches);
          if (found) {
            matched.push(found);
            resolve(found);
          } else if (failure !== undefined) {
            reject(failure instanceof Error ? failure : new Error('The read-back consumer failed.'));
          }
        };
        wake();
      });
    },
    seen: () => events.length - matched.length,
    close() {
      closed ??= (async () => {
        await subscription.close().catch((error: unknown) => options.logger?.debug(`closing the read-back subscription failed: ${String(error)}`));
        await client.close().catch((error: unknown) => options.logger?.debug(`closing the read-back consumer failed: ${String(error)}`));
      })();
      return closed;
    },
  };
}
