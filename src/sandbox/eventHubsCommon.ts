/**
 * What the REST and AMQP faces of the Event Hubs peer share: the namespace's identity, limits,
 * the service's error texts and how an event without a partition id finds its partition.
 */
import { randomUUID } from 'node:crypto';
import type { WorldState } from './internal';
import { routeOfHost } from './routes';

/** Standard tier's maximum publication size, single event or batch (wire facts §4.5). */
export const MAX_MESSAGE_SIZE = 1048576;

export const SEND_ROLE = 'Azure Event Hubs Data Sender';
export const RECEIVE_ROLE = 'Azure Event Hubs Data Receiver';

/** A right a token may carry: Send for publishers, Listen for consumers (SAS `Manage` implies both). */
export type Claim = 'Send' | 'Listen';

/** What a resource path asks for: consumer-group paths need Listen, everything else on the hub Send. */
export function claimFor(segments: readonly string[]): Claim {
  return segments[1]?.toLowerCase() === 'consumergroups' ? 'Listen' : 'Send';
}

/** The namespace as clients address it: `localhost:PORT` over TLS, `localhost:EMUPORT` over plain TCP. */
export interface Namespace {
  readonly hosts: ReadonlySet<string>;
  /** Ports that belong to this namespace (TLS and emulator); filled in once the servers listen. */
  readonly ports: Set<number>;
  /** `sb://localhost:PORT`, for texts the service prints (entity URIs in errors). */
  display(): string;
}

export function createNamespace(): Namespace {
  const ports = new Set<number>();
  return {
    hosts: new Set(['localhost', '127.0.0.1', '::1', '[::1]']),
    ports,
    display: () => `sb://localhost:${[...ports][0] ?? 0}`,
  };
}

/** A resource URI split into host, optional port and path segments; the scheme is ignored (wire facts §5.1). */
export interface ResourceRef {
  readonly host: string;
  readonly port?: number;
  readonly segments: readonly string[];
}

export function parseResource(uri: string): ResourceRef | undefined {
  const withoutScheme = uri.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  const authority = slash < 0 ? withoutScheme : withoutScheme.slice(0, slash);
  const path = slash < 0 ? '' : withoutScheme.slice(slash + 1);
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!match?.[1]) {
    return undefined;
  }
  const segments = path
    .split(/[?#]/)[0]!
    .split('/')
    .filter((s) => s.length > 0);
  return { host: match[1].toLowerCase(), ...(match[2] ? { port: Number(match[2]) } : {}), segments };
}

/**
 * Whether a resource names this namespace (any of its hosts; a missing port means "the namespace").
 * A real namespace host ({ns}.servicebus.windows.net, other clouds too) is the sandbox's as well:
 * the sandbox proxy routes those names here, so clients sign for them (SAS `sr`, AMQP audiences).
 */
export function isOwnNamespace(ns: Namespace, ref: ResourceRef): boolean {
  if (routeOfHost(ref.host)?.peer === 'eventHubs') {
    return ref.port === undefined || ref.port === 443 || ref.port === 5671;
  }
  return ns.hosts.has(ref.host) && (ref.port === undefined || ns.ports.has(ref.port));
}

function isRoutedNamespaceHost(host: string): boolean {
  return routeOfHost(host)?.peer === 'eventHubs';
}

/** The real namespace host a request addressed (Host header, AMQP hostname) when it came through the sandbox proxy. */
export function routedNamespaceHost(host: string | undefined): string | undefined {
  const bare = host?.trim().toLowerCase().replace(/:\d+$/, '');
  return bare && isRoutedNamespaceHost(bare) ? bare : undefined;
}

/** The namespace a request addressed: `sb://{real host}` when it came through the sandbox proxy, else the sandbox's own. */
export function addressedNamespace(ns: Namespace, host: string | undefined): string {
  const routed = routedNamespaceHost(host);
  return routed ? `sb://${routed}` : ns.display();
}

/** A token for a real namespace name is good only for requests addressed to that same name, as in Azure. */
export function sameAddressedHost(scope: ResourceRef, target: ResourceRef): boolean {
  return isRoutedNamespaceHost(scope.host) || isRoutedNamespaceHost(target.host) ? scope.host === target.host : true;
}

/** The first path segment is the entity; the service compares entity names case-insensitively. */
export function entityExists(world: WorldState, hub: string | undefined): boolean {
  return hub !== undefined && hub.toLowerCase() === world.eventHubName.toLowerCase();
}

/** The tail the service appends to every error description. */
export function trackingSuffix(entity?: string): string {
  const tracker = entity ? `localhost:${entity}` : 'localhost';
  return ` TrackingId:${randomUUID()}_G0, SystemTracker:${tracker}, Timestamp:${new Date().toISOString()}`;
}

export function entityNotFoundText(ns: Namespace, hub: string): string {
  return `The messaging entity '${ns.display()}/${hub}' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.`;
}

export function sendClaimText(ns: Namespace, hub: string): string {
  return `Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: '${ns.display()}/${hub}'.`;
}

export function listenClaimText(ns: Namespace, path: string): string {
  return `Unauthorized access. 'Listen' claim(s) are required to perform this operation. Resource: '${ns.display()}/${path.toLowerCase()}'.`;
}

export function serverBusyText(retryAfterSeconds: number): string {
  return `The request was terminated because the entity is being throttled. Error code : 50002. Sub error : 102. Please wait ${retryAfterSeconds} seconds and try again.`;
}

export const SERVICE_UNAVAILABLE_TEXT =
  'The service was unable to process the request; please retry the operation. For more information on exception types and proper exception handling, please refer to http://go.microsoft.com/fwlink/?LinkId=761101';

export function messageTooLargeText(size: number): string {
  return `The received message (delivery-id:0, size:${size} bytes) exceeds the limit (${MAX_MESSAGE_SIZE} bytes) currently allowed on the link.`;
}

export function invalidPartitionText(world: WorldState): string {
  return `The specified partition is invalid for an EventHub partition sender or receiver. It should be between ${world.partitionIds[0] ?? 0} and ${world.partitionIds[world.partitionIds.length - 1] ?? 0}.`;
}

/**
 * Picks partitions for events that name none. The real service hashes the partition key with
 * Jenkins lookup3; the sandbox uses FNV-1a (stable and simple), which is enough for "same key →
 * same partition". Events without a key go round-robin.
 */
export class PartitionChooser {
  private next = 0;

  constructor(private readonly partitionIds: readonly string[]) {}

  forKey(key: string): string {
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(key, 'utf8')) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return this.partitionIds[hash % this.partitionIds.length] ?? '0';
  }

  roundRobin(): string {
    const id = this.partitionIds[this.next % this.partitionIds.length] ?? '0';
    this.next += 1;
    return id;
  }
}
