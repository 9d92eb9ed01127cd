// Issue #8's table, in one run: the send path against its bare baselines, interleaved round by
// round, at L = 0 and at a simulated L per request (the sandbox's latency on Entra ID, Key Vault
// and Event Hubs alike). Figures only, never assertions (a failed run throws).
//   warm send           the flow with the editor's session vs a bare kept-open producer / fetch loop
//   cold, running       a flow with nothing cached, in L
//   cold, new process   `eventstream-flow send --profile` vs the bare cold script (scripts/bench/bareFlow.mjs)
//   throughput          10k and 100k events, whole process, CLI vs bare script, REST and AMQP
//   peak RSS            the CLI at 10k, 100k and 1M events; the sandbox must receive every one
//   cancel              SIGINT in the middle of a 1M-event send: time to exit, counts vs received
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmqpSession } from '../../src/core/azure/amqpSession';
import { toTokenCredential } from '../../src/core/azure/credentials';
import { requestClientCredentialsToken } from '../../src/core/azure/entraToken';
import { runFlow } from '../../src/core/flow/engine';
import { SecretCache } from '../../src/core/flow/secretCache';
import { TokenCache } from '../../src/core/flow/tokenCache';
import type { AccessToken, FlowServices, SendRequest } from '../../src/core/flow/types';
import { createLogger, silentSink } from '../../src/core/logging/logger';
import { Redactor } from '../../src/core/logging/redact';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

type Report = (what: string, value: string, note?: string) => void;

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const bare = join(__dirname, 'bareFlow.mjs');
const rssProbe = join(__dirname, 'maxRss.cjs');

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

function services(cache = new TokenCache(), session?: { amqpSession: AmqpSession; secretCache: SecretCache }): FlowServices {
  const redactor = new Redactor();
  return { redactor, logger: createLogger(silentSink, redactor), tokenCache: cache, stageTimeoutMs: 60_000, now: Date.now, directConnections: true, ...session };
}

function mustSucceed(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`bench: ${what} failed`);
  }
}

/** The profile as a file for `--profile`, its client secret left to the environment. */
function profileFile(sandbox: Sandbox, protocol: 'rest' | 'amqp'): string {
  const base = sandbox.profile({ protocol });
  const profile = { ...base, keyVault: { ...base.keyVault, auth: { ...base.keyVault.auth, clientSecret: '' } } };
  const file = join(mkdtempSync(join(tmpdir(), 'esf-bench-')), 'profile.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

interface ProcessRun {
  readonly ms: number;
  readonly maxRssKb: number;
}

/** A child process, asynchronously: the sandbox it talks to runs in this process's event loop. */
function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr, ms: performance.now() - started })));
}

/** `eventstream-flow send --count N --profile F`, whole process (spawn to exit), with its peak RSS. */
async function cliSend(sandbox: Sandbox, file: string, count: number): Promise<ProcessRun> {
  const run = await runNode(['--require', rssProbe, cli, 'send', '--profile', file, '--count', String(count), '--json'], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret });
  const elapsed = run.ms;
  if (run.status !== 0) {
    throw new Error(`bench: the CLI exited ${run.status}: ${run.stdout.slice(-2000)} ${run.stderr.slice(-2000)}`);
  }
  // The largest of the processes: a long send re-runs itself (src/cli/leanHeap.ts) and both report.
  const peaks = [...run.stderr.matchAll(/BENCH_MAX_RSS_KB=(\d+)/g)].map((m) => Number(m[1]));
  return { ms: elapsed, maxRssKb: peaks.length > 0 ? Math.max(...peaks) : NaN };
}


/** The bare cold script, whole process. */
async function bareSend(sandbox: Sandbox, protocol: 'rest' | 'amqp', count: number): Promise<ProcessRun> {
  const profile = sandbox.profile({ protocol });
  const auth = profile.keyVault.auth as { tenantId: string; clientId: string; clientSecret: string };
  const config = {
    authorityHost: profile.authorityHost,
    tenantId: auth.tenantId,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    vaultUrl: profile.keyVault.vaultUrl,
    clientIdSecret: profile.keyVault.clientIdSecret.name,
    clientSecretSecret: profile.keyVault.clientSecretSecret.name,
    namespace: profile.endpoint.namespace,
    eventHubName: profile.endpoint.eventHubName,
    protocol,
    count,
  };
  const run = await runNode([bare], { ...process.env, BENCH_CONFIG: JSON.stringify(config) });
  const elapsed = run.ms;
  if (run.status !== 0) {
    throw new Error(`bench: the bare script exited ${run.status}: ${run.stderr.slice(-2000)}`);
  }
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { acknowledged: number; maxRssKb: number };
  if (result.acknowledged !== count) {
    throw new Error(`bench: the bare script acknowledged ${result.acknowledged} of ${count}`);
  }
  return { ms: elapsed, maxRssKb: result.maxRssKb };
}

