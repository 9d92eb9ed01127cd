import { describeProxy, proxyFromEnvironment, proxySecrets, proxySettingProblem } from '../../core/azure/proxy';
import { endpointAuthAdvisory, formatAdvisory } from '../../core/diagnostics/leastPrivilege';
import { runFlowWithReadBack } from '../../core/flow/roundTrip';
import { TokenCache } from '../../core/flow/tokenCache';
import type { FlowResult, FlowServices, StageId } from '../../core/flow/types';
import { createLogger, type LogLevel } from '../../core/logging/logger';
import { Redactor } from '../../core/logging/redact';
import type { ConnectionProfile } from '../../core/model/profile';
import type { Sandbox } from '../../sandbox/types';
import { buildSendRequest } from '../events';
import { SendTally } from '../../core/events/sendTally';
import { sendSummary, startSendProgress } from '../sendProgress';
import { inCliWords } from '../cliWording';
import { EXIT, STAGE_EXIT_CODES } from '../exitCodes';
import type { CliOptions } from '../options';
import { loadProfileFile } from '../profileSource';
import { createHumanReporter, createJsonReporter, type Reporter } from '../reporter';
import { reportInspection } from './inspectToken';
import { sandboxProfileFor, startCliSandbox } from './sandboxSession';

// The flow commands (run, send, test, probe): options to a profile and services, the run, its report and exit code.
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
}

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** `run`, `test <stage>` and `send`: one engine run, reported per stage, mapped to an exit code. */
export async function runFlowCommand(options: CliOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const redactor = new Redactor();
  // HTTPS_PROXY / NO_PROXY, as curl reads them; the proxy's credentials are secrets from here on.
  const proxy = proxyFromEnvironment(io.env);
  for (const secret of proxySecrets(proxy)) {
    redactor.add(secret);
  }
  // A malformed setting is bad input (exit 2), not a proxy that refused a tunnel at stage 1.
  const proxyProblem = proxy ? proxySettingProblem(proxy) : undefined;
  if (proxyProblem) {
    throw proxyProblem;
  }
  const reporter: Reporter = options.json ? createJsonReporter(io.stdout, redactor) : createHumanReporter(io.stdout, redactor, io.color);
  // The reporter already shows every stage; the engine's log goes to stderr only when asked for.
  const requested = io.env.EVENTSTREAM_FLOW_LOG as LogLevel | undefined;
  const minimum = requested && LOG_LEVELS.includes(requested) ? LOG_LEVELS.indexOf(requested) : LOG_LEVELS.length;
  const logger = createLogger({ log: (level, message) => LOG_LEVELS.indexOf(level) >= minimum && io.stderr(`${level}: ${message}\n`) }, redactor);

  const target: StageId = options.command === 'test' || options.command === 'inspect-token' ? (options.stage ?? 'keyVaultToken') : 'send';
  const built = target === 'send' ? await buildSendRequest(options) : undefined;
  // The send's counters outlive a cancel: Ctrl-C reports what was acknowledged and what was not.
  const tally = built ? new SendTally(options.count) : undefined;
  const send = built && tally ? { ...built, tally } : undefined;

  let sandbox: Sandbox | undefined;
  let profile: ConnectionProfile;
  if (options.sandbox && options.profilePath === undefined) {
    sandbox = await startCliSandbox(options, redactor);
    profile = await sandboxProfileFor(sandbox, options);
  } else {
    profile = await loadProfileFile(options.profilePath ?? '', (m) => io.stderr(`warning: ${redactor.redact(m)}\n`), io.env, { readBack: options.readBack !== undefined, target });
  }

  try {
    if (!options.json) {
      const where = `${profile.endpoint.namespace}/${profile.endpoint.eventHubName}`;
      const protocol = (send?.protocol ?? profile.endpoint.protocol).toUpperCase();
      reporter.note(`Eventstream Flow — profile "${profile.name}"${sandbox ? ' (local sandbox)' : ''} → ${where} over ${protocol}`);
      if (proxy) {
        const bypass = proxy.noProxy?.length ? `, not for ${proxy.noProxy.join(', ')} (NO_PROXY)` : '';
        reporter.note(`Proxy: ${describeProxy(proxy)} (from ${proxy.source ?? 'the environment'})${bypass}`);
      }
    }
    // Said before the run: a key broader than sending needs works, so nothing else would say it.
    const advisory = endpointAuthAdvisory(profile.endpoint.auth);
    if (advisory) {
      io.stderr(redactor.redact(`warning: ${formatAdvisory(advisory)}\n`));
    }
    const services: FlowServices = {
      redactor,
      logger,
      tokenCache: new TokenCache(),
      stageTimeoutMs: options.timeoutMs,
      secretExpiryWarningDays: options.expiryWarningDays,
      now: Date.now,
      // Nothing stands between the CLI and the network but the proxy it knows: connections may open early.
      directConnections: true,
      ...(proxy ? { proxy } : {}),
      ...(options.keyVaultApiVersion ? { keyVaultApiVersion: options.keyVaultApiVersion } : {}),
    };
    const readBack = target === 'send' ? options.readBack : undefined;
    // A long send shows a live line on stderr (not with --json: stdout is the machine's, stderr stays quiet).
    const progress = tally && !options.json && (options.count > 1 || options.load) ? startSendProgress(tally, (line) => io.stderr(`${line}\n`), options.load ? { load: options.load } : {}) : undefined;
    const measured = send && progress ? { ...send, onLatency: (ms: number) => progress.latency(ms), onRateChange: (rate: number) => progress.rate(rate) } : send;
    const result = await runFlowWithReadBack(profile, services, { target, signal, onEvent: (e) => reporter.event(inCliWords(e)), ...(measured ? { send: measured } : {}), ...(readBack ? { readBack } : {}) });
    const latency = progress?.stop();
    if (result.ok && result.sendCounts && progress) {
      reporter.note(sendSummary(result.sendCounts, latency, options.load));
    }
    if (result.readBack) {
      reporter.readBack(result.readBack);
    }
    // The flow's own code wins; a flow that succeeded but whose event did not come back is 17.
    const runExitCode = result.ok && result.readBack && result.readBack.status !== 'matched' ? EXIT.readBack : exitCodeOf(result);
    reporter.result(result, runExitCode);
    const exitCode = options.command === 'inspect-token' ? reportInspection(result, target, runExitCode, options.json, io.stdout, redactor) : runExitCode;
    if (sandbox && (result.send || result.sendCounts) && !options.json) {
      reporter.note(describeArrivals(sandbox));
    }
    return exitCode;
  } finally {
    await sandbox?.stop();
  }
}

export function exitCodeOf(result: FlowResult): number {
  if (result.ok) {
    return EXIT.ok;
  }
  if (result.cancelled) {
    return EXIT.cancelled;
  }
  return result.failedStage ? STAGE_EXIT_CODES[result.failedStage] : EXIT.internal;
}

/** Proof from the other side: what the sandbox's Event Hubs peer recorded. */
function describeArrivals(sandbox: Sandbox): string {
  const events = sandbox.received.all();
  const byPartition = new Map<string, number>();
  for (const e of events) {
    byPartition.set(e.partitionId, (byPartition.get(e.partitionId) ?? 0) + 1);
  }
  const total = sandbox.received.count();
  const partitions = `${events.length < total ? `the last ${events.length.toLocaleString('en-US')}: ` : ''}${[...byPartition].map(([p, n]) => `partition ${p}: ${n}`).join(', ')}`;
  const last = events.at(-1);
  const preview = last ? ` Last body: ${truncate(last.body.toString('utf8').replace(/\s+/g, ' '), 160)}` : '';
  return `The sandbox's Event Hubs received ${total.toLocaleString('en-US')} event${total === 1 ? '' : 's'} (${partitions}).${preview}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
