/**
 * The sandbox's HTTP proxy: a CONNECT-only forward proxy on loopback, like the corporate proxies
 * the flow must pass. It routes real Azure host names (every cloud's authority, vaults and Event
 * Hubs namespaces, see routes.ts) to the sandbox peers, passes loopback targets through, and
 * answers 502 for anything else, as a proxy that cannot reach a host does. It can demand Basic
 * credentials (407), and records every tunnel it was asked for.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { routeOfHost } from './routes';
import type { Peer, ProxyTunnel, SandboxProxy } from './types';

export interface ProxyDeps {
  /** The peers' TLS ports (read on each CONNECT: a refused peer re-listens on the same port). */
  readonly peerPorts: () => Readonly<Record<Peer, number>>;
  readonly port?: number;
}

export interface ProxyPeer extends SandboxProxy {
  readonly port: number;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** `host:port` of a CONNECT request target (IPv6 in brackets). */
function parseAuthority(target: string | undefined): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(target ?? '');
  if (!match?.[1] || !match[2]) {
    return undefined;
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) {
    return undefined;
  }
  return { host: match[1].replace(/^\[|\]$/g, '').toLowerCase(), port };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function startProxy(deps: ProxyDeps): Promise<ProxyPeer> {
  const tunnels: ProxyTunnel[] = [];
  const sockets = new Set<Socket>();
  let credentials: { user: string; password: string } | undefined;

  const answer = (client: Socket, status: number, reason: string, headers: Record<string, string> = {}): void => {
    const lines = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Content-Length: 0', 'Connection: close', '', ''];
    client.end(lines.join('\r\n'));
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (!credentials) {
      return true;
    }
    const header = req.headers['proxy-authorization'];
    const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}`;
    return typeof header === 'string' && sameText(header.trim(), expected);
  };

  const server: Server = createServer((_req, res) => {
    // A forward proxy for plain-http requests is not needed: every Azure call is https (CONNECT).
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'CONNECT' });
    res.end('The sandbox proxy only tunnels (CONNECT host:port).');
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const target = parseAuthority(req.url);
    const record = (tunnel: Omit<ProxyTunnel, 'at'>): void => {
      tunnels.push({ ...tunnel, at: new Date() });
    };
    if (!target) {
      record({ host: req.url ?? '', port: 0, status: 400 });
      answer(client, 400, 'Bad Request');
      return;
    }
    if (!authorized(req)) {
      record({ ...target, status: 407 });
      answer(client, 407, 'Proxy Authentication Required', { 'Proxy-Authenticate': 'Basic realm="Eventstream Flow sandbox proxy"' });
      return;
    }
    let upstreamPort: number | undefined;
    let routedTo: ProxyTunnel['routedTo'];
    if (LOOPBACK.has(target.host)) {
      upstreamPort = target.port;
      routedTo = 'loopback';
    } else {
      const route = routeOfHost(target.host);
      if (route && route.ports.includes(target.port)) {
        upstreamPort = deps.peerPorts()[route.peer];
        routedTo = route.peer;
      }
    }
    if (upstreamPort === undefined || routedTo === undefined) {
      // A real proxy that cannot resolve or reach the host answers 502.
      record({ ...target, status: 502 });
      answer(client, 502, 'Bad Gateway');
      return;
    }
    const upstreamHost = routedTo === 'loopback' && isIP(target.host) ? target.host : '127.0.0.1';
    const upstream = connect({ host: upstreamHost, port: upstreamPort });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    let established = false;
    upstream.once('connect', () => {
      established = true;
      record({ ...target, status: 200, routedTo });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        upstream.write(head);
      }
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!established) {
        record({ ...target, status: 502, routedTo });
        answer(client, 502, 'Bad Gateway');
      } else {
        client.destroy();
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: deps.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    tunnels: () => [...tunnels],
    clearTunnels: () => {
      tunnels.splice(0);
    },
    requireCredentials(user: string, password: string) {
      credentials = { user, password };
    },
    allowAnonymous() {
      credentials = undefined;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        sockets.clear();
        server.close(() => resolve());
      });
      return stopping;
    },
  };
}
