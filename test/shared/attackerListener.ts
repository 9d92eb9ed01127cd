// The attacker's host of security issue #13: a TCP listener on 127.0.0.2:8443 that counts every
// connection it is offered (and drops it). A test passes only if it never sees one.
import { createServer } from 'node:net';

export interface AttackerListener {
  connections(): number;
  close(): Promise<void>;
}

export async function startAttackerListener(host = '127.0.0.2', port = 8443): Promise<AttackerListener> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { connections: () => count, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
