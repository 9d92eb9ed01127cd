// Benchmarks that print figures (never assertions): activation cost, CLI start-up, the flow's
// latency cold and warm, what running the two Key Vault reads in parallel saves, memory over many
// sends, and redaction throughput. Run: npm run bench (builds the production bundles first).
// The sandbox adds a simulated round trip to Entra ID and Key Vault (ESF_BENCH_RTT_MS, default 40)
// so that parallelism and caching show as they would against Azure.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmqpSession } from '../src/core/azure/amqpSession';
import { toTokenCredential } from '../src/core/azure/credentials';
import { requestClientCredentialsToken } from '../src/core/azure/entraToken';
import { runFlow } from '../src/core/flow/engine';
import { SecretCache } from '../src/core/flow/secretCache';
import { runFlowWithReadBack } from '../src/core/flow/roundTrip';
import { TokenCache } from '../src/core/flow/tokenCache';
import type { AccessToken, FlowEvent, FlowServices, SendRequest } from '../src/core/flow/types';
import { createLogger, silentSink } from '../src/core/logging/logger';
import { redact, Redactor } from '../src/core/logging/redact';
import type { ConnectionProfile } from '../src/core/model/profile';
import { startSandbox } from '../src/sandbox/index';

const root = join(__dirname, '..');
const RTT = Number(process.env.ESF_BENCH_RTT_MS ?? 40);
const rows: [string, string, string][] = [];

