// httpsRequest's safety limits (security issue #13): no redirect is followed, a response body is
// capped, and timeoutMs is a deadline over the whole exchange, not an idle timeout.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpsRequest, HttpRedirectError, ResponseTooLargeError } from '../../../src/core/azure/http';
import { isCancelledError } from '../../../src/core/errors/errors';
import { explainError, formatExplainedError } from '../../../src/core/errors/explain';
import { neverAborted } from './sandboxFixture';

const TOKEN = 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJlLXNlY3JldA';
const CLIENT_SECRET = 'Zq8~client-secret-that-must-stay-home';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Resolves once the server saw the client's connection of `res` close. */
function closedByClient(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => (res.socket?.destroyed ? resolve() : res.socket?.once('close', () => resolve())));
}

void describe('httpsRequest: redirects are never followed', () => {
  /** The "other host": any request it receives would be a leak. */
  let elsewhere: Server;
  let elsewhereUrl = '';
  const leaked: IncomingHttpHeaders[] = [];
  let redirector: Server;
  let redirectorUrl = '';

  before(async () => {
    elsewhere = createServer((req, res) => {
      leaked.push(req.headers);
      req.resume();
      res.end('{"access_token":"x","expires_in":3600,"value":"x"}');
    });
    elsewhereUrl = await listen(elsewhere);
    // /<status>/... answers that status with a Location on the other server.
    redirector = createServer((req, res) => {
      req.resume();
      const status = Number(/^\/(\d{3})\//.exec(req.url ?? '')?.[1] ?? 302);
      res.writeHead(status, { Location: `${elsewhereUrl}/collect?from=${encodeURIComponent(req.url ?? '')}` });
      res.end('moved');
    });
    redirectorUrl = await listen(redirector);
  });

  after(async () => {
    await close(redirector);
    await close(elsewhere);
  });

  void it('rejects every 3xx with UnexpectedRedirect naming the Location origin; the other host gets no request', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      await assert.rejects(
        httpsRequest({
          method: 'POST',
          url: `${redirectorUrl}/${status}/tenant/oauth2/token`,
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `grant_type=client_credentials&client_id=a&client_secret=${encodeURIComponent(CLIENT_SECRET)}`,
          signal: neverAborted(),
        }),
        (error: unknown) => {
          assert.ok(error instanceof HttpRedirectError, String(error));
          assert.equal(error.code, 'UnexpectedRedirect');
          assert.equal(error.status, status);
          assert.equal(error.location, elsewhereUrl);
          assert.match(error.message, new RegExp(`HTTP ${status} with a redirect to ${elsewhereUrl.replace(/\./g, '\\.')};`));
          assert.doesNotMatch(error.message, /collect|from=/, 'the Location path and query are not echoed');
          return true;
        },
      );
    }
    // Give a (wrongly) followed request time to arrive before asserting it never did.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(leaked, []);
  });

  // The callers (readSecretRaw, requestClientCredentialsToken, the REST send) all go through
  // httpsRequest, which rejects before they look at the status: the requests are built here as they build them.
  void it('a Key Vault GET and an Entra token POST fail with an explained redirect that never carries the token or secret', async () => {
    const readError = await httpsRequest({
      method: 'GET',
      url: `${redirectorUrl}/307/secrets/client-id?api-version=7.0`,
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' },
      signal: neverAborted(),
    }).then(
      () => assert.fail('resolved'),
      (error: unknown) => error,
    );
    const explained = explainError(readError, { stage: 'readClientId', secrets: [TOKEN] });
    assert.equal(explained.code, 'UnexpectedRedirect');
    assert.equal(explained.source, 'network');
    assert.equal(explained.status, 307);
    assert.equal(explained.details?.location, elsewhereUrl);
    assert.equal(explained.explanation.summary, `The service redirected to ${elsewhereUrl}; the redirect was not followed.`);
    const text = formatExplainedError(explained);
    assert.match(text, /\[UnexpectedRedirect, HTTP 307\]/);
    assert.ok(!text.includes(TOKEN));

    const tokenError = await httpsRequest({
      method: 'POST',
      url: `${redirectorUrl}/302/tenant/oauth2/token`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client', client_secret: CLIENT_SECRET, resource: 'https://vault.azure.net' }).toString(),
      signal: neverAborted(),
    }).then(
      () => assert.fail('resolved'),
      (error: unknown) => error,
    );
    const e = explainError(tokenError, { stage: 'keyVaultToken', secrets: [CLIENT_SECRET] });
    assert.equal(e.code, 'UnexpectedRedirect');
    assert.equal(e.status, 302);
    assert.match(e.explanation.summary, new RegExp(elsewhereUrl.replace(/\./g, '\\.')));
    assert.ok(!formatExplainedError(e).includes(CLIENT_SECRET));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(leaked, [], 'no Authorization header or client_secret reached the other host');
  });
});