function eventHubsTokenOf(sandbox: Sandbox): Promise<AccessToken> {
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

/** Warm sends and cold flows at one latency; interleaved rounds, medians. */
async function latencyTable(report: Report, latencyMs: number): Promise<void> {
  const sandbox = await startSandbox({ latencyMs });
  const inL = (value: number): string => (latencyMs > 0 ? `${(value / latencyMs).toFixed(2)} L` : ms(value));
  const label = latencyMs > 0 ? `L = ${latencyMs} ms` : 'L = 0';
  const send: SendRequest = { events: [{ body: { bench: true } }] };
  const session = { amqpSession: new AmqpSession(), secretCache: new SecretCache() };
  const { EventHubProducerClient } = await import('@azure/event-hubs');
  try {
    const token = await eventHubsTokenOf(sandbox);
    const producer = new EventHubProducerClient(sandbox.urls.namespace, sandbox.world.eventHubName, toTokenCredential(() => Promise.resolve(token)));
    const url = `https://${sandbox.urls.namespace}/${sandbox.world.eventHubName}/messages?timeout=60&api-version=2014-01`;
    const post = async (): Promise<void> => {
      const response = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token.token}`, 'Content-Type': 'application/atom+xml;type=entry;charset=utf-8' }, body: '{"bench":true}' });
      await response.arrayBuffer();
    };
    const cache = new TokenCache();
    const amqp = sandbox.profile({ protocol: 'amqp' });
    const rest = sandbox.profile({ protocol: 'rest' });
    await producer.sendBatch([{ body: 'warm-up' }]);
    await post();
    await runFlow(amqp, services(cache, session), { send });
    await runFlow(rest, services(cache, session), { send });
    const times = { producer: [] as number[], amqp: [] as number[], fetch: [] as number[], rest: [] as number[], coldRest: [] as number[], coldAmqp: [] as number[] };
    const time = async (into: number[], work: () => Promise<unknown>): Promise<void> => {
      const t = performance.now();
      await work();
      into.push(performance.now() - t);
    };
    for (let i = 0; i < 12; i++) {
      await time(times.producer, () => producer.sendBatch([{ body: '{"bench":true}' }]));
      await time(times.amqp, async () => mustSucceed((await runFlow(amqp, services(cache, session), { send })).ok, 'AMQP warm'));
      await time(times.fetch, post);
      await time(times.rest, async () => mustSucceed((await runFlow(rest, services(cache, session), { send })).ok, 'REST warm'));
      if (i < 6) {
        await time(times.coldRest, async () => mustSucceed((await runFlow(rest, services(), { send })).ok, 'REST cold'));
        await time(times.coldAmqp, async () => mustSucceed((await runFlow(amqp, services(), { send })).ok, 'AMQP cold'));
      }
    }
    await producer.close();
    report(`[${label}] REST warm send: session vs bare fetch`, inL(median(times.rest)), `bare ${inL(median(times.fetch))}; ${ratio(median(times.rest), median(times.fetch))} baseline`);
    report(`[${label}] AMQP warm send: session vs kept-open producer`, inL(median(times.amqp)), `bare ${inL(median(times.producer))}; ${ratio(median(times.amqp), median(times.producer))} baseline`);
    report(`[${label}] cold flow in a running process, REST`, inL(median(times.coldRest)), 'nothing cached: 4 stages + send');
    report(`[${label}] cold flow in a running process, AMQP`, inL(median(times.coldAmqp)), 'nothing cached: 4 stages + connection + send');

    // A new process per send: the CLI (production bundle) vs the bare cold script, interleaved.
    for (const protocol of ['rest', 'amqp'] as const) {
      const file = profileFile(sandbox, protocol);
      await cliSend(sandbox, file, 1);
      await bareSend(sandbox, protocol, 1);
      const cliTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        cliTimes.push((await cliSend(sandbox, file, 1)).ms);
        bareTimes.push((await bareSend(sandbox, protocol, 1)).ms);
      }
      report(`[${label}] cold ${protocol.toUpperCase()} send, new process: CLI vs bare script`, inL(median(cliTimes)), `bare ${inL(median(bareTimes))}; ${ratio(median(cliTimes), median(bareTimes))} baseline`);
    }
  } finally {
    await session.amqpSession.close();
    await sandbox.stop();
  }
}

/** Events per second, whole process, CLI vs the bare script; and that the peer got every event. */
async function throughputTable(report: Report): Promise<void> {
  const sandbox = await startSandbox();
  try {
    for (const protocol of ['rest', 'amqp'] as const) {
      const file = profileFile(sandbox, protocol);
      for (const count of [10_000, 100_000]) {
        const cliRates: number[] = [];
        const bareRates: number[] = [];
        for (let i = 0; i < 3; i++) {
          sandbox.received.clear();
          cliRates.push(count / ((await cliSend(sandbox, file, count)).ms / 1000));
          const received = sandbox.received.all().length;
          if (received !== count) {
            throw new Error(`bench: the sandbox received ${received} of ${count}`);
          }
          sandbox.received.clear();
          bareRates.push(count / ((await bareSend(sandbox, protocol, count)).ms / 1000));
        }
        const k = (n: number): string => `${(n / 1000).toFixed(1)}k ev/s`;
        report(`${protocol.toUpperCase()} ${count / 1000}k events, whole process: CLI vs bare`, k(median(cliRates)), `bare ${k(median(bareRates))}; ${ratio(median(cliRates), median(bareRates))} baseline; every event received`);
      }
    }
    // Peak RSS of the CLI as the count grows: streaming keeps it flat.
    const file = profileFile(sandbox, 'rest');
    const peaks: number[] = [];
    for (const count of [10_000, 100_000, 1_000_000]) {
      sandbox.received.clear();
      const run = await cliSend(sandbox, file, count);
      const received = sandbox.received.all().length;
      if (received !== count) {
        throw new Error(`bench: the sandbox received ${received} of ${count}`);
      }
      peaks.push(run.maxRssKb);
      report(`CLI peak RSS, REST, ${count.toLocaleString('en-US')} events`, `${(run.maxRssKb / 1024).toFixed(1)} MB`, `${(count / (run.ms / 1000) / 1000).toFixed(1)}k ev/s; every event received`);
    }
    report('CLI peak RSS at 1M vs at 10k', ratio(peaks[2] ?? NaN, peaks[0] ?? NaN), 'target ≤ 1.20×, under 200 MB');
    sandbox.received.clear();
    await cancelFigures(report, sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** SIGINT mid-way through a 1M-event send: how long until exit, and do the counts match the peer? */
async function cancelFigures(report: Report, sandbox: Sandbox): Promise<void> {
  for (const protocol of ['rest', 'amqp'] as const) {
    sandbox.received.clear();
    const file = profileFile(sandbox, protocol);
    const child = spawn(process.execPath, [cli, 'send', '--profile', file, '--count', '1000000'], {
      env: { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalledAt = 0;
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      if (signalledAt === 0 && /sending: [1-9][\d,]{4,}\//.test(chunk.toString('utf8'))) {
        signalledAt = performance.now();
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const exitMs = performance.now() - signalledAt;
    await new Promise((r) => setTimeout(r, 300));
    const counts = /Cancelled: ([\d,]+) acknowledged(?:, ([\d,]+) in flight)?/.exec(out);
    const acknowledged = Number((counts?.[1] ?? 'NaN').replace(/,/g, ''));
    const inFlight = Number((counts?.[2] ?? '0').replace(/,/g, ''));
    const received = sandbox.received.all().length;
    const agrees = acknowledged <= received && received <= acknowledged + inFlight;
    report(
      `cancel mid-way through 1M events, ${protocol.toUpperCase()}: SIGINT → exit`,
      ms(exitMs),
      `exit ${code}; ${acknowledged} acknowledged, ${inFlight} in flight, ${received} received: ${agrees ? 'agree' : 'DISAGREE'}`,
    );
  }
}

export async function measureSendPath(report: Report, latencyMs: number): Promise<void> {
  await latencyTable(report, 0);
  await latencyTable(report, latencyMs);
  await throughputTable(report);
}
