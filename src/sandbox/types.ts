import type { ConnectionProfile } from '../core/model/profile';

/**
 * The local sandbox: Entra ID, Key Vault and Event Hubs (REST + AMQP on one TLS port, like a
 * namespace) started in-process on ephemeral loopback ports, behind a CA made at start.
 */
export interface Sandbox {
  readonly urls: SandboxUrls;
  /** PEM of the throwaway CA (public). Clients trust it via NODE_EXTRA_CA_CERTS or `ca` options. */
  readonly caPem: string;
  readonly world: DemoWorld;
  readonly faults: FaultController;
  /** Every event the Event Hubs peers accepted, in arrival order, over REST and AMQP. */
  readonly received: ReceivedEventLog;
  /** The HTTP CONNECT proxy (at urls.proxy) that routes real Azure host names to the peers. */
  readonly proxy: SandboxProxy;
  /** The Event Hubs peer's ingress limit per partition (off unless set), changeable while it runs. */
  readonly ingress: IngressLimitController;
  /** A ready profile for the demo world (Key Vault via the reader service principal, Entra endpoint auth). */
  profile(overrides?: Partial<Pick<ConnectionProfile, 'name' | 'id'>> & { protocol?: 'rest' | 'amqp' }): ConnectionProfile;
  stop(): Promise<void>;
}

export interface SandboxUrls {
  /** https://localhost:P: use as the profile's authorityHost. */
  readonly authorityHost: string;
  /** https://localhost:P/ */
  readonly vaultUrl: string;
  /** localhost:P: REST (https://localhost:P/{hub}/messages), AMQP over TLS and AMQP over WebSockets on one port. */
  readonly namespace: string;
  /** localhost:P on plain TCP: the emulator transport (UseDevelopmentEmulator=true connection strings). */
  readonly emulatorNamespace: string;
  /** https://localhost:P: the Fabric REST API (a client's base is this + `/v1`); also https://api.fabric.microsoft.com through the proxy. */
  readonly fabricApi: string;
  /** https://localhost:P: Azure Resource Manager; also management.azure.com (and the sovereign ARM hosts) through the proxy. */
  readonly resourceManager: string;
  /**
   * http://127.0.0.1:P: an HTTP CONNECT proxy. Use it as HTTPS_PROXY (or VS Code's http.proxy) with a
   * profile on the real hosts (login.microsoftonline.com, {vault}.vault.azure.net, {ns}.servicebus.windows.net,
   * and the other clouds' equivalents): it routes them to the peers, whose certificate names them.
   */
  readonly proxy: string;
}

export interface SandboxOptions {
  /** Reuse a CA (PEM cert + key) instead of making one: the in-host tests make it before VS Code starts. */
  readonly ca?: { certPem: string; keyPem: string };
  /** Token lifetime the Entra peer issues, seconds (default 3599). */
  readonly tokenLifetimeSeconds?: number;
  /**
   * Simulated network latency in ms (0 to 60,000; default 0), one round trip per operation
   * (benchmarks): before each Entra ID and Key Vault answer; Event Hubs REST answers each POST after
   * it; AMQP waits it before accepting a connection, before each transfer's disposition and before
   * each `$cbs` / `$management` response. Link attaches and consumer deliveries are not delayed.
   */
  readonly latencyMs?: number;
  /** An Event Hubs ingress limit per partition; absent = no limit (the default). See `Sandbox.ingress`. */
  readonly partitionLimit?: PartitionLimit;
  /**
   * How many received events `received.all()` keeps, newest last (default: every one, as tests
   * count them). A sandbox left running (the CLI's, the editor's) keeps 100,000: a load test of
   * `--rate 100000 --duration 3600` would otherwise hold 360 million events and end out of memory.
   * Counting (`received.count()`, `waitFor`) and consumers' retention are not affected.
   */
  readonly keepReceived?: number;
  /** Preferred ports (0 = ephemeral, the default). */
  readonly ports?: { entra?: number; keyVault?: number; eventHubs?: number; emulator?: number; proxy?: number; fabric?: number; arm?: number };
}

