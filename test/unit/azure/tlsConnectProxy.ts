// A minimal CONNECT proxy spoken to over TLS (an https:// proxy) that tunnels to loopback ports:
// the proxy tests use it to check which certificate is verified where.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';

/** Starts the proxy with `cert` on an ephemeral loopback port; the caller closes the server. */
export async function startTlsConnectProxy(cert: { certPem: string; keyPem: string }): Promise<{ server: HttpsServer; port: number }> {
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const port = Number((req.url ?? '').split(':')[1]);
    const upstream = netConnect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}
