/**
 * How the `$cbs` and `$management` nodes answer: a message on the client's reply link with
 * `status-code`, `status-description` and an optional `error-condition` (wire facts §7.2 step 4),
 * and the faults a request/response step can meet.
 */
import type { Message } from 'rhea';
import { INVALID_AUDIENCE_TEXT, missingClaim } from './eventHubsAuth';
import { SERVICE_UNAVAILABLE_TEXT, claimFor, serverBusyText, trackingSuffix } from './eventHubsCommon';
import type { AmqpContext, ConnState } from './eventHubsAmqpConnection';
import { str } from './eventHubsAmqpWire';
import type { FaultKind } from './types';

/**
 * Faults each request/response step answers. Every client operation starts with a put-token (or
 * a `$management` request); transfers answer these and oversizedEvent (see eventHubsAmqpIngress).
 */
export const REQUEST_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable', 'wrongAudience', 'missingRole'];

export function reply(state: ConnState, request: Message, status: number, description: string, extra: { condition?: string; body?: unknown } = {}): void {
  const replyTo = str(request.reply_to);
  const link = replyTo ? state.replyLinks.get(replyTo) : undefined;
  if (!link || !replyTo) {
    return;
  }
  link.send({
    to: replyTo,
    correlation_id: request.message_id,
    application_properties: {
      'status-code': status,
      'status-description': description,
      ...(extra.condition ? { 'error-condition': extra.condition } : {}),
    },
    body: extra.body ?? null,
  });
}

/** Takes a fault for a request/response step ($cbs, $management) and answers it; returns true when answered. */
export function faultReply(
  ctx: AmqpContext,
  state: ConnState,
  request: Message,
  clientId: string | undefined,
  hub: string,
  segments: readonly string[] = [hub],
): boolean {
  const fault = ctx.faults.take('eventHubs', { protocol: 'amqp', ...(clientId ? { clientId } : {}) }, REQUEST_FAULTS);
  if (!fault) {
    return false;
  }
  switch (fault.kind) {
    case 'wrongAudience':
      reply(state, request, 401, INVALID_AUDIENCE_TEXT + trackingSuffix(hub));
      return true;
    case 'missingRole':
      // A consumer's put-token (a ConsumerGroups path) lacks Listen, a sender's lacks Send.
      reply(state, request, 401, missingClaim(claimFor(segments), segments, ctx).text + trackingSuffix(hub));
      return true;
    case 'throttled':
      reply(state, request, 503, serverBusyText(fault.spec.retryAfterSeconds ?? 2) + trackingSuffix(hub), { condition: 'com.microsoft:server-busy' });
      return true;
    case 'serviceUnavailable':
      reply(state, request, 503, SERVICE_UNAVAILABLE_TEXT + trackingSuffix(hub), { condition: 'com.microsoft:timeout' });
      return true;
    case 'connectionReset':
      state.destroy();
      return true;
    case 'timeout':
      return true;
    default:
      return false;
  }
}