void describe('httpsRequest: the response body is capped', () => {
  let server: Server;
  let baseUrl = '';
  let lastClosed: Promise<void> = Promise.resolve();

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      lastClosed = closedByClient(res);
      if (req.url === '/declared') {
        // Declares a body bigger than the cap, then sends nothing: no need to wait for it.
        res.writeHead(200, { 'Content-Length': String(64 * 1024 * 1024) });
        res.flushHeaders();
        return;
      }
      // Endless: 64 KiB chunks for as long as the client reads.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {
          // keep writing until the socket buffer is full
        }
        if (!res.destroyed) {
          res.once('drain', pump);
        }
      };
      pump();
    });
    baseUrl = await listen(server);
  });

  after(async () => {
    await close(server);
  });

  void it('fails with ResponseTooLarge past maxResponseBytes and closes the connection', async () => {
    await assert.rejects(httpsRequest({ method: 'GET', url: `${baseUrl}/endless`, maxResponseBytes: 256 * 1024, signal: neverAborted() }), (error: unknown) => {
      assert.ok(error instanceof ResponseTooLargeError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
      assert.equal(error.limitBytes, 256 * 1024);
      assert.equal(error.message, `${baseUrl} answered more than 262144 bytes (the limit for this request); the rest was not read.`);
      return true;
    });
    await lastClosed;
  });

  void it('caps at 4 MiB by default, and explains the failure', async () => {
    const error = await httpsRequest({ method: 'GET', url: `${baseUrl}/endless`, signal: neverAborted() }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ResponseTooLargeError);
    assert.equal(error.limitBytes, 4 * 1024 * 1024);
    await lastClosed;
    const explained = explainError(error, { stage: 'send' });
    assert.equal(explained.code, 'ResponseTooLarge');
    assert.match(explained.explanation.summary, /far more data than expected/);
  });

  void it('fails before reading when Content-Length already exceeds the cap', async () => {
    await assert.rejects(httpsRequest({ method: 'GET', url: `${baseUrl}/declared`, maxResponseBytes: 1024, signal: neverAborted() }), {
      code: 'ResponseTooLarge',
    });
    await lastClosed;
  });
});

void describe('httpsRequest: timeoutMs is a deadline over the whole exchange', () => {
  let server: Server;
  let baseUrl = '';
  let lastClosed: Promise<void> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();

  before(async () => {
    // Headers at once, then one byte every 200 ms, forever: every read resets an idle timer.
    server = createServer((req, res) => {
      req.resume();
      lastClosed = closedByClient(res);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 200);
      timers.add(timer);
      res.once('close', () => clearInterval(timer));
    });
    baseUrl = await listen(server);
  });

  after(async () => {
    timers.forEach((timer) => clearInterval(timer));
    await close(server);
  });

  void it('fails a trickling answer with the ETIMEDOUT timeout error and closes the connection', async () => {
    const error = await httpsRequest({ method: 'GET', url: `${baseUrl}/trickle`, timeoutMs: 1000, signal: neverAborted() }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.equal((error as NodeJS.ErrnoException).code, 'ETIMEDOUT');
    assert.equal((error as Error).message, `No complete answer from ${baseUrl} within 1000 ms`);
    await lastClosed;
    const explained = explainError(error, { stage: 'readClientSecret' });
    assert.equal(explained.source, 'network');
    assert.equal(explained.explanation.summary, 'The connection timed out.');
  });

  void it('still cancels mid-body on abort, with the caller’s reason when it gave one', async () => {
    const controller = new AbortController();
    const pending = httpsRequest({ method: 'GET', url: `${baseUrl}/trickle`, timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(pending, (error: unknown) => isCancelledError(error));
    await lastClosed;

    const stage = new AbortController();
    const reason = Object.assign(new Error('Read client secret did not finish within 1 s.'), { name: 'StageTimeoutError', code: 'StageTimeout' });
    const timed = httpsRequest({ method: 'GET', url: `${baseUrl}/trickle`, timeoutMs: 60_000, signal: stage.signal });
    setTimeout(() => stage.abort(reason), 300);
    await assert.rejects(timed, (error: unknown) => error === reason);
  });
});
