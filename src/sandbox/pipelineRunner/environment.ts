/**
 * The runner's view of a started sandbox: where each peer listens, the CA to trust, and the
 * factory's (or workspace's) managed identity, which the sandbox adds to its tenant on first use
 * with the role the export's description asks for (Key Vault Secrets User on the vault).
 */
import { randomUUID } from 'node:crypto';
import { routeOfHost } from '../routes';
import type { SandboxUrls } from '../types';
import { newClientSecretValue, type World } from '../world';
import type { RunnerEnvironment } from './runner';
import type { PeerRoute } from './webRequest';

export interface ManagedIdentity {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly objectId: string;
}

const identities = new WeakMap<World, ManagedIdentity>();

/** The factory's system-assigned managed identity in this world (made once per world). */
export function managedIdentityOf(world: World): ManagedIdentity {
  let identity = identities.get(world);
  if (!identity) {
    identity = { clientId: randomUUID(), clientSecret: newClientSecretValue(), objectId: randomUUID() };
    world.apps.set(identity.clientId, { displayName: 'esf-factory (managed identity)', secret: identity.clientSecret, secretExpired: false, objectId: identity.objectId });
    world.roles.set(identity.clientId, new Set(['Key Vault Secrets User']));
    identities.set(world, identity);
  }
  return identity;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Loopback URLs on a peer's port, and the real Azure host names the sandbox proxy also routes. */
export function peerRoute(urls: SandboxUrls): PeerRoute {
  const ports = {
    entra: Number(new URL(urls.authorityHost).port),
    keyVault: Number(new URL(urls.vaultUrl).port),
    eventHubs: Number(new URL(`https://${urls.namespace}`).port),
  };
  const served = new Set(Object.values(ports));
  return (url) => {
    if (LOOPBACK.has(url.hostname.toLowerCase())) {
      const port = Number(url.port || 443);
      return served.has(port) ? { host: '127.0.0.1', port } : undefined;
    }
    const peer = routeOfHost(url.hostname)?.peer;
    // Only the three data-plane peers: a Web activity of these pipelines never calls Fabric or ARM.
    return (peer === 'entra' || peer === 'keyVault' || peer === 'eventHubs') && Number(url.port || 443) === 443 ? { host: '127.0.0.1', port: ports[peer] } : undefined;
  };
}

export interface RunnerEnvironmentOptions {
  /** `pipeline().DataFactory`: the factory name, or the Fabric workspace id. */
  readonly factoryName: string;
  readonly timeScale?: number;
  readonly strictSecrets?: boolean;
}

export function runnerEnvironment(parts: { world: World; urls: SandboxUrls; caPem: string; tenantId: string }, options: RunnerEnvironmentOptions): RunnerEnvironment {
  const identity = managedIdentityOf(parts.world);
  return {
    caPem: parts.caPem,
    route: peerRoute(parts.urls),
    managedIdentity: { authorityHost: parts.urls.authorityHost, tenantId: parts.tenantId, clientId: identity.clientId, clientSecret: identity.clientSecret },
    factoryName: options.factoryName,
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.strictSecrets !== undefined ? { strictSecrets: options.strictSecrets } : {}),
  };
}
