import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const dir = mkdtempSync(join(tmpdir(), 'eventstream-flow-ca-'));
  const ca = createCertificateAuthority();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
  // Keep any CA bundle the user already trusts.
  const existing = process.env.NODE_EXTRA_CA_CERTS ? safeRead(process.env.NODE_EXTRA_CA_CERTS) : '';
  const bundle = join(dir, 'trusted.pem');
  writeFileSync(bundle, `${existing}\n${ca.certPem}`);

  const script = process.argv[1] ?? '';
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, ESF_SANDBOX_CA_DIR: dir },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    rmSync(dir, { recursive: true, force: true });
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
