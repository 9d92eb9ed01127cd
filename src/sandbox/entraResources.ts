/**
 * Which resources the sandbox tenant issues tokens for, per cloud: Entra answers any other with
 * AADSTS500011 (wire facts §1.4, §8).
 */
import { CLOUDS, type CloudName } from '../core/model/cloud';
import { normalizeResource } from './faults';

/** App ID URIs of first-party resources the demo tenant has service principals for (normalized), per cloud. */
const PUBLIC_RESOURCES = [
  'https://vault.azure.net',
  'https://eventhubs.azure.net',
  'https://servicebus.azure.net',
  'https://management.azure.com',
  'https://management.core.windows.net',
  'https://storage.azure.com',
  'https://database.windows.net',
  'https://graph.microsoft.com',
  'https://api.fabric.microsoft.com',
  'https://analysis.windows.net/powerbi/api',
];
/**
 * A sovereign tenant knows its own cloud's vault and management resources, not the public ones (a
 * public audience there is AADSTS500011); Event Hubs uses https://eventhubs.azure.net in every cloud
 * (wire facts §8, the docs' "same for all clouds").
 */
const KNOWN_RESOURCES: Readonly<Record<CloudName, ReadonlySet<string>>> = {
  public: new Set(PUBLIC_RESOURCES),
  china: new Set(['https://vault.azure.cn', 'https://eventhubs.azure.net', 'https://servicebus.azure.net', 'https://management.chinacloudapi.cn', 'https://management.core.chinacloudapi.cn']),
  usgov: new Set(['https://vault.usgovcloudapi.net', 'https://eventhubs.azure.net', 'https://servicebus.azure.net', 'https://management.usgovcloudapi.net', 'https://management.core.usgovcloudapi.net']),
};
/** Entra also issues tokens for a vault's or a namespace's own host (Kafka uses the namespace). */
function knownResourceHost(resource: string, cloud: CloudName): boolean {
  const { hostname } = new URL(resource);
  const { keyVaultSuffix, eventHubsSuffix } = CLOUDS[cloud];
  return resource === `https://${hostname}` && [keyVaultSuffix, eventHubsSuffix].some((suffix) => /^[a-z0-9-]+$/.test(hostname.slice(0, -suffix.length)) && hostname.endsWith(suffix));
}

export function isKnownResource(resource: string, cloud: CloudName): boolean {
  const normalized = normalizeResource(resource);
  if (/\/\.default$/i.test(resource.replace(/\/+$/, ''))) {
    return false; // `…/.default` is a v2 scope, never a resource (AADSTS500011).
  }
  return KNOWN_RESOURCES[cloud].has(normalized) || (URL.canParse(normalized) && knownResourceHost(normalized, cloud));
}
