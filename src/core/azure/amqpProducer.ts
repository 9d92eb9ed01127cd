import type { TokenCredential } from '@azure/core-auth';
import type { EventHubProducerClient } from '@azure/event-hubs';
import { parseConnectionString } from './connectionString';
import { raceAbort, throwIfAborted } from './http';
import { fingerprint, SwappableCredential } from './amqpSession';
import {
  amqpEndpointOf,
  attachTried,
  clientOptions,
  codeOf,
  isTransportUnreachable,
  namespaceOf,
  sasCredential,
  sdkEndpoint,
  tcpUnreachable,
  transportPlan,
  unwrapRetryError,
  type AmqpOptions,
  type AmqpTransport,
} from './amqpConnection';

/**
 * Producers: one opened per send and closed after it, or kept open by a session (amqpSession.ts) for
 * the next; each transport of the plan tried in turn until one connects.
 */
async function openProducer(options: AmqpOptions, credential?: TokenCredential): Promise<EventHubProducerClient> {
  const [{ EventHubProducerClient }, clientOpts, { connectionString }] = await Promise.all([import('@azure/event-hubs'), clientOptions(options), sdkEndpoint(options)]);
  const { auth } = options;
  switch (auth.kind) {
    case 'token':
      return new EventHubProducerClient(options.namespace, options.eventHubName, credential ?? auth.credential, clientOpts);
    case 'sas':
      return new EventHubProducerClient(options.namespace, options.eventHubName, sasCredential(auth, options.secrets), clientOpts);
    case 'connectionString': {
      const parsed = parseConnectionString(auth.connectionString);
      // With EntityPath the SDK takes the hub from the string (a different second argument throws).
      return parsed.eventHubName
        ? new EventHubProducerClient(connectionString as string, clientOpts)
        : new EventHubProducerClient(connectionString as string, options.eventHubName, clientOpts);
    }
  }
}

/**
 * Runs `work` with a fresh producer. It is closed afterwards, unless the send succeeded and a
 * session keeps it (under `keepAs`); a close failure never hides the real outcome.
 */
async function withOneProducer<T>(
  options: AmqpOptions,
  work: (producer: EventHubProducerClient, progress: Progress) => Promise<T>,
  progress: Progress,
  keepAs?: { readonly key: string; readonly endpoint: string; readonly transport: AmqpTransport },
): Promise<T> {
  throwIfAborted(options.signal);
  const swappable = keepAs && options.auth.kind === 'token' ? new SwappableCredential(options.auth.credential) : undefined;
  const producer = await openProducer(options, swappable);
  let kept = false;
  try {
    const result = await raceAbort(work(producer, progress), options.signal);
    if (keepAs && options.session && !options.signal.aborted) {
      options.session.keep(keepAs.key, { producer, endpoint: keepAs.endpoint, transport: keepAs.transport, ...(swappable ? { credential: swappable } : {}) });
      kept = true;
    }
    return result;
  } catch (error) {
    throw unwrapRetryError(error);
  } finally {
    if (!kept) {
      await producer.close().catch((error: unknown) => options.logger?.debug(`closing the AMQP producer failed: ${String(error)}`));
    }
  }
}

/**
 * What makes a kept producer reusable: the endpoint, the credential's identity (fingerprints, never
 * the key), the transport policy, CA and proxy. An edited profile gives another key, so its old
 * producer is never used again and closes when idle.
 */
function sessionKey(options: AmqpOptions): string {
  const { auth } = options;
  const identity =
    auth.kind === 'token' ? 'entra' : auth.kind === 'sas' ? `sas:${auth.keyName}:${fingerprint(auth.key)}` : `cs:${fingerprint(auth.connectionString)}`;
  return JSON.stringify([
    options.namespace,
    options.eventHubName,
    identity,
    options.transport ?? '',
    options.fallbackToWebSockets === true,
    options.proxy ? fingerprint(`${options.proxy.url}|${(options.proxy.noProxy ?? []).join(',')}`) : '',
    options.trustedCaPem ? fingerprint(options.trustedCaPem) : '',
    options.destination.hosts.join(','),
  ]);
}

