import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from './exitCodes';
import { makeTempDir, removeTempDir, STOP_SIGNALS } from './tempDirs';

/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, and the Event Hubs SDK's AMQP-over-TLS
 * connection takes no CA option. So a CLI run against the sandbox makes the CA first and
 * re-runs itself once with the CA trusted; the sandbox then reuses that CA (ESF_SANDBOX_CA_DIR).
 * Returns the child's exit code, or undefined when this process already trusts a sandbox CA.
 */
export async function runWithSandboxTrust(argv: readonly string[]): Promise<number | undefined> {
  if (process.env.ESF_SANDBOX_CA_DIR) {
    return undefined;
  }
  const { createCertificateAuthority } = await import('../sandbox/ca');
  // Listening before the folder exists: a signal from here on reaches the finally below
  // (forwarded to the child once there is one), never the default action that skips it.
  let child: ChildProcess | undefined;
  // A terminal's Ctrl-C reaches the child too (same process group): what this process passes on is
  // SIGTERM, which stops the child without counting as a second Ctrl-C (see main.ts).
  const forward = (signal: NodeJS.Signals): void => {
    child?.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, forward);
  }
  // The CA's key is in here: it goes on every way out of this function (and at exit, see tempDirs).
  let dir: string | undefined;
  try {
    dir = makeTempDir('eventstream-flow-ca-');
    const ca = createCertificateAuthority();
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
    // Keep any CA bundle the user already trusts.
    const existing = process.env.NODE_EXTRA_CA_CERTS ? safeRead(process.env.NODE_EXTRA_CA_CERTS) : '';
    const bundle = join(dir, 'trusted.pem');
    writeFileSync(bundle, `${existing}\n${ca.certPem}`);

    const script = process.argv[1] ?? '';
    const started = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, ESF_SANDBOX_CA_DIR: dir },
    });
    child = started;
    return await new Promise<number>((resolve, reject) => {
      started.once('error', reject);
      started.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' ? EXIT.cancelled : EXIT.internal)));
    });
  } finally {
    for (const signal of STOP_SIGNALS) {
      process.off(signal, forward);
    }
    if (dir !== undefined) {
      removeTempDir(dir);
    }
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
