/**
 * What every HTTPS peer of the sandbox (Entra ID, Key Vault, and the REST peers beside them) is
 * given and hands back: the TLS material, the world and its faults in; a loopback server whose
 * port, stop, refusal and presented certificate the sandbox controls, out.
 */
import type { IncomingMessage } from 'node:http';
import { holdForever, LoopbackHttpsServer, type RequestHandler, resetConnection } from './http';
import type { FaultRegistry, TlsMaterial } from './internal';
import type { FaultKind } from './types';
import type { World } from './world';

export interface PeerDeps {
  readonly tls: TlsMaterial;
  readonly world: World;
  readonly faults: FaultRegistry;
  readonly port?: number;
  /** Added before each answer, to stand in for a real network round trip (benchmarks). */
  readonly latencyMs?: number;
  readonly now?: () => number;
}

export interface PeerControls {
  readonly port: number;
  stop(): Promise<void>;
  setRefusing(refuse: boolean): Promise<void>;
  /** The certificate new connections see (untrustedCertificate faults). */
  presentCertificate(material: TlsMaterial): void;
}

/** Starts a peer's loopback HTTPS server on `deps.port` (0: any free port). */
export async function startPeerServer(deps: PeerDeps, name: string, handle: RequestHandler): Promise<LoopbackHttpsServer> {
  const server = new LoopbackHttpsServer(deps.tls, handle, name, deps.latencyMs);
  await server.start(deps.port ?? 0);
  return server;
}

/** The controls of a started server; a peer adds its own addresses beside them. */
export function peerControls(server: LoopbackHttpsServer): PeerControls {
  return {
    get port() {
      return server.port;
    },
    stop: () => server.stop(),
    setRefusing: (refuse) => server.setRefusing(refuse),
    presentCertificate: (material) => server.presentCertificate(material),
  };
}

/** The transport faults every peer answers alike: reset the connection, or never answer. True when it did. */
export function dropped(req: IncomingMessage, fault: FaultKind | undefined): boolean {
  if (fault === 'connectionReset') {
    resetConnection(req);
    return true;
  }
  if (fault === 'timeout') {
    holdForever(req);
    return true;
  }
  return false;
}

/** A request path's segments, URL-decoded, empty ones dropped (`//secrets/x/` → secrets, x); undefined when one does not decode. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
