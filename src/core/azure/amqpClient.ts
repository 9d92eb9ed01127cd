import type { NamedKeyCredential, TokenCredential } from '@azure/core-auth';
import type { EventData, EventDataBatch, EventHubClientOptions, EventHubProducerClient, RetryOptions } from '@azure/event-hubs';
import { ValidationError } from '../errors/errors';
import type { EndpointInfo, SendRequest, SendResult } from '../flow/types';
import type { Logger } from '../logging/logger';
import type { SecretSink } from '../logging/redact';
import { canonicalConnectionString, parseConnectionString } from './connectionString';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';
import { assertEventFits, encodeEvent, validatePartitioning, type EncodedEvent } from './eventEncoding';
import { eventSourceOf, isEventSource } from '../events/eventSource';
import { SendTally } from '../events/sendTally';
import { runSendPipeline, sendResultOf, type BatchSink } from './sendPipeline';
import { raceAbort, throwIfAborted } from './http';
import { describeProxy, ProxyTunnelAgent, shouldProxy, type ProxySettings } from './proxy';
import { createSharedAccessSignature } from './sas';
import { caListFor, processTrustsCa } from './trust';
import { fingerprint, SwappableCredential, type AmqpSession } from './amqpSession';

/**
 * Event Hubs over AMQP 1.0 through @azure/event-hubs (loaded on first use). One producer per call,
 * closed afterwards unless a session keeps it open for the next send (amqpSession.ts).
 */

export type AmqpAuth =
  /** Entra ID: the SDK asks it for https://eventhubs.azure.net//.default (use toTokenCredential for stage 4's token). */
  | { readonly kind: 'token'; readonly credential: TokenCredential }
  /** A SAS rule; the SDK signs one token per audience (sender, partition, $management). */
  | { readonly kind: 'sas'; readonly keyName: string; readonly key: string }
  /** Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…][;UseDevelopmentEmulator=true]. */
  | { readonly kind: 'connectionString'; readonly connectionString: string };

export type AmqpTransport = 'tcp' | 'websockets';

export interface AmqpOptions {
  /** host[:port]; ignored for connection strings (their Endpoint wins). */
  readonly namespace: string;
  /** Ignored when a connection string carries EntityPath. */
  readonly eventHubName: string;
  readonly auth: AmqpAuth;
  /** Where the token or SAS may go (the CBS put-token travels over this connection): the validated namespace. */
  readonly destination: CredentialDestination;
  readonly signal: AbortSignal;
  /**
   * Extra CA (the sandbox's). Honoured on `websockets` only: the SDK opens AMQP-over-TLS sockets
   * without a way to pass `ca`, so `tcp` relies on Node's trust store (NODE_EXTRA_CA_CERTS).
   */
  readonly trustedCaPem?: string;
  /**
   * `tcp`: AMQPS on 5671 (or the namespace's port; plain TCP for emulator connection strings).
   * `websockets`: wss://{ns}/$servicebus/websocket on 443 (or the port): passes firewalls and
   * proxies, and is how a process that cannot set NODE_EXTRA_CA_CERTS (the extension host) trusts the sandbox CA.
   */
  readonly transport?: AmqpTransport;
  /**
   * With `tcp`: when the TLS connection on 5671 cannot be made (refused, reset, timed out, as a
   * firewall does), retry once over WebSockets on 443. False when the profile pins its transport.
   */
  readonly fallbackToWebSockets?: boolean;
  /**
   * HTTP proxy. The SDK can only use one over WebSockets, so a proxy that applies to the
   * namespace forces `websockets` (through a CONNECT tunnel to port 443).
   */
  readonly proxy?: ProxySettings;
  /** Told about every connection attempt, so callers can report the hosts and ports tried. */
  readonly onAttempt?: (attempt: AmqpAttempt) => void;
  /** Overrides INTERACTIVE_AMQP_RETRY. */
  readonly retryOptions?: RetryOptions;
  /**
   * Keep the producer open for the next send (issue #8): sends reuse it; the probe and stage tests
   * never pass one, so they always connect afresh.
   */
  readonly session?: AmqpSession;
  readonly logger?: Logger;
  /** The run's redactor: every SAS token signed for a SAS rule is registered with it (see sasCredential). */
  readonly secrets?: SecretSink;
}

/** One transport the client tried: where, how, and how it went. */
export interface AmqpAttempt {
  readonly transport: AmqpTransport;
  /** e.g. amqps://ns.servicebus.windows.net:5671, or wss://…:443/$servicebus/websocket via proxy http://p:3128. */
  readonly endpoint: string;
  readonly ok: boolean;
  /** The failure's code (errno or SDK code) when it failed. */
  readonly code?: string;
}

/**
 * core-amqp retries `UnauthorizedError` (rotated credentials, it assumes) with 3 retries, 30–90 s
 * apart and 60 s per try: a wrong role or key would surface after minutes. People testing a
 * connection want the service's answer in seconds.
 */
export const INTERACTIVE_AMQP_RETRY: RetryOptions = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000, timeoutInMs: 15_000 };

