import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

/**
 * A keep-alive HTTPS agent that can open a connection before its first request (issue #8). A cold
 * flow reaches three hosts one after another (Entra ID, Key Vault, Event Hubs), and on a real
 * network each new connection costs the TCP and TLS handshakes, two round trips, before the request
 * can start. The flow knows all three hosts from the profile at once, so it opens the later ones
 * while stage 1 waits for its token: the handshakes overlap the wait instead of following it.
 *
 * Node's agent has no public way to add a ready socket to its pool, so this one hands a pre-opened
 * socket over from `createConnection`, the hook the agent calls when it needs a new connection. The
 * socket is opened with the agent's own TLS options and the host's name, and filed under the pool
 * name Node gives a request to that host (`getName`: host, port, server name, TLS options), so only a
 * request that would have opened the very same connection takes it; one with its own server name,
 * Host header or identity check opens its own. Nothing is written to it before a request takes it.
 */
export class PreconnectAgent extends HttpsAgent {
  private readonly early = new Map<string, { readonly socket: TLSSocket; readonly release: () => void }[]>();

  constructor(
    options: AgentOptions,
    /** How long an unused pre-opened connection is kept before it is closed. */
    private readonly unusedMs = 30_000,
  ) {
    super(options);
  }

  /**
   * Makes sure `count` connections to host:port are ready for the requests about to come: opens as
   * many as are missing from those idle in the pool and those already pre-opened. Never throws and
   * never keeps the process alive; a failed connection is simply dropped (the request that follows
   * opens its own and reports the error).
   */
  preconnect(host: string, port: number, count = 1): void {
    const key = this.poolNameOf(host, port);
    for (let i = this.readyFor(key); i < count; i++) {
      this.open(key, { ...this.options, host, port, ...(isIP(host) ? {} : { servername: host }) });
    }
  }

  /** Whether a connection to host:port waits here, opened early or idle in the pool. */
  holds(host: string, port: number): boolean {
    return this.readyFor(this.poolNameOf(host, port)) > 0;
  }

  /** Connections under pool name `key` a request could take now: opened early or idle in the pool. */
  private readyFor(key: string): number {
    return (this.early.get(key)?.length ?? 0) + (this.freeSockets[key]?.length ?? 0);
  }

  /** The pool name Node's agent gives a request to host:port with no options of its own (its server name is the host). */
  private poolNameOf(host: string, port: number): string {
    return this.getName({ ...this.options, host, port, servername: host });
  }

  private open(key: string, options: ConnectionOptions): void {
    let socket: TLSSocket;
    try {
      socket = tlsConnect(options);
    } catch {
      return;
    }
    socket.unref();
    const forget = (): void => {
      const list = (this.early.get(key) ?? []).filter((e) => e.socket !== socket);
      if (list.length > 0) {
        this.early.set(key, list);
      } else {
        this.early.delete(key);
      }
    };
    const drop = (): void => {
      forget();
      socket.destroy();
    };
    socket.once('error', drop);
    socket.once('close', drop);
    const unused = setTimeout(drop, this.unusedMs);
    unused.unref();
    // Taken by a request: from then on the agent and the request own its errors and its close.
    const release = (): void => {
      forget();
      clearTimeout(unused);
      socket.off('error', drop);
      socket.off('close', drop);
      socket.ref();
    };
    this.early.set(key, [...(this.early.get(key) ?? []), { socket, release }]);
  }

  /** How many pre-opened connections wait for a request (a test hook). */
  get waiting(): number {
    return [...this.early.values()].reduce((n, list) => n + list.length, 0);
  }

  override createConnection(options: ConnectionOptions, callback?: (error: Error | null, socket: Duplex) => void): Duplex | null | undefined {
    // A request that checks the server's identity its own way gets a connection checked its way.
    const early = options.checkServerIdentity ? undefined : this.early.get(this.getName(options))?.find((e) => !e.socket.destroyed);
    if (early) {
      early.release();
      return early.socket;
    }
    return super.createConnection(options, callback);
  }

  override destroy(): void {
    for (const list of this.early.values()) {
      list.forEach(({ socket }) => socket.destroy());
    }
    this.early.clear();
    super.destroy();
  }
}
