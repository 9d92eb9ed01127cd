/**
 * The Event Hubs namespace peer: one TLS port serves AMQP, AMQP over WebSockets and the REST
 * API, as `{ns}.servicebus.windows.net` does on 5671/443; a second, plain TCP port is the
 * emulator transport (`UseDevelopmentEmulator=true`). Loopback only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { createAmqpPeer } from './eventHubsAmqp';
import { PartitionChooser, createNamespace } from './eventHubsCommon';
import { NetworkDelay, checkLatency, handshakeDelayOptions } from './eventHubsLatency';
import { createRestHandler } from './eventHubsRest';
import { PartitionThrottle } from './eventHubsThrottle';
import type { EventRecorder, FaultRegistry, TlsMaterial, TokenVerifier, WorldState } from './internal';
import type { IngressLimitController, PartitionLimit } from './types';

export interface EventHubsPeerDeps {
  tls: TlsMaterial;
  world: WorldState;
  faults: FaultRegistry;
  tokens: TokenVerifier;
  recorder: EventRecorder;
  port?: number;
  emulatorPort?: number;
  /** Simulated round trip before each answer (REST response, AMQP open, disposition, $cbs / $management response). */
  latencyMs?: number;
  /** Ingress limit per partition; off when absent. */
  partitionLimit?: PartitionLimit;
}

export interface EventHubsPeer {
  readonly port: number;
  readonly emulatorPort: number;
  stop(): Promise<void>;
  /** connectionRefused: stop listening (open connections stay) until called with false. */
  setRefusing(refuse: boolean): Promise<void>;
  readonly ingress: IngressLimitController;
}

const WEBSOCKET_PATH = '/$servicebus/websocket';
const WEBSOCKET_PROTOCOL = 'AMQPWSB10';
/** Every AMQP connection starts with the protocol header `AMQP…`; no HTTP method starts with `A`. */
const AMQP_FIRST_BYTE = 0x41;

export async function startEventHubsPeer(deps: EventHubsPeerDeps): Promise<EventHubsPeer> {
  const ns = createNamespace();
  const chooser = new PartitionChooser(deps.world.partitionIds);
  const auth = { world: deps.world, tokens: deps.tokens, ns };
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let tlsPort = deps.port ?? 0;
  let emulatorPort = deps.emulatorPort ?? 0;
  const delay = new NetworkDelay(checkLatency(deps.latencyMs));
  const throttle = new PartitionThrottle(deps.partitionLimit);

  const amqp = createAmqpPeer({ ...auth, faults: deps.faults, recorder: deps.recorder, chooser, throttle, delay });
  const rest = createRestHandler({ ...auth, faults: deps.faults, recorder: deps.recorder, chooser, port: () => tlsPort, held, throttle });
  // Each REST request waits one simulated round trip before it is handled (and answered).
  const http = createHttpServer((req, res) => delay.after(() => rest(req, res)));
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
  });
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    if (path !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => amqp.acceptWebSocket(ws));
  });

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  // Reads the first bytes of a secure connection, puts them back and hands the socket on.
  const onSecureConnection = (socket: TLSSocket): void => {
    track(socket);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === AMQP_FIRST_BYTE) {
        // A firewall blocking 5671: AMQP over TLS is cut, while WebSockets and REST (HTTP on 443) pass.
        if (deps.faults.take('eventHubs', { protocol: 'amqp' }, ['amqpPortBlocked'])) {
          socket.destroy();
          return;
        }
        // AMQP resumes the socket itself, once it is ready to read (after the simulated open round trip).
        amqp.acceptSocket(socket);
        return;
      }
      http.emit('connection', socket);
      socket.resume();
    });
  };

  let listeners: Server[] = [];

  const listenAll = async (): Promise<void> => {
    const tlsServer = (): Server => {
      const server = createTlsServer({ cert: deps.tls.certPem, key: deps.tls.keyPem, ...handshakeDelayOptions(delay.latencyMs, (step) => delay.after(step)) }, onSecureConnection);
      server.on('connection', track);
      server.on('tlsClientError', () => undefined);
      return server;
    };
    const plainServer = (): Server => {
      const server = createNetServer((socket) => {
        track(socket);
        amqp.acceptSocket(socket);
      });
      return server;
    };
    const primaryTls = tlsServer();
    tlsPort = await listen(primaryTls, '127.0.0.1', tlsPort);
    const primaryPlain = plainServer();
    emulatorPort = await listen(primaryPlain, '127.0.0.1', emulatorPort);
    listeners = [primaryTls, primaryPlain];
    // `localhost` may resolve to ::1 first elsewhere; listen there too when the host has IPv6.
    for (const [make, port] of [
      [tlsServer, tlsPort],
      [plainServer, emulatorPort],
    ] as const) {
      const server = make();
      try {
        await listen(server, '::1', port);
        listeners.push(server);
      } catch {
        server.close();
      }
    }
  };

  const closeListeners = async (): Promise<void> => {
    const closing = listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    listeners = [];
    // close() waits for open connections; refusing keeps them, so only wait for the listening handle.
    await Promise.race([Promise.all(closing), new Promise((resolve) => setImmediate(resolve))]);
  };

  await listenAll();
  ns.ports.add(tlsPort);
  ns.ports.add(emulatorPort);

  let refusing = false;
  let stopped = false;
  return {
    get port() {
      return tlsPort;
    },
    get emulatorPort() {
      return emulatorPort;
    },
    ingress: {
      setPartitionLimit: (limit) => throttle.set(limit),
      partitionLimit: () => throttle.current(),
    },
    async setRefusing(refuse: boolean) {
      if (stopped || refuse === refusing) {
        return;
      }
      refusing = refuse;
      if (refuse) {
        await closeListeners();
      } else {
        await listenAll();
      }
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      // Answers still on their way are dropped: their timers must not keep the process alive.
      delay.stop();
      const closing = listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      listeners = [];
      amqp.closeAll();
      for (const res of held) {
        res.destroy();
      }
      held.clear();
      for (const socket of sockets) {
        socket.destroy();
      }
      sockets.clear();
      wss.close();
      await Promise.all(closing);
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
