/** One event as the caller describes it; encoded by core/azure/eventEncoding.ts. */
export interface EventToSend {
  /** Sent as-is when a string; JSON-encoded otherwise. */
  readonly body: string | number | boolean | object | null;
  readonly contentType?: string;
  /** Custom (user/application) properties. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** AMQP message-id / correlation-id (REST: BrokerProperties MessageId / CorrelationId); the round trip sets them. */
  readonly messageId?: string;
  readonly correlationId?: string;
}

/**
 * Events made on demand (issue #8): a send of a million events never holds them all. The sender
 * asks for event `i` when it has room for it, encodes it, packs it into a batch and forgets it once
 * the batch is acknowledged, so memory stays flat whatever the count.
 */
export interface EventSource {
  /** How many events the source yields (indices 0 … count − 1). */
  readonly count: number;
  /** Builds event `index`. May throw a ValidationError (e.g. a template that renders bad JSON). */
  eventAt(index: number): EventToSend;
}

/** What a SendRequest may carry: a list (a handful of events the caller already has) or a source. */
export type EventsToSend = readonly EventToSend[] | EventSource;

export function isEventSource(events: EventsToSend): events is EventSource {
  return !Array.isArray(events);
}

/** A list seen as a source; a source unchanged. */
export function eventSourceOf(events: EventsToSend): EventSource {
  if (isEventSource(events)) {
    return events;
  }
  const list = events;
  return {
    count: list.length,
    eventAt(index) {
      const event = list[index];
      if (event === undefined) {
        throw new RangeError(`No event ${index} in a list of ${list.length}.`);
      }
      return event;
    },
  };
}

export function eventCount(events: EventsToSend): number {
  return isEventSource(events) ? events.count : (events).length;
}

/** A source whose events are another's, each passed through `map` (e.g. stamped with a correlation id). */
export function mapEventSource(events: EventsToSend, map: (event: EventToSend, index: number, count: number) => EventToSend): EventSource {
  const source = eventSourceOf(events);
  return { count: source.count, eventAt: (index) => map(source.eventAt(index), index, source.count) };
}
