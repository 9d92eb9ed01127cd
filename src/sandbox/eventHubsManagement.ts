/**
 * The `$management` node: READ of the hub (`com.microsoft:eventhub`: name, created_at,
 * partition_ids) and of a partition (`com.microsoft:partition`: sequence numbers, offsets,
 * last enqueued time), each authorized by the request's own `security_token` (wire facts §7.2 step 7).
 */
import type { Message } from 'rhea';
import { authorize } from './eventHubsAuth';
import { addressedNamespace, invalidPartitionText, trackingSuffix } from './eventHubsCommon';
import type { AmqpContext, ConnState } from './eventHubsAmqpConnection';
import { faultReply, reply } from './eventHubsAmqpReply';
import { str } from './eventHubsAmqpWire';

/** `hostname`: that of the AMQP open frame, a real namespace name when the client came through the sandbox proxy. */
export function onManagement(ctx: AmqpContext, request: Message | undefined, state: ConnState, hostname?: string): void {
  if (!request) {
    return;
  }
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  const name = str(props['name']) ?? '';
  const type = str(props['type']);
  const token = str(props['security_token']) ?? '';
  const tokenType = token.startsWith('SharedAccessSignature') ? 'sas' : 'jwt';
  // Reading hub and partition properties needs either right: consumers ask for partition ids too.
  const auth = authorize(token, tokenType, `${addressedNamespace(ctx.ns, hostname)}/${name}`, ctx, 'any');
  if (faultReply(ctx, state, request, auth.clientId, name)) {
    return;
  }
  if (str(props['operation']) !== 'READ') {
    reply(state, request, 400, `The management operation '${str(props['operation']) ?? ''}' is not supported.`, { condition: 'com.microsoft:argument-error' });
    return;
  }
  if (!auth.ok) {
    reply(state, request, auth.status, auth.text + trackingSuffix(name), { condition: auth.condition });
    return;
  }
  if (type === 'com.microsoft:eventhub') {
    reply(state, request, 200, 'OK', {
      body: { name: ctx.world.eventHubName, created_at: ctx.world.createdAt, partition_ids: [...ctx.world.partitionIds] },
    });
    return;
  }
  if (type === 'com.microsoft:partition') {
    const partition = str(props['partition']) ?? '';
    if (!ctx.world.partitionIds.includes(partition)) {
      reply(state, request, 400, invalidPartitionText(ctx.world) + trackingSuffix(name), { condition: 'com.microsoft:argument-out-of-range' });
      return;
    }
    const p = ctx.recorder.partitionState(partition);
    reply(state, request, 200, 'OK', {
      body: {
        name: ctx.world.eventHubName,
        partition,
        begin_sequence_number: p.beginSequenceNumber,
        last_enqueued_sequence_number: p.lastSequenceNumber,
        last_enqueued_offset: p.lastOffset,
        last_enqueued_time_utc: p.lastEnqueuedAt ?? new Date(0),
        is_partition_empty: p.lastEnqueuedAt === undefined,
      },
    });
    return;
  }
  reply(state, request, 400, `The management type '${type ?? ''}' is not supported.`, { condition: 'com.microsoft:argument-error' });
}
