// A recording HTTP proxy for tests: it accepts CONNECT, terminates TLS itself with a certificate the
// sandbox CA issues for the requested host, keeps every byte the client sends (WebSocket frames
// unmasked, so AMQP over WebSockets is readable too) and forwards to the real target over TLS. It lets
// a test see which credential went to which host, stage by stage.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { connect, TLSSocket } from 'node:tls';
import { issueServerCertificate, type CertificateAuthority } from '../../src/sandbox/ca';

export interface RecordedTunnel {
  /** The CONNECT target, host:port. */
  readonly target: string;
  /** What the client sent inside the tunnel, decrypted (WebSocket payloads unmasked). */
  readonly text: () => string;
}

export interface RecordingProxy {
  readonly url: string;
  tunnels(): readonly RecordedTunnel[];
  stop(): Promise<void>;
}

/** Client→server WebSocket frames are masked (RFC 6455 §5.3): unmask them so the payload reads as sent. */
function unmaskWebSocketFrames(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 2 <= data.length) {
    const second = data[i + 1] as number;
    let length = second & 0x7f;
    let offset = i + 2;
    if (length === 126) {
      length = data.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(offset));
      offset += 8;
    }
    const masked = (second & 0x80) !== 0;
    const mask = masked ? data.subarray(offset, offset + 4) : undefined;
    offset += masked ? 4 : 0;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (mask) {
      for (let k = 0; k < payload.length; k++) {
        payload[k] = (payload[k] as number) ^ (mask[k % 4] as number);
      }
    }
    out.push(payload);
    i = offset + length;
  }
  return Buffer.concat(out);
}

/** Splits an HTTP upgrade request from the WebSocket frames after it, and unmasks those. */
function readable(stream: Buffer): string {
  const text = stream.toString('latin1');
  const upgrade = /^GET [^\r\n]* HTTP\/1\.1\r\n(?:[^\r\n]*\r\n)*?Upgrade: websocket\r\n(?:[^\r\n]*\r\n)*?\r\n/im.exec(text);
  if (!upgrade) {
    return text;
  }
  const end = upgrade.index + upgrade[0].length;
  return text.slice(0, end) + unmaskWebSocketFrames(stream.subarray(Buffer.byteLength(text.slice(0, end), 'latin1'))).toString('latin1');
}

export async function startRecordingProxy(ca: CertificateAuthority): Promise<RecordingProxy> {
  const tunnels: RecordedTunnel[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const target = req.url ?? '';
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(colon + 1));
    const chunks: Buffer[] = [];
    tunnels.push({ target, text: () => readable(Buffer.concat(chunks)) });
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) {
      client.unshift(head);
    }
    const certificate = issueServerCertificate(ca, [host]);
    const inner = new TLSSocket(client, { isServer: true, key: certificate.keyPem, cert: certificate.certPem });
    const upstream = connect({ host, port, ca: ca.certPem, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    sockets.add(upstream);
    inner.on('data', (data: Buffer) => {
      chunks.push(Buffer.from(data));
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => inner.write(data));
    const close = (): void => {
      inner.destroy();
      upstream.destroy();
      client.destroy();
    };
    inner.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => [...tunnels],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
