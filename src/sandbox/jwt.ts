/**
 * The Entra peer's token signer (RS256 JWTs, like Entra's access tokens) and the verifier the
 * resource peers (Key Vault, Event Hubs) use. One native RSA key per sandbox start.
 *
 * jose reads the compact form (header, claims: RFC 7515 §7.1, RFC 7519 §7.2). The RSA signature
 * itself stays one node:crypto call each way because jose's sign and verify are async only
 * (WebCrypto) and the peers check tokens synchronously: inside the AMQP $cbs put-token handler and
 * at the top of every REST request, before anything else is read.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { AccessTokenClaims, TokenCheck, TokenVerifier } from './internal';

/** Clock skew tolerated on `exp`: small, so tests of expiry need not wait long. */
export const CLOCK_SKEW_SECONDS = 30;

export interface Jwk {
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly kid: string;
  readonly x5t: string;
  readonly n: string;
  readonly e: string;
  readonly alg: 'RS256';
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenIssuer implements TokenVerifier {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(private readonly now: () => number = () => Date.now()) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    // Entra's kid is the base64url SHA-1 thumbprint of the signing certificate; a key thumbprint is the closest.
    this.kid = base64url(createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  /** Sign `claims` (plus any extra claims Entra adds, e.g. `uti`) as a compact RS256 JWT. */
  sign(claims: AccessTokenClaims): string {
    const header = { typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid };
    const payload = { uti: randomUUID().replace(/-/g, ''), ...claims };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }

  /** The JWKS document (`/discovery/v2.0/keys`). */
  jwks(): { keys: Jwk[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: String(jwk.n), e: String(jwk.e), alg: 'RS256' }] };
  }

  verify(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) {
      return { ok: false, reason: 'malformed' };
    }
    const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isClaims(claims)) {
      return { ok: false, reason: 'malformed' };
    }
    if (header['alg'] !== 'RS256' || header['kid'] !== this.kid) {
      return { ok: false, reason: 'badSignature' };
    }
    const valid = verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), this.publicKey, Buffer.from(signaturePart, 'base64url'));
    if (!valid) {
      return { ok: false, reason: 'badSignature' };
    }
    if (claims.exp + CLOCK_SKEW_SECONDS < Math.floor(this.now() / 1000)) {
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, claims };
  }
}

function isClaims(value: Record<string, unknown>): value is Record<string, unknown> & AccessTokenClaims {
  const strings = ['aud', 'iss', 'tid', 'appid', 'oid', 'sub'] as const;
  const numbers = ['iat', 'nbf', 'exp'] as const;
  return (
    strings.every((key) => typeof value[key] === 'string') &&
    numbers.every((key) => typeof value[key] === 'number') &&
    (value['ver'] === '1.0' || value['ver'] === '2.0') &&
    (value['roles'] === undefined || (Array.isArray(value['roles']) && value['roles'].every((role) => typeof role === 'string')))
  );
}

/** Decode a JWT's payload without verifying it (for tests and diagnostics). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  return decodeJwt(token);
}
