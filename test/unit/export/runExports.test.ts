// The .http and curl exports, run for real against the sandbox: httpyac runs the .http file and
// bash runs the curl script, with the user's secret supplied only through the environment. The
// event must arrive, sent by the pipeline service principal whose id and secret the vault holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exportFlow } from '../../../src/core/export/index';
import { Redactor } from '../../../src/core/logging/redact';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { Sandbox } from '../../../src/sandbox/types';
import { startTestSandbox } from '../azure/sandboxFixture';

const root = join(__dirname, '..', '..', '..');
const HTTPYAC = join(root, 'node_modules', 'httpyac', 'bin', 'httpyac.js');
/** REST Client's `{{name.response.body.$.x}}` for httpyac; see the file for why. */
const HTTPYAC_PLUGIN = join(root, 'test', 'fixtures', 'httpyac', 'restClientRequestVariables.cjs');
const BODY = '{"site": "@{pipeline().parameters.site}", "runId": "@{pipeline().RunId}", "eventId": "@{guid()}", "at": "@{utcNow()}", "reading": @{rand(15, 30)}, "note": "it\'s `$HOME` \\\\ 100%"}';

interface Run {
  readonly code: number;
  readonly out: string;
}

/** Async on purpose: the sandbox answers from this process's event loop. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

describe('exports run against the sandbox', () => {
  let sandbox: Sandbox;
  let profile: ConnectionProfile;
  let dir: string;
  let caPath: string;
  let redactor: Redactor;

  before(async () => {
    sandbox = await startTestSandbox();
    profile = sandbox.profile({ name: 'Sandbox export', protocol: 'rest' });
    dir = await mkdtemp(join(tmpdir(), 'esf-export-'));
    caPath = join(dir, 'ca.pem');
    await writeFile(caPath, sandbox.caPem);
    const { world } = sandbox;
    redactor = new Redactor([world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key]);
  });
  after(async () => {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.received.clear();
  });

  async function write(format: 'http' | 'curl'): Promise<string> {
    const { text, fileName } = exportFlow(profile, format, { bodyTemplate: BODY, parameters: { site: 'Oslo "north"' } });
    const path = join(dir, fileName);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  }

  /** Output shown in a failure message is redacted: a runner may echo a request. */
  function shown(result: Run): string {
    return redactor.redact(result.out);
  }

  function assertNoSecretIn(text: string): void {
    const { world } = sandbox;
    for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret]) {
      assert.ok(!text.includes(secret), 'a client secret was printed');
    }
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a token was printed');
  }

  function assertEventArrived(): void {
    const events = sandbox.received.all();
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event?.protocol, 'rest');
    assert.equal(event?.contentType, 'application/atom+xml;type=entry;charset=utf-8');
    // The token's appid: the pipeline principal read from the vault, not the vault reader.
    assert.equal(event?.sender, sandbox.world.pipeline.clientId);
    const body = JSON.parse(event?.body.toString('utf8') ?? '') as Record<string, unknown>;
    assert.equal(body.site, 'Oslo "north"');
    assert.match(String(body.runId), /^[0-9a-f-]{36}$/);
    assert.match(String(body.eventId), /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(String(body.at))));
    assert.ok(typeof body.reading === 'number' && body.reading >= 15 && body.reading < 30);
    assert.equal(body.note, "it's `$HOME` \\ 100%");
  }

  it('httpyac runs the .http file: five requests succeed and the event arrives', async () => {
    const file = await write('http');
    const env = { PATH: process.env.PATH, HOME: dir, NODE_EXTRA_CA_CERTS: caPath, HTTPYAC_PLUGIN, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    const result = await run(process.execPath, [HTTPYAC, 'send', file, '--all', '-o', 'short', '--no-color'], env, dir);
    assert.equal(result.code, 0, shown(result));
    assert.match(result.out, /5 requests processed \(5 succeeded\)/, shown(result));
    assert.equal((result.out.match(/=> 200 /g) ?? []).length, 4, shown(result));
    assert.equal((result.out.match(/=> 201 /g) ?? []).length, 1, shown(result));
    assertEventArrived();
    assertNoSecretIn(result.out);
  });

  it('httpyac: client secrets with & + = % and a space are form-encoded, and Entra ID accepts them', async () => {
    const { sandboxInternals } = await import('../../../src/sandbox/index');
    const { world } = sandboxInternals(sandbox);
    const readerApp = world.app(sandbox.world.reader.clientId);
    const pipelineApp = world.app(sandbox.world.pipeline.clientId);
    const saved = { reader: readerApp.secret, pipeline: pipelineApp.secret };
    // Not Entra's own alphabet, but what a secret of another issuer or a hand-set one can hold.
    const readerSecret = 'r8Q~a&b+c=d%41 e%zz&client_id=x';
    const pipelineSecret = 'p8Q~1+1=2 & 50% off&resource=y';
    readerApp.secret = readerSecret;
    pipelineApp.secret = pipelineSecret;
    world.setSecretValue(sandbox.world.secrets.clientSecretName, pipelineSecret);
    const savedRedactor = redactor;
    redactor = new Redactor([readerSecret, pipelineSecret, saved.reader, saved.pipeline, sandbox.world.pipeline.clientId]);
    try {
      const file = await write('http');
      const env = { PATH: process.env.PATH, HOME: dir, NODE_EXTRA_CA_CERTS: caPath, HTTPYAC_PLUGIN, EVENTSTREAM_FLOW_CLIENT_SECRET: readerSecret };
      const result = await run(process.execPath, [HTTPYAC, 'send', file, '--all', '-o', 'short', '--no-color'], env, dir);
      assert.equal(result.code, 0, shown(result));
      assert.match(result.out, /5 requests processed \(5 succeeded\)/, shown(result));
      assert.equal((result.out.match(/=> 200 /g) ?? []).length, 4, shown(result));
      assert.equal((result.out.match(/=> 201 /g) ?? []).length, 1, shown(result));
      assertEventArrived();
      assert.ok(!result.out.includes(readerSecret) && !result.out.includes(pipelineSecret), 'a client secret was printed');
    } finally {
      redactor = savedRedactor;
      readerApp.secret = saved.reader;
      pipelineApp.secret = saved.pipeline;
      world.setSecretValue(sandbox.world.secrets.clientSecretName, saved.pipeline);
    }
  });

  it('httpyac: a wrong secret in the environment is refused by Entra ID (401) and nothing is sent', async () => {
    const file = await write('http');
    const env = { PATH: process.env.PATH, HOME: dir, NODE_EXTRA_CA_CERTS: caPath, HTTPYAC_PLUGIN, EVENTSTREAM_FLOW_CLIENT_SECRET: 'not-the-secret~value' };
    const result = await run(process.execPath, [HTTPYAC, 'send', file, '--all', '-o', 'short', '--no-color'], env, dir);
    assert.match(result.out, /=> 401 /, shown(result));
    assert.equal(sandbox.received.all().length, 0);
  });

  it('bash runs the curl script: each stage ok, the event arrives, no secret or token printed', async () => {
    const file = await write('curl');
    const env = { PATH: process.env.PATH, CURL_CA_BUNDLE: caPath, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    const result = await run('bash', [file], env, dir);
    assert.equal(result.code, 0, shown(result));
    for (const stage of ['Key Vault token', 'Read client id', 'Read client secret', 'Event Hubs token', 'Send event']) {
      assert.match(result.out, new RegExp(`ok: ${stage}`), shown(result));
    }
    assert.match(result.out, /The event was sent: the endpoint answered 201 Created\./);
    assertEventArrived();
    assertNoSecretIn(result.out);
  });

  it('curl: a failing stage stops the script with the stage and the service’s own error', async () => {
    const file = await write('curl');
    sandbox.faults.inject({ peer: 'entra', kind: 'invalidClientSecret', match: { clientId: sandbox.world.pipeline.clientId } });
    const env = { PATH: process.env.PATH, CURL_CA_BUNDLE: caPath, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    const result = await run('bash', [file], env, dir);
    assert.notEqual(result.code, 0);
    assert.match(result.out, /ok: Read client secret/);
    assert.match(result.out, /error: stage 'Event Hubs token' failed: .*AADSTS7000215/, shown(result));
    assert.doesNotMatch(result.out, /ok: Send event|The event was sent/);
    assert.equal(sandbox.received.all().length, 0);
    assertNoSecretIn(result.out);
  });

  it('curl: without the secret in the environment it says which variable to set, and sends nothing', async () => {
    const file = await write('curl');
    const result = await run('bash', [file], { PATH: process.env.PATH, CURL_CA_BUNDLE: caPath }, dir);
    assert.notEqual(result.code, 0);
    assert.match(result.out, /EVENTSTREAM_FLOW_CLIENT_SECRET: Set EVENTSTREAM_FLOW_CLIENT_SECRET to the client secret of the Key Vault reader/);
    assert.doesNotMatch(result.out, /ok: /);
    assert.equal(sandbox.received.all().length, 0);
  });

  it('curl: without jq it says so before any request', async () => {
    const file = await write('curl');
    // A PATH with bash and curl but no jq.
    const bin = join(dir, 'bin');
    await run('bash', ['-c', `mkdir -p ${bin} && ln -sf "$(command -v curl)" ${bin}/curl`], { PATH: process.env.PATH }, dir);
    const result = await run('/bin/bash', [file], { PATH: bin, CURL_CA_BUNDLE: caPath, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret }, dir);
    assert.equal(result.code, 2, shown(result));
    assert.match(result.out, /error: jq is not installed/);
  });
});
