import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reRunSelf } from './reRun';
import { makeTempDir, removeTempDir, STOP_SIGNALS } from './tempDirs';

/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, and the Event Hubs SDK's AMQP-over-TLS
 * connection takes no CA option. So a CLI run against the sandbox makes the CA first and
 * re-runs itself once with the CA trusted; the sandbox then reuses that CA (ESF_SANDBOX_CA_DIR).
 * Returns the child's exit code, or undefined when this process already trusts a sandbox CA.
 */
export async function runWithSandboxTrust(argv: readonly string[], execArgv: readonly string[] = []): Promise<number | undefined> {
  if (process.env.ESF_SANDBOX_CA_DIR) {
    return undefined;
  }
  const { createCertificateAuthority } = await import('../sandbox/ca');
  // Listening before the folder exists: a signal from here on reaches the finally below, never the
  // default action that skips it (once the child runs, reRunSelf passes signals on to it).
  const wait = (): void => undefined;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, wait);
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

    return await reRunSelf(argv, { execArgv, env: { NODE_EXTRA_CA_CERTS: bundle, ESF_SANDBOX_CA_DIR: dir } });
  } finally {
    for (const signal of STOP_SIGNALS) {
      process.off(signal, wait);
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
