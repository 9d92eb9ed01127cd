// `npm run test:live`: every stage against real Azure, through the CLI's own code (main() in this
// process, with --json), never in CI. Without its variables it prints what it needs and exits 0
// with "skipped". It prints only what it checked (stage, ok, duration, error code): every line the
// CLI wrote is parsed, never echoed, and is scanned for the reader secret and token shapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { STAGE_TITLES } from '../../src/core/flow/stageId';
import type { ConnectionProfile } from '../../src/core/model/profile';
import { LIVE_VARIABLES, readLiveConfig, type LiveConfig } from './config';

interface JsonLine {
  readonly type?: string;
  readonly stage?: keyof typeof STAGE_TITLES;
  readonly status?: string;
  readonly durationMs?: number;
  readonly error?: { readonly code?: string; readonly explanation?: { readonly code?: string; readonly summary?: string; readonly fix?: string } };
  readonly ok?: boolean;
  readonly exitCode?: number;
  readonly mismatches?: number;
  readonly latencyMs?: number;
}

interface Check {
  readonly name: string;
  /** The CLI's arguments (the profile is added). */
  readonly args: readonly string[];
  readonly expectExit: number;
  /** Extra expectation on the parsed lines; returns a problem, or undefined. */
  readonly expect?: (lines: readonly JsonLine[]) => string | undefined;
  /** The profile for this check, if not the configured one. */
  readonly profile?: (p: ConnectionProfile) => ConnectionProfile;
}

const WRONG_SECRET_NAME = 'esf-live-no-such-secret';

function checks(config: LiveConfig): Check[] {
  const timeout = ['--timeout', String(config.timeoutSeconds)];
  const allSucceeded = (stages: readonly string[]) => (lines: readonly JsonLine[]) => {
    const missing = stages.filter((s) => !lines.some((l) => l.type === 'stage' && l.stage === s && l.status === 'succeeded'));
    return missing.length > 0 ? `not succeeded: ${missing.join(', ')}` : undefined;
  };
  const noMismatch = (lines: readonly JsonLine[]): string | undefined => {
    const inspection = lines.find((l) => l.type === 'inspection');
    return !inspection ? 'no inspection printed' : inspection.mismatches !== 0 ? `${inspection.mismatches} claim mismatch(es)` : undefined;
  };
  const list: Check[] = [
    { name: 'run, REST', args: ['run', '--json', '--protocol', 'rest', ...timeout], expectExit: 0, expect: allSucceeded(['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send']) },
    { name: 'send, AMQP', args: ['send', '--json', '--protocol', 'amqp', '--count', '3', ...timeout], expectExit: 0, expect: allSucceeded(['eventHubsToken', 'send']) },
    { name: 'probe ($management)', args: ['test', 'probe', '--json', ...timeout], expectExit: 0, expect: allSucceeded(['probe']) },
    { name: 'inspect Key Vault token', args: ['inspect-token', 'kv-token', '--json', ...timeout], expectExit: 0, expect: noMismatch },
    { name: 'inspect Event Hubs token', args: ['inspect-token', 'eh-token', '--json', ...timeout], expectExit: 0, expect: noMismatch },
    {
      name: 'explained failure: wrong secret name',
      args: ['test', 'client-id', '--json', ...timeout],
      expectExit: 12,
      profile: (p) => ({ ...p, keyVault: { ...p.keyVault, clientIdSecret: { name: WRONG_SECRET_NAME } } }),
      expect: (lines) => {
        const failed = lines.find((l) => l.type === 'stage' && l.stage === 'readClientId' && l.status === 'failed');
        const code = failed?.error?.explanation?.code ?? failed?.error?.code;
        if (code !== 'SecretNotFound') {
          return `expected SecretNotFound, got ${code ?? 'no failure'}`;
        }
        return failed?.error?.explanation?.fix ? undefined : 'SecretNotFound has no fix';
      },
    },
  ];
  if (config.consumerGroup) {
    list.splice(2, 0, {
      name: `read back (${config.consumerGroup})`,
      args: ['run', '--json', '--read-back', '--consumer-group', config.consumerGroup, ...timeout],
      expectExit: 0,
      expect: (lines) => {
        const readBack = lines.find((l) => l.type === 'readBack');
        return readBack?.status === 'matched' ? undefined : `read back ${readBack?.status ?? 'not reported'}`;
      },
    });
  }
  return list;
}

