/**
 * Fabric discovery: workspaces → eventstreams → topology (sources and destinations with their
 * status) → a custom endpoint's connection. Shapes: microsoft/fabric-rest-api-specs
 * (platform Workspaces, eventstream Eventstreams / EventstreamTopologyResponse /
 * SourceConnectionResponse / DestinationConnectionResponse).
 *
 * The connection carries the endpoint's keys: each is handed to `onSecret` (the caller's
 * redactor) the moment it is read, and only `keys` holds them; nothing here logs.
 */
import { parseConnectionString } from '../azure/connectionString';
import { type DiscoveryContext, getJson, listAll } from './rest';
import type { DiscoveryService } from './endpoints';

export interface FabricWorkspace {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly type?: string;
}

export interface FabricEventstream {
  readonly id: string;
  readonly workspaceId: string;
  readonly displayName: string;
  readonly description: string;
}

export interface EventstreamNode {
  readonly id: string;
  readonly name: string;
  /** e.g. CustomEndpoint, SampleData, Eventhouse. */
  readonly type: string;
  /** Running, Paused, Failed, Warning… (open list). */
  readonly status: string;
  readonly errorMessage?: string;
}

export interface EventstreamTopology {
  readonly sources: readonly EventstreamNode[];
  readonly destinations: readonly EventstreamNode[];
}

/** What Fabric says about a custom endpoint; `keys` are secrets. */
export interface CustomEndpointConnection {
  /** host[:port] as Fabric gives it, e.g. eventstream-xxxx.servicebus.windows.net */
  readonly namespace: string;
  readonly eventHubName: string;
  /** Destinations: the consumer group the endpoint reads with. */
  readonly consumerGroupName?: string;
  /** The SAS rule's name (from the connection string): not secret. */
  readonly keyName?: string;
  readonly keys: {
    readonly primaryKey: string;
    readonly secondaryKey: string;
    readonly primaryConnectionString: string;
    readonly secondaryConnectionString: string;
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * How the Fabric API is reached, by path under `/v1`: directly (the core HTTPS client and a token
 * source), or through another extension's signed-in client (the vscode-fabric satellite).
 */
export interface FabricTransport {
  get(path: string): Promise<Record<string, unknown>>;
  /** Every item of a paged listing. */
  list(path: string): Promise<Record<string, unknown>[]>;
}

export function restTransport(service: DiscoveryService, context: DiscoveryContext): FabricTransport {
  const url = (path: string): string => `${service.baseUrl}/v1${path}`;
  return { get: (path) => getJson(service, url(path), context), list: (path) => listAll(service, url(path), context) };
}

export class FabricDiscovery {
  private readonly transport: FabricTransport;

  constructor(
    serviceOrTransport: DiscoveryService | FabricTransport,
    context?: DiscoveryContext,
    /** Called with every secret value read (the keys and connection strings), before it is returned. */
    private readonly onSecret: (value: string) => void = () => undefined,
  ) {
    if ('get' in serviceOrTransport) {
      this.transport = serviceOrTransport;
    } else if (context) {
      this.transport = restTransport(serviceOrTransport, context);
    } else {
      throw new Error('FabricDiscovery needs a context with a service');
    }
  }

  async workspaces(): Promise<FabricWorkspace[]> {
    const items = await this.transport.list('/workspaces');
    return items.map((w) => ({ id: text(w['id']), displayName: text(w['displayName']), description: text(w['description']), ...(typeof w['type'] === 'string' ? { type: w['type'] } : {}) }));
  }

  async eventstreams(workspaceId: string): Promise<FabricEventstream[]> {
    const items = await this.transport.list(`/workspaces/${encodeURIComponent(workspaceId)}/eventstreams`);
    return items.map((e) => ({ id: text(e['id']), workspaceId: text(e['workspaceId']) || workspaceId, displayName: text(e['displayName']), description: text(e['description']) }));
  }

  async topology(workspaceId: string, eventstreamId: string): Promise<EventstreamTopology> {
    const body = await this.transport.get(`/workspaces/${encodeURIComponent(workspaceId)}/eventstreams/${encodeURIComponent(eventstreamId)}/topology`);
    const nodes = (value: unknown): EventstreamNode[] =>
      (Array.isArray(value) ? value : [])
        .filter((n): n is Record<string, unknown> => typeof n === 'object' && n !== null)
        .map((n) => {
          const error = n['error'] as Record<string, unknown> | undefined;
          return {
            id: text(n['id']),
            name: text(n['name']),
            type: text(n['type']),
            status: text(n['status']) || 'Unknown',
            ...(typeof error?.['errorMessage'] === 'string' ? { errorMessage: error['errorMessage'] } : {}),
          };
        });
    return { sources: nodes(body['sources']), destinations: nodes(body['destinations']) };
  }

  sourceConnection(workspaceId: string, eventstreamId: string, sourceId: string): Promise<CustomEndpointConnection> {
    return this.connection(`/workspaces/${encodeURIComponent(workspaceId)}/eventstreams/${encodeURIComponent(eventstreamId)}/sources/${encodeURIComponent(sourceId)}/connection`);
  }

  destinationConnection(workspaceId: string, eventstreamId: string, destinationId: string): Promise<CustomEndpointConnection> {
    return this.connection(`/workspaces/${encodeURIComponent(workspaceId)}/eventstreams/${encodeURIComponent(eventstreamId)}/destinations/${encodeURIComponent(destinationId)}/connection`);
  }

  private async connection(path: string): Promise<CustomEndpointConnection> {
    const body = await this.transport.get(path);
    const access = (body['accessKeys'] ?? {}) as Record<string, unknown>;
    const keys = {
      primaryKey: text(access['primaryKey']),
      secondaryKey: text(access['secondaryKey']),
      primaryConnectionString: text(access['primaryConnectionString']),
      secondaryConnectionString: text(access['secondaryConnectionString']),
    };
    for (const value of Object.values(keys)) {
      if (value) {
        this.onSecret(value);
      }
    }
    let keyName: string | undefined;
    try {
      keyName = keys.primaryConnectionString ? parseConnectionString(keys.primaryConnectionString).keyName : undefined;
    } catch {
      keyName = undefined; // An unreadable connection string: the caller still has the key and namespace.
    }
    return {
      namespace: text(body['fullyQualifiedNamespace']),
      eventHubName: text(body['eventHubName']),
      ...(typeof body['consumerGroupName'] === 'string' ? { consumerGroupName: body['consumerGroupName'] } : {}),
      ...(keyName ? { keyName } : {}),
      keys,
    };
  }
}