export async function clientOptions(options: AmqpOptions): Promise<EventHubClientOptions> {
  const base: EventHubClientOptions = { retryOptions: { ...INTERACTIVE_AMQP_RETRY, ...options.retryOptions } };
  if (options.transport !== 'websockets') {
    return base;
  }
  const ws = await import('ws');
  const ca = caListFor(options.trustedCaPem);
  const { host } = namespaceOf(options);
  // The WebSocket goes to port 443 of the namespace (or its explicit port): that is what the proxy must tunnel to.
  const agent = shouldProxy(options.proxy, host, webSocketPort(options)) ? new ProxyTunnelAgent(options.proxy, ca) : undefined;
  const constructorOptions = { ...(ca ? { ca } : {}), ...(agent ? { agent } : {}) };
  return {
    ...base,
    webSocketOptions: {
      webSocket: ws.WebSocket as unknown as NonNullable<EventHubClientOptions['webSocketOptions']>['webSocket'],
      ...(ca || agent ? { webSocketConstructorOptions: constructorOptions } : {}),
    },
  };
}

/** The host and explicit port the SDK will connect to (a connection string's Endpoint wins). */
function namespaceOf(options: AmqpOptions): { host: string; port?: number; emulator: boolean } {
  let namespace = options.namespace;
  let emulator = false;
  if (options.auth.kind === 'connectionString') {
    try {
      const parsed = parseConnectionString(options.auth.connectionString);
      namespace = parsed.namespace;
      emulator = parsed.useDevelopmentEmulator === true;
    } catch {
      // The SDK reports a malformed string itself.
    }
  }
  const match = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(namespace.replace(/^[a-z]+:\/\//i, ''));
  return { host: match?.[1] ?? namespace, ...(match?.[2] ? { port: Number(match[2]) } : {}), emulator };
}

function webSocketPort(options: AmqpOptions): number {
  return namespaceOf(options).port ?? 443;
}

/** Where a transport connects, for reports: amqps://host:5671, or wss://host:443/$servicebus/websocket [via proxy …]. */
export function amqpEndpointOf(options: AmqpOptions, transport: AmqpTransport = options.transport ?? 'tcp'): string {
  const { host, port, emulator } = namespaceOf(options);
  if (transport === 'tcp') {
    return emulator ? `amqp://${host}:${port ?? 5672}` : `amqps://${host}:${port ?? 5671}`;
  }
  const wsPort = port ?? 443;
  const via = shouldProxy(options.proxy, host, wsPort) ? ` via proxy ${describeProxy(options.proxy)}` : '';
  return `wss://${host}:${wsPort}/$servicebus/websocket${via}`;
}

/**
 * What the SDK is given: the namespace, or a connection string rebuilt from its validated parts
 * (never the pasted text). Before any client exists, the host is read back with the SDK's own
 * connection-string parser, as it will read it, and checked against the credential's destination.
 */
export async function sdkEndpoint(options: Pick<AmqpOptions, 'namespace' | 'eventHubName' | 'auth' | 'destination'>): Promise<{ readonly connectionString?: string }> {
  const { parseEventHubConnectionString } = await import('@azure/event-hubs');
  const { auth } = options;
  const connectionString =
    auth.kind === 'connectionString'
      ? canonicalConnectionString(parseConnectionString(auth.connectionString))
      : undefined;
  // The string the SDK builds itself from a namespace (connectionContext.ts), with dummy key fields.
  const probe = connectionString ?? `Endpoint=sb://${options.namespace}/;SharedAccessKeyName=x;SharedAccessKey=x;EntityPath=${options.eventHubName}`;
  const host = parseEventHubConnectionString(probe).fullyQualifiedNamespace;
  assertCredentialDestination(`https://${host}/`, options.destination);
  return connectionString !== undefined ? { connectionString } : {};
}

/**
 * The credential for a SAS rule. The SDK signs a token per audience (sender, partition, $management)
 * and never shows it; with `secrets`, a token provider of ours signs instead (createSharedAccessSignature
 * is byte for byte core-amqp's createToken) and registers each token before the SDK sends it.
 */
export function sasCredential(auth: { readonly keyName: string; readonly key: string }, secrets: SecretSink | undefined): NamedKeyCredential | TokenCredential {
  if (!secrets || !auth.keyName || !auth.key) {
    // Structurally an AzureNamedKeyCredential (the SDK checks for string `name` and `key`); an empty
    // name or key stays the SDK's to refuse, as before.
    const credential: NamedKeyCredential = { name: auth.keyName, key: auth.key };
    return credential;
  }
  // @azure/event-hubs 6 passes a credential that is neither a named-key nor a SAS credential through,
  // and takes any object with `isSasTokenProvider: true` for core-amqp's SasTokenProvider: it then
  // calls getToken(audience) and negotiates the result as a SAS token (withAuth.ts, managementClient.ts).
  // (Method bivariance lets it pass for a TokenCredential; the SDK never calls it as one.)
  const provider = {
    isSasTokenProvider: true,
    getToken(audience: string): Promise<{ token: string; expiresOnTimestamp: number }> {
      const now = Date.now();
      const token = createSharedAccessSignature({ resourceUri: audience, keyName: auth.keyName, key: auth.key, now, secrets });
      // Epoch seconds, as core-amqp's provider returns them.
      return Promise.resolve({ token, expiresOnTimestamp: Math.floor(now / 1000) + 3600 });
    },
  };
  return provider;
}

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
 * core-amqp 4.4 throws `AggregateError(errors)` when every attempt of a retried operation failed
 * (one entry per attempt). The last attempt's error is the SDK error callers (and parseError)
 * understand, e.g. `MessagingError` code `UnauthorizedError`: rethrow that one, untouched.
 */
export function unwrapRetryError(error: unknown): unknown {
  if (error instanceof AggregateError && Array.isArray(error.errors) && error.errors.length > 0) {
    const last: unknown = error.errors[error.errors.length - 1];
    return last instanceof Error ? last : error;
  }
  return error;
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
interface Progress {
  sending: boolean;
}

/** The transports to try, in order, and why. */
export function transportPlan(options: AmqpOptions): { readonly transports: readonly AmqpTransport[]; readonly note?: string } {
  const { host, emulator } = namespaceOf(options);
  if (emulator) {
    return { transports: ['tcp'] };
  }
  if (shouldProxy(options.proxy, host, webSocketPort(options))) {
    return {
      transports: ['websockets'],
      ...(options.transport !== 'websockets' ? { note: `AMQP over TCP cannot pass an HTTP proxy: using WebSockets through ${describeProxy(options.proxy)}` } : {}),
    };
  }
  if (options.transport === 'websockets') {
    return { transports: ['websockets'] };
  }
  // The SDK opens AMQP-over-TLS sockets without a `ca` option: a profile CA this process does not
  // already trust (NODE_EXTRA_CA_CERTS) can only reach the WebSocket transport, so use that, and say so.
  if (options.trustedCaPem?.trim() && !processTrustsCa(options.trustedCaPem)) {
    return { transports: ['websockets'], note: "AMQP over TLS on 5671 cannot use the profile's trusted CA in this process: using WebSockets, which can" };
  }
  return { transports: options.fallbackToWebSockets ? ['tcp', 'websockets'] : ['tcp'] };
}

/**
 * Connection-level failures a firewall blocking 5671 produces (refused, reset, timed out, no route),
 * as Node or the SDK reports them. Authentication, entity and DNS errors are not among them:
 * another transport would fail the same way.
 */
export function isTransportUnreachable(error: unknown): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const e = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (/ENOTFOUND|EAI_AGAIN|certificate|CERT_/i.test(`${code} ${message}`)) {
    return false;
  }
  if (TRANSPORT_CODES.has(code)) {
    return true;
  }
  // A service or SDK code (UnauthorizedError, MessagingEntityNotFoundError…) is an answer, not a blocked port.
  if (code && !/^E[A-Z_]+$/.test(code)) {
    return false;
  }
  if (/\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b|socket hang up|disconnected/i.test(message) || rheaConnectFailure(message)) {
    return true;
  }
  return e.cause !== undefined && e.cause !== error ? isTransportUnreachable(e.cause) : false;
}

const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ServiceCommunicationError',
  'ConnectionForcedError',
  'OperationTimeoutError',
]);

