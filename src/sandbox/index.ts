/**
 * The local sandbox: Entra ID, Key Vault and Event Hubs peers on loopback, sharing one CA,
 * one demo world, one fault registry and one token issuer.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionProfile } from '../core/model/profile';
import type { CertificateAuthority } from './ca';
import { startEntraPeer } from './entra';
import { startEventHubsPeer } from './eventHubs';
import { Faults } from './faults';
import type { TlsMaterial } from './internal';
import { TokenIssuer } from './jwt';
import { startKeyVaultPeer } from './keyVault';
import { ReceivedLog } from './receivedLog';
import { resolveCa, tlsMaterialFor } from './tls';
import type { Peer, Sandbox, SandboxOptions } from './types';
import { World } from './world';

export type { Sandbox, SandboxOptions, SandboxUrls, DemoWorld, FaultSpec, FaultKind, FaultController, ReceivedEvent, ReceivedEventLog, Peer } from './types';
export { createCertificateAuthority, issueServerCertificate, loadCaFromEnv } from './ca';

/** What tests (and the other peers' tests) may reach behind the public API. */
export interface SandboxInternals {
  readonly world: World;
  readonly faults: Faults;
  readonly issuer: TokenIssuer;
  readonly recorder: ReceivedLog;
  readonly tls: TlsMaterial;
  readonly ca: CertificateAuthority;
  /** Resolves once listener changes from connectionRefused faults have been applied. */
  settled(): Promise<void>;
}

const internalsBySandbox = new WeakMap<Sandbox, SandboxInternals>();

export function sandboxInternals(sandbox: Sandbox): SandboxInternals {
  const found = internalsBySandbox.get(sandbox);
  if (!found) {
    throw new Error('Not a sandbox made by startSandbox().');
  }
  return found;
}

interface Stoppable {
  stop(): Promise<void>;
  setRefusing(refuse: boolean): Promise<void>;
}

/**
 * Starts every peer. Costs: the CA (~100 ms, skipped when the test runner made one), one leaf
 * certificate per CA per process (~100 ms, cached) and the token-signing key (~50 ms);
 * listening itself is immediate.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ca = resolveCa(options.ca);
  const tls = tlsMaterialFor(ca);
  const world = new World();
  const faults = new Faults();
  const issuer = new TokenIssuer();
  const recorder = new ReceivedLog();

  const started: Stoppable[] = [];
  const track = <T extends Stoppable>(peer: T): T => {
    started.push(peer);
    return peer;
  };
  let entra, keyVault, eventHubs;
  try {
    entra = track(await startEntraPeer({ tls, world, faults, issuer, tokenLifetimeSeconds: options.tokenLifetimeSeconds, port: options.ports?.entra, latencyMs: options.latencyMs }));
    keyVault = track(await startKeyVaultPeer({ tls, world, faults, tokens: issuer, port: options.ports?.keyVault, latencyMs: options.latencyMs }));
    eventHubs = track(
      await startEventHubsPeer({ tls, world, faults, tokens: issuer, recorder, port: options.ports?.eventHubs, emulatorPort: options.ports?.emulator }),
    );
  } catch (error) {
    await Promise.allSettled(started.map((peer) => peer.stop()));
    throw error;
  }

  // connectionRefused is a listener-level fault: the sandbox closes and reopens the peers' listeners.
  const peers: Record<Peer, Stoppable> = { entra, keyVault, eventHubs };
  const refusing: Record<Peer, boolean> = { entra: false, keyVault: false, eventHubs: false };
  let pending: Promise<unknown> = Promise.resolve();
  faults.onChange(() => {
    for (const peer of Object.keys(peers) as Peer[]) {
      const refuse = faults.isRefusing(peer);
      if (refuse !== refusing[peer]) {
        refusing[peer] = refuse;
        pending = Promise.all([pending, peers[peer].setRefusing(refuse)]);
      }
    }
  });

  const urls = {
    authorityHost: entra.authorityHost,
    vaultUrl: keyVault.vaultUrl,
    namespace: `localhost:${eventHubs.port}`,
    emulatorNamespace: `localhost:${eventHubs.emulatorPort}`,
  };
  const demo = world.demo();
  let stopping: Promise<void> | undefined;

  const sandbox: Sandbox = {
    urls,
    caPem: ca.certPem,
    world: demo,
    faults,
    received: recorder,
    profile(overrides = {}): ConnectionProfile {
      return {
        id: overrides.id ?? randomUUID(),
        name: overrides.name ?? 'Sandbox demo',
        cloud: 'public',
        authorityHost: urls.authorityHost,
        keyVault: {
          vaultUrl: urls.vaultUrl,
          auth: {
            kind: 'servicePrincipal',
            tenantId: demo.tenantId,
            clientId: demo.reader.clientId,
            clientSecret: demo.reader.clientSecret,
            tokenRequest: 'pipeline',
          },
          clientIdSecret: { name: demo.secrets.clientIdName },
          clientSecretSecret: { name: demo.secrets.clientSecretName },
        },
        eventHubsToken: { tenantId: demo.tenantId, endpointVersion: 'v1' },
        endpoint: { namespace: urls.namespace, eventHubName: demo.eventHubName, auth: { kind: 'entra' }, protocol: overrides.protocol ?? 'rest' },
        trustedCaPem: ca.certPem,
      };
    },
    stop(): Promise<void> {
      stopping ??= pending
        .catch(() => undefined)
        .then(() => Promise.allSettled(started.map((peer) => peer.stop())))
        .then(() => undefined);
      return stopping;
    },
  };
  internalsBySandbox.set(sandbox, {
    world,
    faults,
    issuer,
    recorder,
    tls,
    ca,
    settled: () => pending.then(() => undefined),
  });
  return sandbox;
}
