/**
 * The local sandbox: Entra ID, Key Vault and Event Hubs peers on loopback, sharing one CA,
 * one demo world, one fault registry and one token issuer.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionProfile } from '../core/model/profile';
import { createCertificateAuthority, issueServerCertificate, type CertificateAuthority } from './ca';
import { startEntraPeer } from './entra';
import { ARM_ROUTE_MODULES, ArmWorld, startArmPeer } from './arm';
import { startEventHubsPeer } from './eventHubs';
import { FABRIC_ROUTE_MODULES, FabricWorld, startFabricPeer } from './fabric';
import { Faults } from './faults';
import type { TlsMaterial } from './internal';
import { TokenIssuer } from './jwt';
import { startKeyVaultPeer } from './keyVault';
import { startProxy, type ProxyPeer } from './proxy';
import { attachPipelineRunner } from './pipelineRunner/host';
import { ReceivedLog } from './receivedLog';
import { resolveCa, tlsMaterialFor } from './tls';
import type { Peer, Sandbox, SandboxOptions } from './types';
import { World } from './world';

export type { Sandbox, SandboxOptions, SandboxUrls, DemoWorld, FaultSpec, FaultKind, FaultController, ReceivedEvent, ReceivedEventLog, Peer, ProxyTunnel, SandboxProxy, PartitionLimit, IngressLimitController, ThrottledSend } from './types';
export { createCertificateAuthority, issueServerCertificate, loadCaFromEnv } from './ca';
// The pipeline runner's per-sandbox settings and the sandbox factory: reached through this entry point so a bundle shares its instance.
export { pipelineHostOf } from './pipelineRunner/host';
export { SANDBOX_FACTORY_NAME } from './arm/dataFactory';

/** What tests (and the other peers' tests) may reach behind the public API. */
export interface SandboxInternals {
  readonly world: World;
  /** The Fabric and Resource Manager sides of the world (workspaces, eventstreams, subscriptions, roles). */
  readonly fabric: FabricWorld;
  readonly arm: ArmWorld;
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

/** SandboxOptions.keepReceived for a sandbox left running (the CLI's, the editor's). */
export const KEEP_RECEIVED_WHEN_LEFT_RUNNING = 100_000;

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
  const recorder = new ReceivedLog(options.keepReceived);
  const fabricWorld = new FabricWorld(world);
  const armWorld = new ArmWorld(world);

  const started: Stoppable[] = [];
  const track = <T extends Stoppable>(peer: T): T => {
    started.push(peer);
    return peer;
  };
  let entra, keyVault, eventHubs, fabric, arm;
  let proxy: ProxyPeer;
  try {
    entra = track(await startEntraPeer({ tls, world, faults, issuer, tokenLifetimeSeconds: options.tokenLifetimeSeconds, port: options.ports?.entra, latencyMs: options.latencyMs }));
    keyVault = track(await startKeyVaultPeer({ tls, world, faults, tokens: issuer, port: options.ports?.keyVault, latencyMs: options.latencyMs }));
    eventHubs = track(
      await startEventHubsPeer({ tls, world, faults, tokens: issuer, recorder, port: options.ports?.eventHubs, emulatorPort: options.ports?.emulator, latencyMs: options.latencyMs, partitionLimit: options.partitionLimit }),
    );
    const hubs = eventHubs;
    const vault = keyVault;
    fabric = track(await startFabricPeer({ tls, world, fabric: fabricWorld, faults, tokens: issuer, eventHubsPort: () => hubs.port, modules: FABRIC_ROUTE_MODULES, port: options.ports?.fabric, latencyMs: options.latencyMs }));
    arm = track(
      await startArmPeer({ tls, world, arm: armWorld, faults, tokens: issuer, eventHubsPort: () => hubs.port, keyVaultUrl: () => vault.vaultUrl, modules: ARM_ROUTE_MODULES, port: options.ports?.arm, latencyMs: options.latencyMs }),
    );
    const peers = { entra, keyVault, eventHubs, fabric, arm };
    proxy = await startProxy({
      peerPorts: () => ({ entra: peers.entra.port, keyVault: peers.keyVault.port, eventHubs: peers.eventHubs.port, fabric: peers.fabric.port, arm: peers.arm.port }),
      port: options.ports?.proxy,
    });
    track({ stop: () => proxy.stop(), setRefusing: () => Promise.resolve() });
  } catch (error) {
    await Promise.allSettled(started.map((peer) => peer.stop()));
    throw error;
  }

  // connectionRefused is a listener-level fault: the sandbox closes and reopens the peers' listeners.
  const peers: Record<Peer, Stoppable> = { entra, keyVault, eventHubs, fabric, arm };
  const refusing: Record<Peer, boolean> = { entra: false, keyVault: false, eventHubs: false, fabric: false, arm: false };
  let pending: Promise<unknown> = Promise.resolve();
  // untrustedCertificate is a listener-level fault too: the HTTPS peers present another CA's certificate.
  let inspectingProxyTls: TlsMaterial | undefined;
  const untrustedTls = (): TlsMaterial => {
    if (!inspectingProxyTls) {
      const other = createCertificateAuthority('Contoso TLS Inspection CA');
      const leaf = issueServerCertificate(other);
      inspectingProxyTls = { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: other.certPem };
    }
    return inspectingProxyTls;
  };
  const presenting = { entra: false, keyVault: false };
  const https = { entra, keyVault };
  faults.onChange(() => {
    for (const peer of ['entra', 'keyVault'] as const) {
      const untrusted = faults.isUntrusted(peer);
      if (untrusted !== presenting[peer]) {
        presenting[peer] = untrusted;
        https[peer].presentCertificate(untrusted ? untrustedTls() : tls);
      }
    }
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
    proxy: proxy.url,
    fabricApi: fabric.baseUrl,
    resourceManager: arm.baseUrl,
  };
  attachPipelineRunner(world, { urls, caPem: ca.certPem, tenantId: world.tenantId });
  const demo = world.demo();
  let stopping: Promise<void> | undefined;

  const sandbox: Sandbox = {
    urls,
    caPem: ca.certPem,
    world: demo,
    faults,
    received: recorder,
    proxy,
    ingress: eventHubs.ingress,
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
    fabric: fabricWorld,
    arm: armWorld,
    faults,
    issuer,
    recorder,
    tls,
    ca,
    settled: () => pending.then(() => undefined),
  });
  return sandbox;
}