function report(what: string, value: string, note = ''): void {
  rows.push([what, value, note]);
  console.log(`${what.padEnd(58)} ${value.padStart(14)}  ${note}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN;
}
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

function services(cache = new TokenCache(), session?: { amqpSession: AmqpSession; secretCache: SecretCache }): FlowServices {
  const redactor = new Redactor();
  return { redactor, logger: createLogger(silentSink, redactor), tokenCache: cache, stageTimeoutMs: 30_000, now: Date.now, ...session };
}

/**
 * Issue #8: a warm AMQP send (tokens cached) with the editor's session (kept-open producer) and
 * without it, against the bare baseline, an EventHubProducerClient kept open by hand; interleaved.
 */
async function measureAmqpSession(): Promise<void> {
  const sandbox = await startSandbox({ latencyMs: RTT });
  const send: SendRequest = { events: [{ body: { bench: true } }] };
  const session = { amqpSession: new AmqpSession(), secretCache: new SecretCache() };
  const { EventHubProducerClient } = await import('@azure/event-hubs');
  try {
    const profile: ConnectionProfile = sandbox.profile({ protocol: 'amqp' });
    const cache = new TokenCache();
    // The bare baseline: the same kind of stage-4 token, one producer opened once and kept.
    const token = await eventHubsTokenOf(sandbox);
    const bare = new EventHubProducerClient(sandbox.urls.namespace, sandbox.world.eventHubName, toTokenCredential(() => Promise.resolve(token)));
    await bare.sendBatch([{ body: 'warm-up' }]);
    await runFlow(profile, services(cache, session), { send });
    const bareTimes: number[] = [];
    const withSession: number[] = [];
    const withoutSession: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      await bare.sendBatch([{ body: JSON.stringify({ bench: true }) }]);
      bareTimes.push(performance.now() - t);
      t = performance.now();
      assertOk((await runFlow(profile, services(cache, session), { send })).ok, 'session send');
      withSession.push(performance.now() - t);
      t = performance.now();
      assertOk((await runFlow(profile, services(cache), { send })).ok, 'fresh send');
      withoutSession.push(performance.now() - t);
    }
    await bare.close();

    // REST: the same warm flow against a bare fetch loop posting with the same token (keep-alive).
    const restProfile: ConnectionProfile = sandbox.profile({ protocol: 'rest' });
    const url = `https://${sandbox.urls.namespace}/${sandbox.world.eventHubName}/messages?timeout=60&api-version=2014-01`;
    const post = (): Promise<Response> =>
      fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token.token}`, 'Content-Type': 'application/atom+xml;type=entry;charset=utf-8' }, body: JSON.stringify({ bench: true }) });
    await (await post()).arrayBuffer();
    await runFlow(restProfile, services(cache, session), { send });
    const fetchTimes: number[] = [];
    const restSession: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      await (await post()).arrayBuffer();
      fetchTimes.push(performance.now() - t);
      t = performance.now();
      assertOk((await runFlow(restProfile, services(cache, session), { send })).ok, 'REST session send');
      restSession.push(performance.now() - t);
    }
    report('REST send, bare fetch loop with the token (baseline)', ms(median(fetchTimes)), `p95 ${ms(p95(fetchTimes))}`);
    report('REST warm flow, session (tokens and secrets kept)', ms(median(restSession)), `${(median(restSession) / median(fetchTimes)).toFixed(2)}× baseline`);

    const base = median(bareTimes);
    report('AMQP send, bare kept-open EventHubProducerClient (baseline)', ms(base), `p95 ${ms(p95(bareTimes))}`);
    report('AMQP warm flow, session (tokens, secrets, producer kept)', ms(median(withSession)), `${(median(withSession) / base).toFixed(2)}× baseline`);
    report('AMQP warm flow, tokens cached, new producer per send', ms(median(withoutSession)), `${(median(withoutSession) / base).toFixed(2)}× baseline`);
  } finally {
    await session.amqpSession.close();
    await sandbox.stop();
  }
}

/** The pipeline principal's Event Hubs token, as stage 4 asks for it. */
function eventHubsTokenOf(sandbox: Awaited<ReturnType<typeof startSandbox>>): Promise<AccessToken> {
  return requestClientCredentialsToken({
    authorityHost: sandbox.urls.authorityHost,
    destination: { credential: 'the client secret', field: 'bench', hosts: [new URL(sandbox.urls.authorityHost).host] },
    tenantId: sandbox.world.tenantId,
    clientId: sandbox.world.pipeline.clientId,
    clientSecret: sandbox.world.pipeline.clientSecret,
    audience: 'https://eventhubs.azure.net',
    endpointVersion: 'v1',
    signal: new AbortController().signal,
    trustedCaPem: sandbox.caPem,
  });
}

function assertOk(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`bench: ${what} failed`);
  }
}

/** Loads dist/extension.js in a fresh Node with a stand-in `vscode`, as activation's first step does. */
function measureExtensionLoad(): void {
  const dir = mkdtempSync(join(tmpdir(), 'esf-bench-'));
  const stub = join(dir, 'vscode.js');
  writeFileSync(stub, 'module.exports = new Proxy({}, { get: () => new Proxy(function () {}, { get: () => () => ({}) }) });');
  const probe = `
    const Module = require('module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? ${JSON.stringify(stub)} : resolve.call(this, request, ...rest); };
    const heap = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    require(${JSON.stringify(join(root, 'dist/extension.js'))});
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    const lazy = Object.keys(require.cache).filter((f) => /dist[\\\\/](vendor|sandbox)/.test(f));
    console.log(JSON.stringify({ elapsed, heap: process.memoryUsage().heapUsed - heap, lazy }));`;
  const runs = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as { elapsed: number; heap: number; lazy: string[] });
  report('extension bundle load (require dist/extension.js)', ms(median(runs.map((r) => r.elapsed))), `median of ${runs.length}; heap +${mb(median(runs.map((r) => r.heap)))}`);
  report('Azure SDK / sandbox bundles loaded at activation', String(Math.max(...runs.map((r) => r.lazy.length))), 'must be 0: they load on first use');
}

function measureCliStart(): void {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, [join(root, 'bin/eventstream-flow.js'), '--help'], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  report('CLI start-up (eventstream-flow --help, whole process)', ms(median(times)), `median of ${times.length}`);
}

async function measureFlows(): Promise<void> {
  const sandbox = await startSandbox({ latencyMs: RTT });
  const send: SendRequest = { events: [{ body: { bench: true, at: new Date().toISOString() } }] };
  try {
    for (const protocol of ['rest', 'amqp'] as const) {
      const profile: ConnectionProfile = sandbox.profile({ protocol });
      await runFlow(profile, services(), { send }); // warm up module loading and TLS session caches
      const cold: number[] = [];
      for (let i = 0; i < 8; i++) {
        cold.push((await runFlow(profile, services(), { send })).totalMs);
      }
      const cache = new TokenCache();
      await runFlow(profile, services(cache), { send });
      const warm: number[] = [];
      for (let i = 0; i < 8; i++) {
        warm.push((await runFlow(profile, services(cache), { send })).totalMs);
      }
      report(`full flow, ${protocol.toUpperCase()}, cold token cache (RTT ${RTT} ms)`, ms(median(cold)), `p95 ${ms(p95(cold))}`);
      report(`full flow, ${protocol.toUpperCase()}, tokens cached`, ms(median(warm)), `p95 ${ms(p95(warm))}; saves ${ms(median(cold) - median(warm))}`);
    }

    // The two Key Vault reads: wall time in parallel vs the sum of their durations (= sequential).
    const walls: number[] = [];
    const sums: number[] = [];
    for (let i = 0; i < 8; i++) {
      const events: FlowEvent[] = [];
      await runFlow(sandbox.profile(), services(), { target: 'eventHubsToken', onEvent: (e) => events.push({ ...e, ...(e.type === 'stageSucceeded' ? { at: Date.now() } : {}) }) });
      const starts = events.filter((e): e is Extract<FlowEvent, { type: 'stageStarted' }> => e.type === 'stageStarted' && (e.stage === 'readClientId' || e.stage === 'readClientSecret'));
      const ends = events.filter((e) => e.type === 'stageSucceeded' && (e.stage === 'readClientId' || e.stage === 'readClientSecret')) as (FlowEvent & { at: number; durationMs: number })[];
      walls.push(Math.max(...ends.map((e) => e.at)) - Math.min(...starts.map((e) => e.at)));
      sums.push(ends.reduce((n, e) => n + e.durationMs, 0));
    }
    report('Key Vault reads, in parallel (wall)', ms(median(walls)), `sequential would take ~${ms(median(sums))}`);

    // Round trip: send start → the consumer (opened before the send) has the event.
    for (const protocol of ['rest', 'amqp'] as const) {
      const cache = new TokenCache();
      const profile = sandbox.profile({ protocol });
      const latencies: number[] = [];
      for (let i = 0; i < 6; i++) {
        const result = await runFlowWithReadBack(profile, services(cache), { send, readBack: { timeoutSeconds: 10 } });
        if (result.readBack?.status === 'matched') {
          latencies.push(result.readBack.latencyMs);
        }
      }
      report(`read back, ${protocol.toUpperCase()} send → consumer has the event`, ms(median(latencies.slice(1))), `median of ${latencies.length - 1} after a warm-up; tokens cached`);
    }

    // AMQP with port 5671 blocked (connections reset): what the fallback to WebSockets costs.
    {
      const base = sandbox.profile({ protocol: 'amqp' });
      const auto: ConnectionProfile = { ...base, endpoint: { ...base.endpoint, amqpTransport: undefined } };
      const cache = new TokenCache();
      await runFlow(auto, services(cache), { send });
      const sendMs = async (): Promise<number[]> => {
        const times: number[] = [];
        for (let i = 0; i < 6; i++) {
          const events: FlowEvent[] = [];
          await runFlow(auto, services(cache), { send, onEvent: (e) => events.push(e) });
          const done = events.find((e) => e.type === 'stageSucceeded' && e.stage === 'send');
          times.push(done && 'durationMs' in done ? done.durationMs : NaN);
        }
        return times;
      };
      const open = await sendMs();
      const fault = sandbox.faults.inject({ peer: 'eventHubs', kind: 'amqpPortBlocked' });
      const blocked = await sendMs();
      sandbox.faults.clear(fault);
      report('AMQP send stage, 5671 open (TLS)', ms(median(open)), 'tokens cached');
      // A reset is seen at once; a port that silently drops packets costs the per-operation timeout (15 s) first.
      report('AMQP send stage, 5671 blocked (reset) → WebSockets fallback', ms(median(blocked)), `difference ${ms(median(blocked) - median(open))}; a silent drop waits 15 s first`);
    }

    // Through an HTTP proxy (the sandbox's CONNECT proxy on loopback): the tunnel's cost per stage.
    {
      const profile = sandbox.profile({ protocol: 'rest' });
      const viaProxy = (cache: TokenCache): FlowServices => ({ ...services(cache), proxy: { url: sandbox.urls.proxy } });
      const direct: number[] = [];
      const proxied: number[] = [];
      for (let i = 0; i < 6; i++) {
        direct.push((await runFlow(profile, services(), { send })).totalMs);
        proxied.push((await runFlow(profile, viaProxy(new TokenCache()), { send })).totalMs);
      }
      report('full flow, REST, cold, through an HTTP proxy', ms(median(proxied)), `direct ${ms(median(direct))}`);
    }

    // Memory over many sends in one process (a long editor session).
    const cache = new TokenCache();
    const profile = sandbox.profile({ protocol: 'rest' });
    globalThis.gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < 300; i++) {
      await runFlow(profile, services(cache), { send });
    }
    globalThis.gc?.();
    const after = process.memoryUsage();
    report('heap growth over 300 REST sends (tokens cached)', mb(after.heapUsed - before.heapUsed), `rss ${mb(after.rss)}${globalThis.gc ? '' : ' (run with --expose-gc for a settled figure)'}`);
    report('events the sandbox received', String(sandbox.received.all().length));
  } finally {
    await sandbox.stop();
  }
}

function measureRedaction(): void {
  const secrets = ['clientSecret~Value~0123456789abcdefABCDEF', 'c2FzLWtleS12YWx1ZS0xMjM0NTY3ODkwMTIzNDU2Nzg5MA==', '11111111-2222-3333-4444-555555555555'];
  const line = `POST /tenant/oauth2/token client_id=${secrets[2]}&client_secret=${secrets[0]} Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl and some ordinary log text`;
  const n = 20_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    redact(line, secrets);
  }
  const perLine = Number(process.hrtime.bigint() - start) / 1e3 / n;
  report('redaction of one log line (3 known secrets + patterns)', `${perLine.toFixed(2)} µs`, `${n} lines`);
}

async function main(): Promise<void> {
  console.log(`Eventstream Flow benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { stdio: 'ignore' });
  measureExtensionLoad();
  measureCliStart();
  await measureFlows();
  await measureAmqpSession();
  measureRedaction();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
