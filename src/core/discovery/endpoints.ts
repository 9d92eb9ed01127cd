/**
 * Where discovery goes, per cloud: Azure Resource Manager's endpoint and token audience, and the
 * Fabric REST API where the cloud has one (cloud.ts: public only; Azure China and US Government
 * have no Fabric REST API documented, so Fabric discovery there is refused with that reason).
 * Base URLs may be overridden (the sandbox's loopback peers); the token audience never is: it is
 * the real resource, as the sandbox's Entra issues it.
 */
import { ValidationError } from '../errors/errors';
import { CLOUDS, type CloudName } from '../model/cloud';
import type { CredentialDestination } from '../azure/credentialGuard';
import { connectAuthorityOf } from '../model/host';

/** Stable api-versions whose spec files the sandbox's peers are checked against (test/fixtures/specs/README.md). */
export const ARM_API_VERSIONS = { subscriptions: '2022-12-01', keyVault: '2024-11-01', eventHub: '2024-01-01' } as const;

export interface DiscoveryService {
  readonly service: 'fabric' | 'arm';
  /** e.g. https://api.fabric.microsoft.com (Fabric paths add /v1) or https://management.azure.com */
  readonly baseUrl: string;
  /** v2 scope for the token: `<resource>/.default`. */
  readonly scope: string;
  /** Where the bearer token may be sent: the base URL's host only. */
  readonly destination: CredentialDestination;
}

function destinationFor(credential: string, field: string, baseUrl: string): CredentialDestination {
  return { credential, field, hosts: [connectAuthorityOf(baseUrl).replace(/:443$/, '')] };
}

function checkedBase(url: string, field: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(field, `'${url}' is not a URL.`, 'Give an https:// URL.');
  }
  if (parsed.protocol !== 'https:' || parsed.pathname.replace(/\/+$/, '') !== '' || parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ValidationError(field, `'${url}' must be an https:// origin with no path, query or credentials.`, 'Give only https://host[:port].');
  }
  return parsed.origin;
}

export function fabricService(cloud: CloudName, baseUrl?: string): DiscoveryService {
  const endpoint = CLOUDS[cloud].fabricApiEndpoint;
  if (!endpoint) {
    throw new ValidationError(
      'cloud',
      `${CLOUDS[cloud].displayName} has no Fabric REST API (Fabric's API is documented for the public cloud only: api.fabric.microsoft.com).`,
      'Discover Azure resources instead, or type the Eventstream namespace, event hub and key into the profile.',
    );
  }
  const base = checkedBase(baseUrl ?? endpoint, 'fabric endpoint');
  return { service: 'fabric', baseUrl: base, scope: `${endpoint}/.default`, destination: destinationFor('the Fabric token', 'fabric endpoint', base) };
}

export function armService(cloud: CloudName, baseUrl?: string): DiscoveryService {
  const endpoint = CLOUDS[cloud].armEndpoint;
  const base = checkedBase(baseUrl ?? endpoint, 'resource manager endpoint');
  return { service: 'arm', baseUrl: base, scope: `${endpoint}/.default`, destination: destinationFor('the Resource Manager token', 'resource manager endpoint', base) };
}
