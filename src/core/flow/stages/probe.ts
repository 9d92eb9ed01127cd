import { preloadEventHubsSdk, probeEndpoint } from '../../azure/amqpClient';
import type { AmqpAttempt } from '../../azure/amqpConnection';
import type { StageImplementation } from '../stage';
import { endpointTargetOf } from './endpointAuth';
import { amqpTransportOptions, describeAttempts } from './network';

/**
 * Checks the endpoint without sending: an AMQP `$management` READ of the hub and its partitions.
 * It proves DNS, TLS, authentication and the hub name in one cheap round trip.
 */
export const probeStage: StageImplementation<'probe'> = {
  id: 'probe',
  prepare: preloadEventHubsSdk,
  async run(ctx, inputs) {
    const target = endpointTargetOf(ctx, inputs);
    const attempts: AmqpAttempt[] = [];
    const info = await probeEndpoint({
      namespace: target.namespace,
      eventHubName: target.eventHubName,
      auth: target.amqp,
      destination: target.destination,
      signal: ctx.signal,
      trustedCaPem: ctx.profile.trustedCaPem,
      ...amqpTransportOptions(ctx),
      ...(ctx.services.proxy ? { proxy: ctx.services.proxy } : {}),
      onAttempt: (a) => attempts.push(a),
      logger: ctx.services.logger,
      secrets: ctx.redactor,
    });
    const events = info.partitions.reduce((n, p) => n + (p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1), 0);
    return {
      output: info,
      summary: `hub ${info.eventHubName} reachable: ${info.partitionIds.length} partition${info.partitionIds.length === 1 ? '' : 's'} (${info.partitionIds.join(', ')}), ${events} retained event${events === 1 ? '' : 's'} — ${describeAttempts(attempts)}`,
    };
  },
};