/**
 * rhea-promise rejects a connection closed before the AMQP open with a bare Error('Failed to connect')
 * (a reset, as a firewall does), and one that never opens with "Unable to open the amqp connection … due to operation timeout".
 */
function rheaConnectFailure(message: string): 'ECONNRESET' | 'ETIMEDOUT' | undefined {
  if (message === 'Failed to connect') {
    return 'ECONNRESET';
  }
  return /Unable to open the amqp connection .* due to operation timeout/.test(message) ? 'ETIMEDOUT' : undefined;
}

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') {
    return e.code;
  }
  return typeof e?.message === 'string' ? rheaConnectFailure(e.message) : undefined;
}

/**
 * Runs `work` on each planned transport until one connects: over TCP first, then (when allowed and
 * the failure was the connection itself, before anything was sent) over WebSockets on 443. Every
 * attempt is reported through `onAttempt`; a failure carries `endpointsTried` for the explanation.
 */
async function withProducer<T>(options: AmqpOptions, work: (producer: EventHubProducerClient, progress: Progress) => Promise<T>): Promise<T> {
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

/**
 * AMQP over TCP could not connect and the profile pins TCP (no fallback): a firewall blocking 5671
 * is the usual cause, and WebSockets on 443 the remedy; code `AmqpTcpUnreachable` says so.
 */
function tcpUnreachable(error: unknown, endpoint: string, code: string | undefined): Error {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`AMQP over TCP to ${endpoint} could not connect (${code ?? message}).`, { cause: error }), { code: 'AmqpTcpUnreachable' });
}

/** Adds the endpoints tried to an error, for the explanation (parseError reads `endpointsTried`). */
function attachTried(error: unknown, tried: readonly string[]): unknown {
  if (error && typeof error === 'object' && Object.isExtensible(error)) {
    Object.assign(error, { endpointsTried: [...tried] });
  }
  return error;
}

function describe(options: AmqpOptions): string {
  return `${options.auth.kind} over ${transportPlan(options).transports.join(', then ')}`;
}

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
