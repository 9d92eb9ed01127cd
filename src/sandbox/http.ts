/**
 * Shared plumbing of the HTTPS peers: loopback-only listeners that can refuse connections on
 * demand, socket tracking so `stop()` always lets the process exit, and small request helpers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequestRaw, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { handshakeDelayOptions } from './eventHubsLatency';
import type { TlsMaterial } from './internal';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** 127.0.0.1 always; ::1 too when the machine has it, because `localhost` may resolve to either. */
const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

/**
 * One HTTPS peer listening on 127.0.0.1 (and ::1 when available) on the same port.
 * Never binds a non-loopback address.
 */
export class LoopbackHttpsServer {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private refusing = false;
  private stopped = false;
  /** The certificate presented to new connections: `tls`, or another CA's during an untrustedCertificate fault. */
  private presented: TlsMaterial | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly tls: TlsMaterial,
    private readonly handler: RequestHandler,
    private readonly name: string,
    /** Added before each answer, to stand in for a real network round trip (benchmarks). */
    private readonly latencyMs = 0,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async start(port = 0): Promise<void> {
    // An ephemeral port free on 127.0.0.1 may be taken on ::1: try a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.listenAll(port);
        return;
      } catch (error) {
        await this.closeServers();
        if (port !== 0 || attempt >= 4 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
          throw error;
        }
      }
    }
  }

  /** Close the listeners (and drop open connections) so new connections get ECONNREFUSED; re-listen on the same port. */
  setRefusing(refuse: boolean): Promise<void> {
    // Serialized, so a quick refuse → accept → refuse never leaves a listener behind.
    this.queue = this.queue.then(async () => {
      if (this.stopped || refuse === this.refusing) {
        return;
      }
      this.refusing = refuse;
      if (refuse) {
        await this.closeServers();
      } else {
        await this.listenAll(this.boundPort);
      }
    });
    return this.queue;
  }

  /** Presents `material` to new handshakes and drops open connections, so every client handshakes again. */
  presentCertificate(material: TlsMaterial): void {
    this.presented = material;
    for (const server of this.servers) {
      server.setSecureContext({ cert: material.certPem, key: material.keyPem });
    }
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
  }

  stop(): Promise<void> {
    this.queue = this.queue
      .catch(() => undefined)
      .then(async () => {
        this.stopped = true;
        await this.closeServers();
      });
    return this.queue;
  }

  private async listenAll(port: number): Promise<void> {
    let chosen = port;
    for (const host of LOOPBACK_HOSTS) {
      const server = this.createOne();
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port: chosen, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // No IPv6 loopback on this machine: 127.0.0.1 alone is fine.
        if (host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
          continue;
        }
        throw error;
      }
      this.servers.push(server);
      const address = server.address();
      if (chosen === 0 && address !== null && typeof address === 'object') {
        chosen = address.port;
      }
    }
    this.boundPort = chosen;
  }

  private createOne(): Server {
    const material = this.presented ?? this.tls;
    const server = createServer({ cert: material.certPem, key: material.keyPem, ...handshakeDelayOptions(this.latencyMs) }, (req, res) => {
      const delay = this.latencyMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, this.latencyMs)) : Promise.resolve();
      delay.then(() => this.handler(req, res)).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
        }
        res.end(`${this.name} sandbox peer failed: ${String(error)}`);
      });
    });
    // "timeout" faults hold requests forever; Node's own request timeouts must not end them.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Clients that abort the handshake are not the peer's problem.
    server.on('tlsClientError', () => undefined);
    return server;
  }

  private async closeServers(): Promise<void> {
    const servers = this.servers.splice(0);
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
    await Promise.all(closed);
  }
}

export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      throw new Error('request body too large');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(text);
}

/** Reset the connection without an HTTP answer (RST where the platform allows it). */
export function resetConnection(req: IncomingMessage): void {
  const socket = req.socket as Socket & { resetAndDestroy?: () => void };
  try {
    socket.resetAndDestroy?.();
  } catch {
    // TLS sockets may refuse a TCP reset; a plain destroy still ends the connection abruptly.
  }
  socket.destroy();
}

/** Never answer: the socket stays open until the client gives up or the peer stops. */
export function holdForever(_req: IncomingMessage): void {
  // Intentionally empty: LoopbackHttpsServer tracks the socket and destroys it on stop().
}

export function newRequestId(): string {
  return randomUUID();
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A bare HTTPS request to a loopback peer (tests, diagnostics): no keep-alive, no retries, and an
 * optional client-side timeout, so faults like reset and timeout are seen exactly as they happen.
 */
export function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequestRaw(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on('error', reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error(`timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    }
    req.end(options.body);
  });
}
