// Benchmarks that print figures (never assertions): activation cost, CLI start-up, the flow's
// latency cold and warm, what running the two Key Vault reads in parallel saves, memory over many
// sends, and redaction throughput. Run: npm run bench (builds the production bundles first).
// The sandbox adds a simulated round trip to Entra ID and Key Vault (ESF_BENCH_RTT_MS, default 40)
// so that parallelism and caching show as they would against Azure.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow } from '../src/core/flow/engine';
import { runFlowWithReadBack } from '../src/core/flow/roundTrip';
import { TokenCache } from '../src/core/flow/tokenCache';
import type { FlowEvent, FlowServices, SendRequest } from '../src/core/flow/types';
import { createLogger, silentSink } from '../src/core/logging/logger';
import { redact, Redactor } from '../src/core/logging/redact';
import type { ConnectionProfile } from '../src/core/model/profile';
import { startSandbox } from '../src/sandbox/index';
import { measureSendPath } from './bench/sendPath';

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

function services(cache = new TokenCache()): FlowServices {
  const redactor = new Redactor();
  return { redactor, logger: createLogger(silentSink, redactor), tokenCache: cache, stageTimeoutMs: 30_000, now: Date.now };
}

/** Loads dist/extension.js in a fresh Node with a stand-in `vscode`, as activation's first step does. */
function measureExtensionLoad(): void {
  const dir = mkdtempSync(join(tmpdir(), 'esf-bench-'));
  const stub = join(dir, 'vscode.js');
  // Every name the bundle reads off any object becomes an own property of the stub: esbuild's
  // interop copies a CommonJS module's own properties, so a bare Proxy would leave vscode.TreeItem
  // undefined and `class … extends vscode.TreeItem` would throw at load.
  const names = [...new Set([...readFileSync(join(root, 'dist/extension.js'), 'utf8').matchAll(/\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]))];
  writeFileSync(stub, `const any = () => new Proxy(function () {}, { get: () => () => ({}) }); module.exports = Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, any()]));`);
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
  // ESF_BENCH_ONLY=send runs only issue #8's send-path table.
  const only = process.env.ESF_BENCH_ONLY;
  if (only !== 'send') {
    measureExtensionLoad();
    measureCliStart();
    await measureFlows();
  }
  // Issue #8's table: the send path against bare baselines at L = 0 and L = ESF_BENCH_L_MS (default 100).
  await measureSendPath(report, Number(process.env.ESF_BENCH_L_MS ?? 100));
  if (only !== 'send') {
    measureRedaction();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
