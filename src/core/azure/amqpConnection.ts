import type { NamedKeyCredential, TokenCredential } from '@azure/core-auth';
import type { EventHubClientOptions, RetryOptions } from '@azure/event-hubs';
import type { Logger } from '../logging/logger';
import type { SecretSink } from '../logging/redact';
import { canonicalConnectionString, parseConnectionString } from './connectionString';
import { assertCredentialDestination, type CredentialDestination } from './credentialGuard';
import { describeProxy, ProxyTunnelAgent, shouldProxy, type ProxySettings } from './proxy';
import { createSharedAccessSignature } from './sas';
import { caListFor, processTrustsCa } from './trust';
import type { AmqpSession } from './amqpSession';

/**
 * How a producer or consumer reaches a hub over AMQP: the auth it brings, the SDK options (TLS, proxy,
 * retries), the endpoint it dials, the transports to try in order and which failures mean the
 * transport could not connect.
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
const INTERACTIVE_AMQP_RETRY: RetryOptions = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000, timeoutInMs: 15_000 };

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
export function namespaceOf(options: AmqpOptions): { host: string; port?: number; emulator: boolean } {
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

export function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') {
    return e.code;
  }
  return typeof e?.message === 'string' ? rheaConnectFailure(e.message) : undefined;
}

/**
 * AMQP over TCP could not connect and the profile pins TCP (no fallback): a firewall blocking 5671
 * is the usual cause, and WebSockets on 443 the remedy; code `AmqpTcpUnreachable` says so.
 */
export function tcpUnreachable(error: unknown, endpoint: string, code: string | undefined): Error {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`AMQP over TCP to ${endpoint} could not connect (${code ?? message}).`, { cause: error }), { code: 'AmqpTcpUnreachable' });
}

/** Adds the endpoints tried to an error, for the explanation (parseError reads `endpointsTried`). */
export function attachTried(error: unknown, tried: readonly string[]): unknown {
  if (error && typeof error === 'object' && Object.isExtensible(error)) {
    Object.assign(error, { endpointsTried: [...tried] });
  }
  return error;
}