/** The seeded demo world. All values are random per start, except names. */
export interface DemoWorld {
  readonly tenantId: string;
  /** The service principal that reads the vault (stage 1 credentials). */
  readonly reader: { readonly clientId: string; readonly clientSecret: string };
  /** The pipeline's service principal: its id and secret are *stored in the vault* and read in stages 2–3. */
  readonly pipeline: { readonly clientId: string; readonly clientSecret: string };
  readonly secrets: { readonly clientIdName: string; readonly clientSecretName: string };
  readonly eventHubName: string;
  /** Entity-level SAS rule, as Fabric custom endpoints have (key_…). */
  readonly sas: { readonly keyName: string; readonly key: string };
  /** A second rule on the hub with only Listen: sending with it is refused ('Send' claim missing). */
  readonly listenOnlySas: { readonly keyName: string; readonly key: string };
  readonly partitionIds: readonly string[];
  /** Consumer groups: $Default and a GUID-named one, like a Fabric custom-endpoint destination's. */
  readonly consumerGroups: readonly string[];
}

export interface ReceivedEvent {
  readonly eventHubName: string;
  readonly protocol: 'rest' | 'amqp';
  readonly partitionId: string;
  readonly partitionKey?: string;
  /** The body as bytes arrived (REST body; AMQP data section, JSON-encoded by the SDK for objects). */
  readonly body: Buffer;
  readonly contentType?: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** AMQP message-id / correlation-id, or REST BrokerProperties MessageId / CorrelationId. */
  readonly messageId?: string;
  readonly correlationId?: string;
  /** Who sent it: the JWT appid, or the SAS key name. */
  readonly sender: string;
  readonly receivedAt: Date;
  readonly sequenceNumber: number;
}

