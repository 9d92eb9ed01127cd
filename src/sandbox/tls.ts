/** TLS material for the peers: one leaf certificate per CA, cached so repeated starts stay fast. */
import { type CertificateAuthority, createCertificateAuthority, issueServerCertificate, loadCaFromEnv } from './ca';
import type { TlsMaterial } from './internal';
import { azureServerNames } from './routes';

const leafByCa = new Map<string, TlsMaterial>();

/** The CA to use: the one given, else the test runner's (ESF_SANDBOX_CA_DIR), else a new one. */
export function resolveCa(given?: CertificateAuthority): CertificateAuthority {
  return given ?? loadCaFromEnv() ?? createCertificateAuthority();
}

/**
 * Leaf certificate + key for localhost / 127.0.0.1 / ::1, and for the real Azure hosts the sandbox
 * proxy routes to the peers (login.microsoftonline.com, *.vault.azure.net, *.servicebus.windows.net and
 * the other clouds'), signed by `ca`. Costs ~50–150 ms once per CA per process.
 */
export function tlsMaterialFor(ca: CertificateAuthority): TlsMaterial {
  const cached = leafByCa.get(ca.certPem);
  if (cached) {
    return cached;
  }
  const leaf = issueServerCertificate(ca, ['localhost', '127.0.0.1', '::1', ...azureServerNames()]);
  const material: TlsMaterial = { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: ca.certPem };
  leafByCa.set(ca.certPem, material);
  return material;
}
