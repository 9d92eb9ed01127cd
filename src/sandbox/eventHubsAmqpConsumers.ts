/**
 * Reading over AMQP: receive links on `hub/ConsumerGroups/cg/Partitions/N` with a selector filter
 * (start position), owner level (`com.microsoft:epoch`) and credit, delivering each partition's
 * events as they are recorded (local-peers §A; `@azure/event-hubs` eventPosition.js, receiver.js).
 */
import type { AmqpError, Sender } from 'rhea';
import { entityExists, entityNotFoundText, invalidPartitionText, trackingSuffix } from './eventHubsCommon';
import { audienceKey, findClaim, type AmqpContext, type ConnState, type ConsumerLink } from './eventHubsAmqpConnection';
import { firstSequenceNumber, parseStartPosition, toDeliveredMessage } from './eventHubsConsumer';

const EPOCH_PROPERTY = 'com.microsoft:epoch';

/** Every open receive link of the peer; new events are pushed to the links of their partition. */
export class ConsumerLinks {
  private readonly links = new Set<ConsumerLink>();

  constructor(private readonly ctx: AmqpContext) {
    ctx.recorder.onRecord((stored) => {
      for (const link of this.links) {
        if (link.partitionId === stored.event.partitionId && link.hub.toLowerCase() === stored.event.eventHubName.toLowerCase()) {
          this.pump(link);
        }
      }
    });
  }

  /** The client granted credit. */
  sendable(sender: Sender | undefined): void {
    const link = this.find(sender);
    if (link) {
      this.pump(link);
    }
  }

  /** The client detached. */
  closed(sender: Sender | undefined, state: ConnState | undefined): void {
    for (const link of [...this.links].filter((c) => c.sender === sender)) {
      this.links.delete(link);
      state?.consumers.delete(link);
    }
  }

  /** A connection went: forget its links. */
  forget(state: ConnState | undefined): void {
    for (const link of state?.consumers ?? []) {
      this.links.delete(link);
    }
  }

  clear(): void {
    this.links.clear();
  }

  /**
   * A receive link on `hub/ConsumerGroups/cg/Partitions/N`: refused like the service refuses it
   * (unknown hub or consumer group → amqp:not-found, no Listen → unauthorized), otherwise it
   * delivers from the filter's start position as the client grants credit.
   */
  open(sender: Sender, address: string, state: ConnState): void {
    const { ctx } = this;
    const segments = address.split('/').filter((s) => s.length > 0);
    const [hub, groupsWord, group, partitionsWord, partitionId] = segments;
    const refuse = (error: AmqpError): void => {
      sender.close({ ...error, description: `${error.description ?? ''}${trackingSuffix(hub)}` });
    };
    if (segments.length !== 5 || groupsWord?.toLowerCase() !== 'consumergroups' || partitionsWord?.toLowerCase() !== 'partitions' || !entityExists(ctx.world, hub)) {
      refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, address) });
      return;
    }
    const consumerGroup = (group ?? '').toLowerCase();
    if (!ctx.world.consumerGroups.some((known) => known.toLowerCase() === consumerGroup)) {
      refuse({ condition: 'amqp:not-found', description: entityNotFoundText(ctx.ns, `${hub}/ConsumerGroups/${group ?? ''}`) });
      return;
    }
    if (partitionId === undefined || !ctx.world.partitionIds.includes(partitionId)) {
      refuse({ condition: 'com.microsoft:argument-out-of-range', description: invalidPartitionText(ctx.world) });
      return;
    }
    const claim = findClaim(ctx, state, audienceKey(segments), 'Listen');
    if (!claim.ok) {
      refuse({ condition: claim.condition, description: claim.text });
      return;
    }
    const position = parseStartPosition((sender.source as { filter?: unknown } | undefined)?.filter);
    if (typeof position === 'string') {
      refuse({ condition: 'amqp:invalid-field', description: position });
      return;
    }
    const properties = (sender as unknown as { remote?: { attach?: { properties?: Record<string, unknown> } } }).remote?.attach?.properties;
    const rawEpoch = properties?.[EPOCH_PROPERTY];
    const epoch = typeof rawEpoch === 'number' ? rawEpoch : undefined;
    const rivals = [...this.links].filter((c) => c.consumerGroup === consumerGroup && c.partitionId === partitionId);
    // Owner level: a higher epoch takes the partition over; a lower one (or none next to one) is refused.
    const stronger = rivals.find((c) => c.epoch !== undefined && (epoch === undefined || c.epoch > epoch));
    if (stronger) {
      refuse({
        condition: 'amqp:link:stolen',
        description: `Receiver 'nil' with a higher epoch of '${stronger.epoch ?? 0}' already exists. Receiver 'nil' with epoch '${epoch ?? 'nil'}' cannot be created. Make sure you are creating receiver with increasing epoch value to ensure connectivity, or ensure all old epoch receivers are closed or disconnected.`,
      });
      return;
    }
    if (epoch !== undefined) {
      for (const rival of rivals) {
        this.links.delete(rival);
        rival.sender.close({
          condition: 'amqp:link:stolen',
          description: `New receiver 'nil' with higher epoch of '${epoch}' is created hence current receiver 'nil' with epoch '${rival.epoch ?? 'nil'}' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.${trackingSuffix(hub)}`,
        });
      }
    }
    const latest = ctx.recorder.partitionState(partitionId).lastSequenceNumber;
    const link: ConsumerLink = {
      sender,
      hub: ctx.world.eventHubName,
      consumerGroup,
      partitionId,
      ...(epoch !== undefined ? { epoch } : {}),
      next: firstSequenceNumber(position, ctx.recorder.stream(partitionId), latest),
    };
    sender.set_source({ address, filter: (sender.source as { filter?: unknown } | undefined)?.filter } as never);
    this.links.add(link);
    state.consumers.add(link);
    this.pump(link);
  }

  private find(sender: Sender | undefined): ConsumerLink | undefined {
    return [...this.links].find((c) => c.sender === sender);
  }

  /** Sends the link's next events while it has credit. */
  private pump(link: ConsumerLink): void {
    const stream = this.ctx.recorder.stream(link.partitionId);
    while (link.sender.sendable()) {
      const next = stream.find((stored) => stored.event.sequenceNumber >= link.next);
      if (!next) {
        return;
      }
      link.sender.send(toDeliveredMessage(next));
      link.next = next.event.sequenceNumber + 1;
    }
  }
}
