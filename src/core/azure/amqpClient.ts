import type { EventData, EventDataBatch, EventHubProducerClient } from '@azure/event-hubs';
import { ValidationError } from '../errors/errors';
import { eventSourceOf, isEventSource } from '../events/eventSource';
import { SendTally } from '../events/sendTally';
import type { EndpointInfo, SendRequest, SendResult } from '../flow/types';
import { assertEventFits, encodeEvent, validatePartitioning, type EncodedEvent } from './eventEncoding';
import { runSendPipeline, sendResultOf, type BatchSink } from './sendPipeline';
import type { AmqpOptions } from './amqpConnection';
import { describe, withProducer, type Progress } from './amqpProducer';

/**
 * Event Hubs over AMQP 1.0 through @azure/event-hubs (loaded on first use). One producer per call,
 * closed afterwards unless a session keeps it open for the next send (amqpSession.ts).
 */

function toEventData(event: EncodedEvent): EventData {
  return {
    // Bytes, not the value: the SDK would JSON-encode a string body ("\"hello\"").
    body: event.body,
    ...(event.properties ? { properties: { ...event.properties } } : {}),
    ...(event.contentType ? { contentType: event.contentType } : {}),
    ...(event.messageId !== undefined ? { messageId: event.messageId } : {}),
    ...(event.correlationId !== undefined ? { correlationId: event.correlationId } : {}),
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

/** Batches in flight at once without a partition key or id (order across partitions is not kept anyway; two, as for REST). */
export const AMQP_MAX_IN_FLIGHT = 2;

/** Packs events into the SDK's EventDataBatch (which encodes each on tryAdd) and sends each full one. */
function amqpSink(producer: EventHubProducerClient, batchOptions: CreateBatchOptions, progress: Progress): BatchSink<EventDataBatch> {
  return {
    newBatch: () => producer.createBatch(batchOptions),
    tryAdd: (batch, event) => batch.tryAdd(toEventData(event)),
    sizeOf: (batch) => ({ events: batch.count, bytes: bodyBytes.get(batch) ?? 0 }),
    send(batch, signal) {
      progress.sending = true;
      return producer.sendBatch(batch, { abortSignal: signal });
    },
    async sendAlone(event) {
      const probe = await producer.createBatch(batchOptions);
      throw tooLargeAlone(event, probe.maxSizeInBytes);
    },
  };
}

/** Body bytes per batch (the SDK's sizeInBytes counts AMQP framing too; reports give body bytes). */
const bodyBytes = new WeakMap<EventDataBatch, number>();

type CreateBatchOptions = NonNullable<Parameters<EventHubProducerClient['createBatch']>[0]>;

/**
 * Starts loading @azure/event-hubs (about 150 ms of a new process's time) while the token stages
 * wait on the network, so the AMQP stage finds it loaded: a cold CLI send over AMQP was slower than
 * a bare script that does the same four calls (`npm run bench`). A failure shows when the stage runs.
 */
export function preloadEventHubsSdk(): void {
  import('@azure/event-hubs').catch(() => undefined);
}

/**
 * Sends over AMQP, streaming (see sendPipeline.ts): `createBatch({ partitionKey | partitionId })`,
 * `tryAdd` until full, `sendBatch` while the next one fills. Errors are the SDK's (`MessagingError`
 * with `code`, identity errors from the credential) as thrown; an event too big for a batch on its
 * own is a ValidationError (the first event is checked before anything is sent).
 */
export async function sendAmqp(options: AmqpOptions & { readonly request: SendRequest }): Promise<SendResult> {
  const { request, signal } = options;
  validatePartitioning(request);
  const source = eventSourceOf(request.events);
  if (source.count === 0) {
    throw new ValidationError('events', 'is empty.', 'Add at least one event to send.');
  }
  const first = encodeEvent(source.eventAt(0), 0);
  assertEventFits(first);
  const tally = request.tally ?? new SendTally(source.count);
  const batchOptions: CreateBatchOptions = {
    abortSignal: signal,
    ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
    ...(request.partitionId !== undefined ? { partitionId: request.partitionId } : {}),
  };
  options.logger?.debug(`AMQP send of ${source.count} event(s) to ${options.eventHubName} (${describe(options)})`);
  const ordered = request.partitionKey !== undefined || request.partitionId !== undefined;

  await withProducer(options, async (producer, progress) => {
    // Before anything is sent: the first event must fit a batch alone, and so must every event of a
    // list (the caller holds them already) that comes near the link's limit.
    const probe = await producer.createBatch(batchOptions);
    if (!probe.tryAdd(toEventData(first))) {
      throw tooLargeAlone(first, probe.maxSizeInBytes);
    }
    const nearLimit = probe.maxSizeInBytes * PRECHECK_RATIO;
    const listed = isEventSource(request.events) ? [] : request.events.map((event, index) => encodeEvent(event, index)).slice(1);
    for (const event of listed) {
      assertEventFits(event);
      if (event.bytes >= nearLimit && !(await producer.createBatch(batchOptions)).tryAdd(toEventData(event))) {
        throw tooLargeAlone(event, probe.maxSizeInBytes);
      }
    }
    const sink = amqpSink(producer, batchOptions, progress);
    const counting: BatchSink<EventDataBatch> = {
      ...sink,
      tryAdd(batch, event) {
        const added = sink.tryAdd(batch, event);
        if (added) {
          bodyBytes.set(batch, (bodyBytes.get(batch) ?? 0) + event.bytes);
        }
        return added;
      },
    };
    await runSendPipeline({
      source,
      sink: counting,
      tally,
      signal,
      maxInFlight: request.maxInFlight ?? (ordered ? 1 : AMQP_MAX_IN_FLIGHT),
      retryThrottled: source.count > 1 || request.pace !== undefined,
      ...(request.pace ? { pace: request.pace } : {}),
      ...(request.onLatency ? { onLatency: request.onLatency } : {}),
      ...(request.onRateChange ? { onRateChange: request.onRateChange } : {}),
    });
  });
  return sendResultOf('amqp', tally, request);
}

/**
 * The send-free "test connection": `$management` READ of the event hub, then of every partition
 * in parallel. Proves the namespace resolves, TLS and auth work and the hub exists, without an event.
 */
export async function probeEndpoint(options: AmqpOptions): Promise<EndpointInfo> {
  const { signal } = options;
  options.logger?.debug(`AMQP probe of ${options.eventHubName} (${describe(options)})`);
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
