/**
 * Which sandbox peer answers for a real Azure host name, table-driven from the clouds the core
 * knows (src/core/model/cloud.ts): each cloud's Entra authority host, its vaults
 * (`{vault}.vault.azure.net`…) and its Event Hubs namespaces (`{ns}.servicebus.windows.net`…).
 * The sandbox's HTTP proxy routes CONNECT requests with it, and its certificate names these hosts.
 */
import { CLOUDS, type CloudName } from '../core/model/cloud';
import type { Peer } from './types';

export interface HostRoute {
  readonly peer: Peer;
  /** The cloud the host belongs to: the peers answer as that cloud does (issuer, audiences). */
  readonly cloud: CloudName;
  /** Ports the real service listens on for this host: 443, and 5671 (AMQP over TLS) for Event Hubs. */
  readonly ports: readonly number[];
}

interface Rule {
  readonly peer: Peer;
  readonly cloud: CloudName;
  /** An exact host, or a single-label wildcard `*.suffix` (as a certificate SAN). */
  readonly name: string;
  readonly ports: readonly number[];
}

const RULES: readonly Rule[] = Object.values(CLOUDS).flatMap((cloud): Rule[] => [
  { peer: 'entra', cloud: cloud.name, name: new URL(cloud.authorityHost).hostname.toLowerCase(), ports: [443] },
  ...cloud.authorityAliases.map((name): Rule => ({ peer: 'entra', cloud: cloud.name, name, ports: [443] })),
  { peer: 'keyVault', cloud: cloud.name, name: `*${cloud.keyVaultSuffix}`, ports: [443] },
  { peer: 'eventHubs', cloud: cloud.name, name: `*${cloud.eventHubsSuffix}`, ports: [443, 5671] },
  { peer: 'arm', cloud: cloud.name, name: new URL(cloud.armEndpoint).hostname, ports: [443] },
  ...(cloud.fabricApiEndpoint ? [{ peer: 'fabric', cloud: cloud.name, name: new URL(cloud.fabricApiEndpoint).hostname, ports: [443] } as const] : []),
]);

/** One DNS label, as a wildcard certificate covers (no dots). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The peer for an Azure host name (any cloud), or undefined for hosts the sandbox does not stand in for. */
export function routeOfHost(hostname: string): HostRoute | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  for (const rule of RULES) {
    if (rule.name.startsWith('*.')) {
      const suffix = rule.name.slice(1);
      if (host.endsWith(suffix) && LABEL.test(host.slice(0, -suffix.length))) {
        return { peer: rule.peer, cloud: rule.cloud, ports: rule.ports };
      }
    } else if (host === rule.name) {
      return { peer: rule.peer, cloud: rule.cloud, ports: rule.ports };
    }
  }
  return undefined;
}

/** The names the peers' certificate carries besides loopback: authority hosts and `*.` vault / namespace suffixes. */
export function azureServerNames(): readonly string[] {
  return [...new Set(RULES.map((rule) => rule.name))];
}

/**
 * The cloud a request to a peer was addressed to, from its Host header: a real Azure host name
 * reached through the sandbox proxy, or public Azure for loopback addresses.
 */
export function cloudOfRequest(hostHeader: string | undefined): { cloud: CloudName; azureHost?: string } {
  const hostname = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  const route = hostname ? routeOfHost(hostname) : undefined;
  return route ? { cloud: route.cloud, azureHost: hostname } : { cloud: 'public' };
}
