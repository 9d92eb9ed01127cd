import { preloadEventHubsSdk, sendAmqp } from '../../azure/amqpClient';
import type { AmqpAttempt } from '../../azure/amqpConnection';
import { sendRest } from '../../azure/restSender';
import { ValidationError } from '../../errors/errors';
import { eventCount } from '../../events/eventSource';
import type { StageImplementation } from '../stage';
import { endpointTargetOf } from './endpointAuth';
import { amqpTransportOptions, describeAttempts, endpointFor, tryingEndpoint } from './network';

/**
 * Stage 5: send the event(s). REST is what the pipeline's Web activity does (POST …/messages);
 * AMQP is what the Event Hubs SDKs and Fabric's own samples use.
 */
export const sendStage: StageImplementation<'send'> = {
  id: 'send',
  prepare(profile, request) {
    if ((request.send?.protocol ?? profile.endpoint.protocol) === 'amqp') {
      preloadEventHubsSdk();
    }
  },
  // Over REST with an Entra token, the namespace's connection can open while the token stages wait.
  connectsTo: (ctx, { send }) =>
    send && eventCount(send.events) > 0 && (send.protocol ?? ctx.profile.endpoint.protocol) === 'rest' && ctx.profile.endpoint.auth.kind === 'entra' ? `https://${ctx.profile.endpoint.namespace}` : undefined,
  async run(ctx, inputs, request) {
    const send = request.send;
    if (!send || eventCount(send.events) === 0) {
      throw new ValidationError('events', 'There is nothing to send.', 'Give an event body (or --count greater than 0).');
    }
    const target = endpointTargetOf(ctx, inputs);
    const protocol = send.protocol ?? ctx.profile.endpoint.protocol;
    const common = {
      namespace: target.namespace,
      eventHubName: target.eventHubName,
      destination: target.destination,
      request: send,
      signal: ctx.signal,
      trustedCaPem: ctx.profile.trustedCaPem,
      ...(ctx.services.proxy ? { proxy: ctx.services.proxy } : {}),
      logger: ctx.services.logger,
      // Every SAS token the send signs (REST or AMQP) joins the run's redactor.
      secrets: ctx.redactor,
    };
    const restEndpoint = endpointFor(ctx, `https://${target.namespace}`);
    const attempts: AmqpAttempt[] = [];
    const result =
      protocol === 'rest'
        ? await tryingEndpoint(restEndpoint, () => sendRest({ ...common, auth: target.rest }))
        : await sendAmqp({
            ...common,
            auth: target.amqp,
            ...amqpTransportOptions(ctx),
            ...(ctx.services.amqpSession ? { session: ctx.services.amqpSession } : {}),
            onAttempt: (a) => attempts.push(a),
          });
    const route = protocol === 'rest' ? restEndpoint : describeAttempts(attempts);
    const throttled = result.throttled ? `; throttled ${result.throttled} time${result.throttled === 1 ? '' : 's'}, sent again` : '';
    const where = send.partitionId !== undefined ? `, partition ${send.partitionId}` : send.partitionKey ? `, partition key ${send.partitionKey}` : '';
    return {
      output: result,
      summary: `${result.eventsAccepted} event${result.eventsAccepted === 1 ? '' : 's'} accepted over ${protocol.toUpperCase()} (${result.bytes} bytes in ${result.requests} ${protocol === 'rest' ? (result.requests === 1 ? 'request' : 'requests') : result.requests === 1 ? 'batch' : 'batches'}${where}) by ${target.namespace}/${target.eventHubName}${throttled} — ${route}`,
    };
  },
};
