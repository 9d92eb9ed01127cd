// A request through a proxy that never answers CONNECT: cancelling the request must close the
// tunnel's connection to the proxy at once, not when the tunnel's own timeout fires (the CLI
// would otherwise stay alive that long after Ctrl+C or a stage timeout).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpsRequest } from '../../../src/core/azure/http';

let silentProxy: Server;
let port = 0;
const accepted: Socket[] = [];

before(async () => {
  // Accepts the TCP connection, reads CONNECT, never answers (a proxy or firewall that swallows).
  silentProxy = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  silentProxy.listen(0, '127.0.0.1');
  await once(silentProxy, 'listening');
  port = (silentProxy.address() as { port: number }).port;
});
after(async () => {
  for (const socket of accepted) {
    socket.destroy();
  }
  silentProxy.close();
  await once(silentProxy, 'close');
});

describe('proxy tunnel: cancellation', () => {
  it('closes the connection to a silent proxy as soon as the request is cancelled', async () => {
    const controller = new AbortController();
    const request = httpsRequest({
      method: 'GET',
      url: 'https://login.microsoftonline.com/common/discovery/instance',
      signal: controller.signal,
      timeoutMs: 60_000,
      proxy: { url: `http://127.0.0.1:${port}` },
    });
    request.catch(() => undefined);
    while (accepted.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const tunnel = accepted[0] as Socket;
    const closed = once(tunnel, 'close');
    controller.abort();
    const cancelledAt = Date.now();
    await assert.rejects(request);
    await closed;
    const waited = Date.now() - cancelledAt;
    assert.ok(waited < 3000, `the request and its tunnel to the proxy ended ${waited} ms after the cancel`);
  });
});
