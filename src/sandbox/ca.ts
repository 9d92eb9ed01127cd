/**
 * The sandbox's throwaway certificate authority and its loopback server certificates.
 * node-forge builds the X.509 structures; Node's native RSA key generation keeps this fast
 * (forge's pure-JS key generation takes seconds, native takes tens of milliseconds).
 */
import { constants, createPrivateKey, generateKeyPairSync, type KeyObject, privateEncrypt, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The env var the unit-test runner sets to a folder holding ca.pem and ca-key.pem. */
export const CA_DIR_ENV = 'ESF_SANDBOX_CA_DIR';

const DAY_MS = 24 * 60 * 60 * 1000;

function nativeRsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: KeyObject; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: createPrivateKey(privateKey),
    keyPem: privateKey,
  };
}

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * A signer forge's `cert.sign` accepts, backed by Node's native RSA: PKCS#1 v1.5 over the
 * DigestInfo. forge's own pure-JS RSA signing costs hundreds of milliseconds per certificate.
 */
function nativeSigner(key: KeyObject): forge.pki.rsa.PrivateKey {
  const sign = (md: forge.md.MessageDigest): string => {
    const digest = Buffer.from(md.digest().getBytes(), 'binary');
    return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])).toString('binary');
  };
  return { sign } as unknown as forge.pki.rsa.PrivateKey;
}

/** A positive serial number (the high bit cleared so DER does not read it as negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A fresh key pair and an unsigned certificate for it, valid from a day ago for `days` days. */
function newCertificate(days: number): { keys: ReturnType<typeof nativeRsaKeyPair>; cert: forge.pki.Certificate } {
  const keys = nativeRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
  return { keys, cert };
}

export function createCertificateAuthority(commonName = 'Eventstream Flow Sandbox CA'): CertificateAuthority {
  const { keys, cert } = newCertificate(3650);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Eventstream Flow (local sandbox, not trusted anywhere else)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeSigner(keys.privateKey), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** A leaf certificate for the loopback peers, signed by `ca`; SANs cover DNS names and IPs. */
export function issueServerCertificate(ca: CertificateAuthority, hosts: readonly string[] = ['localhost', '127.0.0.1', '::1']): ServerCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  const { keys, cert } = newCertificate(365);
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = hosts.map((host) => (isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    // forge takes the issuer's key identifier from the CA certificate passed here.
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(nativeSigner(caKey), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** The CA the test runner made (ESF_SANDBOX_CA_DIR/ca.pem + ca-key.pem), so peers chain to what Node trusts. */
export function loadCaFromEnv(env: NodeJS.ProcessEnv = process.env): CertificateAuthority | undefined {
  const dir = env[CA_DIR_ENV];
  if (!dir) {
    return undefined;
  }
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new Error(`${CA_DIR_ENV} is set to ${dir}, but ca.pem or ca-key.pem is missing there.`);
  }
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}
