// Reading a token: JWT, JWE or opaque, and the few claims kept from its payload (never the rest).
import { decodeJwt } from 'jose';
import type { ClaimCheck, SafeClaims } from './tokenTypes';

/** Claims are short; a longer value is a malformed or hostile payload, cut before it reaches a view. */
const MAX_CLAIM_LENGTH = 256;
const MAX_ROLES = 50;

export type Decoded = { kind: 'jwt'; claims: Record<string, unknown> } | { kind: 'opaque' | 'encrypted' | 'unreadable' };

export function decodePayload(token: string): Decoded {
  const parts = token.trim().split('.');
  if (parts.length === 5) {
    return { kind: 'encrypted' };
  }
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) {
    return { kind: 'opaque' };
  }
  try {
    // jose reads the payload (base64url, JSON, an object) as RFC 7519 §7.2 says; it verifies nothing.
    return { kind: 'jwt', claims: decodeJwt(token.trim()) };
  } catch {
    return { kind: 'unreadable' };
  }
}

export function opaqueCheck(kind: 'opaque' | 'encrypted' | 'unreadable', nextService: string): ClaimCheck {
  const what = {
    opaque: 'The token is not a JWT (an opaque token): its claims cannot be decoded here.',
    encrypted: 'The token is an encrypted JWT (JWE): only its audience can read the claims.',
    unreadable: 'The token looks like a JWT but its payload is not JSON: it cannot be decoded.',
  }[kind];
  return {
    claim: 'format',
    status: 'unknown',
    reason: `${what} ${nextService} decides whether it accepts it.`,
    fix: 'Nothing to fix if the next stage succeeds; if it fails, its error names the cause.',
  };
}

export function safeClaims(raw: Record<string, unknown>): SafeClaims {
  const text = (key: string): string | undefined => {
    const value = raw[key];
    return typeof value === 'string' ? value.slice(0, MAX_CLAIM_LENGTH) : undefined;
  };
  const seconds = (key: string): number | undefined => {
    const value = raw[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const aud = raw['aud'];
  const audience = Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string').map((a) => a.slice(0, MAX_CLAIM_LENGTH)) : text('aud');
  const roles = Array.isArray(raw['roles'])
    ? raw['roles'].filter((r): r is string => typeof r === 'string').slice(0, MAX_ROLES).map((r) => r.slice(0, MAX_CLAIM_LENGTH))
    : undefined;
  const picked: Record<string, unknown> = {
    aud: audience,
    iss: text('iss'),
    tid: text('tid'),
    appid: text('appid'),
    azp: text('azp'),
    idtyp: text('idtyp'),
    oid: text('oid'),
    roles,
    scp: text('scp'),
    ver: text('ver'),
    exp: seconds('exp'),
    nbf: seconds('nbf'),
    iat: seconds('iat'),
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}