/** What must never reach the output: the reader secret, a JWT, a SAS signature, a bearer header. */
function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  if (secrets.some((s) => s.length >= 4 && text.includes(s))) {
    found.push('the reader secret');
  }
  if (/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/.test(text)) {
    found.push('a JWT');
  }
  if (/sig=[A-Za-z0-9%+/=]{20,}/.test(text)) {
    found.push('a SAS signature');
  }
  if (/Bearer\s+[A-Za-z0-9._-]{20,}/.test(text)) {
    found.push('a bearer token');
  }
  return found;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

async function runCheck(check: Check, config: LiveConfig, dir: string, index: number, print: (line: string) => void): Promise<{ ok: boolean; output: string }> {
  const profile = check.profile ? check.profile(config.profile) : config.profile;
  const path = join(dir, `profile-${index}.json`);
  writeFileSync(path, JSON.stringify(profile), { mode: 0o600 });
  let out = '';
  let err = '';
  const env: NodeJS.ProcessEnv = { ...process.env, ...(config.readerSecret ? { EVENTSTREAM_FLOW_CLIENT_SECRET: config.readerSecret } : {}) };
  const started = Date.now();
  const code = await main([...check.args, '--profile', path], { stdout: (t) => (out += t), stderr: (t) => (err += t), color: false, env });
  const totalMs = Date.now() - started;
  const lines: JsonLine[] = out
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as JsonLine;
      } catch {
        return {};
      }
    });
  const problems: string[] = [];
  if (code !== check.expectExit) {
    problems.push(`exit ${code}, expected ${check.expectExit}`);
    // The CLI's own error line (already redacted by it) says why, e.g. a missing variable.
    const reason = err.split('\n').find((l) => l.startsWith('error: '));
    if (reason) {
      problems.push(reason.slice(0, 300));
    }
  }
  const problem = check.expect?.(lines);
  if (problem) {
    problems.push(problem);
  }
  const ok = problems.length === 0;
  print(`${ok ? '✔' : '✘'} ${check.name} (exit ${code}, ${totalMs} ms)${ok ? '' : `: ${problems.join('; ')}`}`);
  for (const line of lines.filter((l) => l.type === 'stage')) {
    const stage = line.stage ? STAGE_TITLES[line.stage] : '?';
    const how = line.status === 'failed' ? `failed ${line.error?.explanation?.code ?? line.error?.code ?? ''}` : (line.status ?? '');
    print(`    ${pad(stage, 20)} ${pad(how, 24)} ${line.durationMs !== undefined ? `${line.durationMs} ms` : ''}`.trimEnd());
  }
  const readBack = lines.find((l) => l.type === 'readBack');
  if (readBack) {
    print(`    ${pad('Read back', 20)} ${pad(readBack.status ?? '', 24)} ${readBack.latencyMs !== undefined ? `end-to-end ${readBack.latencyMs} ms` : ''}`.trimEnd());
  }
  return { ok, output: out + err };
}

export async function runLive(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const setup = readLiveConfig(env);
  if (!setup.ok) {
    print('test:live skipped: it runs against real Azure only when the environment names what to test.');
    print(`Missing: ${setup.missing.join(', ')}.`);
    print('Variables:');
    for (const v of LIVE_VARIABLES) {
      print(`  ${pad(v.name, 31)} ${v.required ? '(required) ' : ''}${v.meaning}`);
    }
    print('Roles (least privilege): Key Vault Secrets User on the vault for the reader; Azure Event Hubs Data Sender');
    print('on the event hub for the pipeline service principal (Data Receiver too for a read back). See README, "Live Azure tests".');
    return 0;
  }
  const { config } = setup;
  const { profile } = config;
  print(`test:live: ${profile.keyVault.vaultUrl} → ${profile.endpoint.namespace}/${profile.endpoint.eventHubName} (reader: ${profile.keyVault.auth.kind})`);
  const dir = mkdtempSync(join(tmpdir(), 'esf-live-'));
  const secrets = config.readerSecret ? [config.readerSecret] : [];
  let failed = 0;
  let leaked: string[] = [];
  try {
    const list = checks(config);
    for (const [index, check] of list.entries()) {
      const { ok, output } = await runCheck(check, config, dir, index, print);
      failed += ok ? 0 : 1;
      leaked = [...new Set([...leaked, ...leaks(output, secrets)])];
    }
    if (leaked.length > 0) {
      // Named, never shown.
      print(`✘ secret hygiene: the CLI's output held ${leaked.join(', ')}`);
      failed += 1;
    } else {
      print('✔ secret hygiene: no secret, token or signature in any output');
    }
    print(failed === 0 ? `test:live passed: ${list.length + 1} checks.` : `test:live failed: ${failed} of ${list.length + 1} checks.`);
    return failed === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
