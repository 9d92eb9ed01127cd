/**
 * The `$cbs` node: `put-token` requests (a JWT or a SAS token for an audience) that authorize the
 * connection's later links and transfers (wire facts §7.2 steps 2–4).
 */
import type { Message } from 'rhea';
import { authorize } from './eventHubsAuth';
import { parseResource, trackingSuffix } from './eventHubsCommon';
import { audienceKey, type AmqpContext, type ConnState } from './eventHubsAmqpConnection';
import { faultReply, reply } from './eventHubsAmqpReply';
import { str } from './eventHubsAmqpWire';

export function onPutToken(ctx: AmqpContext, request: Message | undefined, state: ConnState): void {
  if (!request) {
    return;
  }
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  const audience = str(props['name']) ?? '';
  const type = str(props['type']);
  const token = str(request.body) ?? (Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
  const hub = parseResource(audience)?.segments[0] ?? '';
  if (str(props['operation']) !== 'put-token' || (type !== 'jwt' && type !== 'servicebus.windows.net:sastoken')) {
    reply(state, request, 400, `The CBS request is not valid: operation '${str(props['operation']) ?? ''}', type '${type ?? ''}'.`);
    return;
  }
  // `hub/$management` (the SDK's management audience) takes either right, like the READs it
  // covers: a consumer with a Listen-only key (a Fabric destination's) asks for partition ids.
  const management = parseResource(audience)?.segments[1]?.toLowerCase() === '$management';
  const result = authorize(token, type === 'jwt' ? 'jwt' : 'sas', audience, ctx, management ? 'any' : undefined);
  if (faultReply(ctx, state, request, result.clientId, hub, parseResource(audience)?.segments ?? [hub])) {
    return;
  }
  if (!result.ok) {
    reply(state, request, result.status, result.text + trackingSuffix(hub), { condition: result.condition });
    return;
  }
  const segments = parseResource(audience)?.segments ?? [];
  state.claims.set(audienceKey(segments), result);
  reply(state, request, 202, 'Accepted');
}