/**
 * A send on the session's kept producer, if there is one: the attempt is reported as reused. Any
 * failure or a cancel closes it (the next send connects afresh); success keeps it for the next.
 */
async function withKeptProducer<T>(options: AmqpOptions, key: string, work: (producer: EventHubProducerClient, progress: Progress) => Promise<T>): Promise<{ result: T } | undefined> {
  const session = options.session;
  const kept = session?.take(key);
  if (!session || !kept) {
    return undefined;
  }
  if (options.auth.kind === 'token') {
    kept.credential?.swap(options.auth.credential);
  }
  const endpoint = `${kept.endpoint} (kept open)`;
  try {
    const result = await raceAbort(work(kept.producer, { sending: false }), options.signal);
    if (options.signal.aborted) {
      throw options.signal.reason;
    }
    session.keep(key, kept);
    options.onAttempt?.({ transport: kept.transport, endpoint, ok: true });
    return { result };
  } catch (error) {
    await session.evict(key);
    const code = codeOf(error);
    options.onAttempt?.({ transport: kept.transport, endpoint, ok: false, ...(code ? { code } : {}) });
    throw attachTried(unwrapRetryError(error), [`${endpoint} failed${code ? ` (${code})` : ''}`]);
  }
}

/** Set by `work` once something may have reached the service: after that, no retry on another transport. */
export interface Progress {
  sending: boolean;
}

/**
 * Runs `work` on each planned transport until one connects: over TCP first, then (when allowed and
 * the failure was the connection itself, before anything was sent) over WebSockets on 443. Every
 * attempt is reported through `onAttempt`; a failure carries `endpointsTried` for the explanation.
 */
export async function withProducer<T>(options: AmqpOptions, work: (producer: EventHubProducerClient, progress: Progress) => Promise<T>): Promise<T> {
  const key = options.session ? sessionKey(options) : undefined;
  if (key !== undefined) {
    const reused = await withKeptProducer(options, key, work);
    if (reused) {
      return reused.result;
    }
  }
  const plan = transportPlan(options);
  if (plan.note) {
    options.logger?.info(plan.note);
  }
  const tried: string[] = [];
  for (let i = 0; i < plan.transports.length; i++) {
    const transport = plan.transports[i] as AmqpTransport;
    const hasFallback = i < plan.transports.length - 1;
    const attemptOptions: AmqpOptions = {
      ...options,
      transport,
      // With a fallback ahead, report a blocked connection at once instead of retrying it.
      ...(hasFallback ? { retryOptions: { ...options.retryOptions, maxRetries: 0 } } : {}),
    };
    const endpoint = amqpEndpointOf(attemptOptions, transport);
    const progress: Progress = { sending: false };
    try {
      const result = await withOneProducer(attemptOptions, work, progress, key !== undefined ? { key, endpoint, transport } : undefined);
      tried.push(`${endpoint} ok`);
      options.onAttempt?.({ transport, endpoint, ok: true });
      return result;
    } catch (error) {
      const code = codeOf(error);
      tried.push(`${endpoint} failed${code ? ` (${code})` : ''}`);
      options.onAttempt?.({ transport, endpoint, ok: false, ...(code ? { code } : {}) });
      if (hasFallback && !progress.sending && !options.signal.aborted && isTransportUnreachable(error)) {
        options.logger?.info(`${endpoint} could not be reached (${code ?? 'connection failed'}): port 5671 blocked? Falling back to WebSockets on 443.`);
        continue;
      }
      if (transport === 'tcp' && plan.transports.length === 1 && !namespaceOf(options).emulator && !options.signal.aborted && isTransportUnreachable(error)) {
        throw attachTried(tcpUnreachable(error, endpoint, code), tried);
      }
      throw attachTried(error, tried);
    }
  }
  throw new Error('No AMQP transport to try.');
}

export function describe(options: AmqpOptions): string {
  return `${options.auth.kind} over ${transportPlan(options).transports.join(', then ')}`;
}