export interface ReceivedEventLog {
  /** The events received since the last clear() (the newest `keepReceived` of them). */
  all(): readonly ReceivedEvent[];
  /** How many events were received since the last clear(), kept or not. */
  count(): number;
  /** Sends the partition limit refused, in order; none of their events is in all(). */
  throttled(): readonly ThrottledSend[];
  /** Forgets the events and the throttled sends. */
  clear(): void;
  /** Resolves when `count` events have arrived in total (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedEvent[]>;
}

/**
 * A per-partition ingress limit. For reference, one Standard-tier throughput unit admits 1 MB/s or
 * 1,000 events/s (whichever comes first) for the whole namespace, and Microsoft recommends at most
 * 1 MB/s per partition (MicrosoftDocs/azure-docs: event-hubs-scalability.md, includes/event-hubs-partition-count.md).
 */
export interface PartitionLimit {
  /** Events per second per partition (a batch counts each of its events). */
  readonly eventsPerSecond?: number;
  /** Bytes per second per partition, counting the events' bodies. */
  readonly bytesPerSecond?: number;
}

export interface IngressLimitController {
  /**
   * Turns the limit on or changes it (each partition starts with a full second of it), or turns it
   * off with undefined. A send over the limit is refused whole, nothing recorded: REST answers 429
   * with Retry-After, AMQP rejects the transfer with `com.microsoft:server-busy` (ServerBusyError).
   */
  setPartitionLimit(limit: PartitionLimit | undefined): void;
  partitionLimit(): PartitionLimit | undefined;
}

/** A send (REST request or AMQP transfer) the partition limit refused. */
export interface ThrottledSend {
  readonly eventHubName: string;
  readonly protocol: 'rest' | 'amqp';
  /** The partition whose limit refused it. */
  readonly partitionId: string;
  /** What the refused send carried; none of it was recorded. */
  readonly events: number;
  readonly bytes: number;
  /** What the peer told the client to wait (REST Retry-After; the AMQP error's description). */
  readonly retryAfterSeconds: number;
  readonly at: Date;
}

export type Peer = 'entra' | 'keyVault' | 'eventHubs' | 'fabric' | 'arm';

/**
 * Each documented way the flow fails. The peer answers exactly as Azure does for that failure
 * (status, body shape, codes: wire facts §1.3–1.5, §2.3, §4.4, §7.3).
 */
export type FaultKind =
  // Entra (stage 1 or 4, by `match.resource` or `match.clientId`)
  | 'invalidClientSecret' // 401 invalid_client AADSTS7000215
  | 'expiredClientSecret' // 401 invalid_client AADSTS7000222
  | 'unknownClient' // 400 unauthorized_client AADSTS700016
  | 'unknownTenant' // 400 invalid_request AADSTS90002
  | 'defaultScopeAsResource' // 400 invalid_resource AADSTS500011: answers as if the v1 resource ended in /.default
  // Key Vault (stage 2 or 3 by `match.secretName`) and Event Hubs (stage 5)
  | 'wrongAudience' // KV 401 AKV10022 / EH 401 InvalidAudience (token minted for the wrong audience)
  | 'missingRole' // KV 403 ForbiddenByRbac / EH 401 'Send' claim(s) are required
  | 'secretNotFound' // KV 404 SecretNotFound
  | 'secretDisabled' // KV 403 SecretDisabled
  | 'tokenFromOtherTenant' // KV 401 AKV10032: the token's issuer is another tenant
  | 'blockedByFirewall' // KV 403 ForbiddenByFirewall with the client address the vault saw
  | 'secretIdStored' // KV 200, but the value is a GUID: the secret's ID was stored instead of its value
  | 'untrustedCertificate' // Entra/KV: the listener presents a certificate from another CA (a TLS-inspecting proxy) until cleared
  // Any peer
  | 'throttled' // 429 with Retry-After (AMQP: ServerBusyError)
  | 'serviceUnavailable' // 503 (AMQP: ServiceUnavailable)
  | 'oversizedEvent' // EH: 413 (REST) / amqp:link:message-size-exceeded, whatever the size
  | 'connectionRefused' // the peer stops listening until cleared
  | 'connectionReset' // the socket is destroyed on the first bytes
  | 'timeout' // the peer accepts and never answers
  // Event Hubs only: AMQP over TLS (the 5671 transport) is reset after the handshake, WebSockets and REST still work
  | 'amqpPortBlocked';

export interface FaultSpec {
  readonly peer: Peer;
  readonly kind: FaultKind;
  /** Narrow the fault to some requests; all of the given fields must match. */
  readonly match?: {
    /** Entra: the client_id in the token request. */
    readonly clientId?: string;
    /** Entra: the requested resource, compared without `/.default` and trailing slashes (e.g. https://vault.azure.net). */
    readonly resource?: string;
    /** Key Vault: the secret name. */
    readonly secretName?: string;
    /** Event Hubs: 'rest' or 'amqp'. */
    readonly protocol?: 'rest' | 'amqp';
  };
  /** Fail this many matching requests, then heal; absent = until cleared. */
  readonly times?: number;
  /** Seconds for Retry-After on 'throttled' (default 2). */
  readonly retryAfterSeconds?: number;
}

export interface FaultController {
  inject(spec: FaultSpec): string;
  clear(id?: string): void;
  active(): readonly (FaultSpec & { readonly id: string; readonly hits: number })[];
}

/** One CONNECT request the sandbox proxy answered. */
export interface ProxyTunnel {
  /** Lower case; IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** 200 tunnelled, 407 credentials missing or wrong, 502 a host it does not route, 400 a malformed target. */
  readonly status: number;
  /** The peer a real Azure host was routed to, or `loopback` for a loopback target passed through. */
  readonly routedTo?: Peer | 'loopback';
  readonly at: Date;
}

export interface SandboxProxy {
  /** http://127.0.0.1:P */
  readonly url: string;
  /** Every CONNECT request so far, in order (a test hook). */
  tunnels(): readonly ProxyTunnel[];
  clearTunnels(): void;
  /** Demand Basic credentials: CONNECT without them (or with others) is answered 407. */
  requireCredentials(user: string, password: string): void;
  allowAnonymous(): void;
}
