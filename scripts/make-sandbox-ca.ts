// Makes the sandbox CA in a folder (ca.pem, ca-key.pem) before test processes start.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority } from '../src/sandbox/ca';

const dir = process.argv[2];
if (!dir) {
  throw new Error('usage: make-sandbox-ca.ts DIR');
}
const ca = createCertificateAuthority();
writeFileSync(join(dir, 'ca.pem'), ca.certPem);
writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
