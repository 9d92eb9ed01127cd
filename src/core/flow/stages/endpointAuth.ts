import { toTokenCredential } from '../../azure/credentials';
import { parseConnectionString } from '../../azure/connectionString';
import { destinationsOf, type CredentialDestination } from '../../azure/credentialGuard';
import type { AmqpAuth } from '../../azure/amqpConnection';
import type { RestAuth } from '../../azure/restSender';
import { need } from '../stage';
import type { StageContext, StageOutputs } from '../types';

// How stage 5 authenticates to the endpoint: stage 4's token, a SAS key or a connection string, and the host the credential may go to.
export interface EndpointTarget {
  /** host[:port] */
  readonly namespace: string;
  readonly eventHubName: string;
  readonly rest: RestAuth;
  readonly amqp: AmqpAuth;
  /** Where these credentials may go: the namespace the profile validated. */
  readonly destination: CredentialDestination;
}

/**
 * How stage 5 (and the probe) authenticate: with Entra, the stage-4 token (the secure flow);
 * otherwise the endpoint's own SAS key or connection string, whose Endpoint/EntityPath win.
 */
export function endpointTargetOf(ctx: StageContext, inputs: Partial<StageOutputs>): EndpointTarget {
  return { ...credentialsOf(ctx, inputs), destination: destinationsOf(ctx.profile).eventHubs };
}

function credentialsOf(ctx: StageContext, inputs: Partial<StageOutputs>): Omit<EndpointTarget, 'destination'> {
  const { endpoint } = ctx.profile;
  const auth = endpoint.auth;
  switch (auth.kind) {
    case 'entra': {
      const token = need(inputs, 'eventHubsToken');
      return {
        namespace: endpoint.namespace,
        eventHubName: endpoint.eventHubName,
        rest: { kind: 'bearer', token: token.token },
        amqp: { kind: 'token', credential: toTokenCredential(() => Promise.resolve(token)) },
      };
    }
    case 'sas':
      return {
        namespace: endpoint.namespace,
        eventHubName: endpoint.eventHubName,
        rest: { kind: 'sas', keyName: auth.keyName, key: auth.key },
        amqp: { kind: 'sas', keyName: auth.keyName, key: auth.key },
      };
    case 'connectionString': {
      const parsed = parseConnectionString(auth.connectionString);
      ctx.redactor.add(parsed.key);
      ctx.redactor.add(parsed.sharedAccessSignature);
      const eventHubName = parsed.eventHubName ?? endpoint.eventHubName;
      const rest: RestAuth = parsed.sharedAccessSignature
        ? { kind: 'sasToken', signature: parsed.sharedAccessSignature }
        : { kind: 'sas', keyName: parsed.keyName ?? '', key: parsed.key ?? '' };
      return {
        namespace: parsed.namespace,
        eventHubName,
        rest,
        amqp: { kind: 'connectionString', connectionString: auth.connectionString },
      };
    }
  }
}
