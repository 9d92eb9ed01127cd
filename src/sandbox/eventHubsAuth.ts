/**
 * How the Event Hubs peer decides whether a token may send to a resource, shared by REST
 * (`Authorization` header) and AMQP (`$cbs` put-token, `$management` security_token).
 *
 * The SAS check is written from the token format (wire facts §5.1), not from client code, so
 * that a client bug cannot hide behind the same bug in the peer.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  RECEIVE_ROLE,
  SEND_ROLE,
  claimFor,
  entityExists,
  listenClaimText,
  entityNotFoundText,
  isOwnNamespace,
  parseResource,
  sendClaimText,
  type Claim,
  type Namespace,
  sameAddressedHost,
} from './eventHubsCommon';
import type { TokenVerifier, WorldState } from './internal';

/** Both spellings reach the service: the SDK asks for `https://eventhubs.azure.net//.default` (aud with slash), v1 callers often omit it. */
const EVENT_HUBS_AUDIENCES: ReadonlySet<string> = new Set(['https://eventhubs.azure.net', 'https://eventhubs.azure.net/']);

export type TokenType = 'jwt' | 'sas';

export interface AuthSuccess {
  readonly ok: true;
  readonly type: TokenType;
  /** Who sends: the JWT appid or the SAS key name (recorded with each event). */
  readonly identity: string;
  /** JWT appid, for fault matching. */
  readonly clientId?: string;
  /** Epoch ms after which the token no longer authorizes anything. */
  readonly expiresAt: number;
  /** What the token allows; a link checks its own claim (a hub-wide token may cover a consumer path). */
  readonly rights: ReadonlySet<Claim>;
}

export type AuthFailureReason =
  | 'MalformedToken'
  | 'InvalidSignature'
  | 'InvalidAudience'
  | 'InvalidIssuer'
  | 'ExpiredToken'
  | 'MissingSendClaim'
  | 'MissingListenClaim'
  | 'EntityNotFound';

export interface AuthFailure {
  readonly ok: false;
  readonly reason: AuthFailureReason;
  /** 401, or 404 for an unknown entity (the SDK maps the AMQP text to MessagingEntityNotFoundError). */
  readonly status: 401 | 404;
  readonly condition: 'amqp:unauthorized-access' | 'amqp:not-found';
  /** The service's text, without the TrackingId tail. */
  readonly text: string;
  /** Known even when the token was refused, for fault matching and logs. */
  readonly clientId?: string;
}

export type AuthResult = AuthSuccess | AuthFailure;

export interface AuthContext {
  readonly world: WorldState;
  readonly tokens: TokenVerifier;
  readonly ns: Namespace;
  readonly now?: () => number;
}

export function authFailure(reason: AuthFailureReason, text: string, clientId?: string): AuthFailure {
  const notFound = reason === 'EntityNotFound';
  return {
    ok: false,
    reason,
    status: notFound ? 404 : 401,
    condition: notFound ? 'amqp:not-found' : 'amqp:unauthorized-access',
    text,
    ...(clientId ? { clientId } : {}),
  };
}

export const INVALID_AUDIENCE_TEXT = 'InvalidAudience: The authorization header contains a token with a wrong audience.';
const SAS_SIGNATURE_TEXT = 'InvalidSignature: The token has an invalid signature.';
const JWT_SIGNATURE_TEXT = '40103: Invalid authorization token signature';
const MALFORMED_TEXT = 'MalformedToken: The credentials contained in the authorization header are not in the WRAP format.';
const ISSUER_TEXT = 'InvalidIssuer: Token issuer is invalid.';

function expiredText(expiresAtMs: number | undefined): string {
  const when = expiresAtMs === undefined ? 'unknown' : new Date(expiresAtMs).toISOString();
  return `ExpiredToken: The token is expired. Expiration time: '${when}'`;
}

/**
 * Checks a token of either type against the resource it is used for (an entity URI such as
 * `sb://localhost:P/hub/Partitions/0`). `need` defaults to the resource's claim (Listen under
 * ConsumerGroups, Send otherwise); `any` takes either right ($management reads).
 */
export function authorize(token: string, type: TokenType, resource: string, ctx: AuthContext, need?: Claim | 'any'): AuthResult {
  const result = type === 'sas' ? authorizeSas(token, resource, ctx) : authorizeJwt(token, resource, ctx);
  if (!result.ok) {
    return result;
  }
  const segments = parseResource(resource)?.segments ?? [];
  const claim = need ?? claimFor(segments);
  if (claim === 'any' ? result.rights.size > 0 : result.rights.has(claim)) {
    return result;
  }
  return missingClaim(claim === 'Listen' ? 'Listen' : 'Send', segments, ctx, result.clientId);
}

/** The service's refusal for a token without the claim a path needs. */
export function missingClaim(claim: Claim, segments: readonly string[], ctx: AuthContext, clientId?: string): AuthFailure {
  return claim === 'Listen'
    ? authFailure('MissingListenClaim', listenClaimText(ctx.ns, segments.join('/')), clientId)
    : authFailure('MissingSendClaim', sendClaimText(ctx.ns, ctx.world.eventHubName), clientId);
}

/** Parses `SharedAccessSignature sr=…&sig=…&se=…&skn=…` without form-decoding (`+` in base64 must stay `+`). */
export function parseSasToken(token: string): Record<string, string> | undefined {
  const match = /^SharedAccessSignature\s+(.+)$/.exec(token.trim());
  if (!match?.[1]) {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const part of match[1].split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      return undefined;
    }
    try {
      fields[part.slice(0, eq).toLowerCase()] = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return undefined;
    }
  }
  return fields;
}

function rawField(token: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|[\\s&])${name}=([^&]*)`).exec(token);
  return match?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function authorizeSas(token: string, resource: string, ctx: AuthContext): AuthResult {
  const now = (ctx.now ?? Date.now)();
  const fields = parseSasToken(token);
  const sr = fields?.['sr'];
  const sig = fields?.['sig'];
  const se = fields?.['se'];
  const skn = fields?.['skn'];
  if (!fields || !sr || !sig || !se || !skn || !/^\d+$/.test(se)) {
    return authFailure('MalformedToken', MALFORMED_TEXT);
  }
  const rule = ctx.world.sasRules.get(skn);
  if (!rule) {
    return authFailure('InvalidSignature', SAS_SIGNATURE_TEXT);
  }
  // The key string's UTF-8 bytes are the HMAC key; the string to sign is the URL-encoded resource,
  // LF, expiry. The encoded form as it appears in the token is accepted too: encoders differ
  // (e.g. hex case), and what the client signed is what it sent.
  const candidates = new Set([`${encodeURIComponent(sr)}\n${se}`]);
  const rawSr = rawField(token, 'sr');
  if (rawSr) {
    candidates.add(`${rawSr}\n${se}`);
  }
  const signed = [...candidates].some((toSign) => sameSecret(createHmac('sha256', rule.key).update(toSign, 'utf8').digest('base64'), sig));
  if (!signed) {
    return authFailure('InvalidSignature', SAS_SIGNATURE_TEXT);
  }
  const expiresAt = Number(se) * 1000;
  if (expiresAt <= now) {
    return authFailure('ExpiredToken', expiredText(expiresAt));
  }
  const target = parseResource(resource);
  const scope = parseResource(sr);
  // The rules are entity-level (like Fabric custom-endpoint keys), so `sr` must name the hub and be a prefix of the resource.
  if (!target || !scope || !isOwnNamespace(ctx.ns, scope) || !sameAddressedHost(scope, target) || scope.segments.length === 0 || !isPrefix(scope.segments, target.segments)) {
    return authFailure('InvalidAudience', INVALID_AUDIENCE_TEXT);
  }
  const hub = target.segments[0];
  if (!entityExists(ctx.world, hub)) {
    return authFailure('EntityNotFound', entityNotFoundText(ctx.ns, hub ?? ''));
  }
  // Manage implies Send and Listen (wire facts §5.1).
  const manage = rule.rights.includes('Manage');
  const rights = new Set<Claim>((['Send', 'Listen'] as const).filter((right) => manage || rule.rights.includes(right)));
  return { ok: true, type: 'sas', identity: skn, expiresAt, rights };
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((segment, i) => segment.toLowerCase() === of[i]?.toLowerCase());
}

/** The `exp` of a JWT the verifier refused, for the ExpiredToken text. */
function peekExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function authorizeJwt(token: string, resource: string, ctx: AuthContext): AuthResult {
  const checked = ctx.tokens.verify(token.replace(/^Bearer\s+/i, ''));
  if (!checked.ok) {
    switch (checked.reason) {
      case 'expired':
        return authFailure('ExpiredToken', expiredText(peekExpiry(token)));
      case 'badSignature':
        return authFailure('InvalidSignature', JWT_SIGNATURE_TEXT);
      default:
        return authFailure('MalformedToken', MALFORMED_TEXT);
    }
  }
  // Expiry (with the issuer's clock skew) is the verifier's call.
  const { claims } = checked;
  if (!EVENT_HUBS_AUDIENCES.has(claims.aud)) {
    return authFailure('InvalidAudience', INVALID_AUDIENCE_TEXT, claims.appid);
  }
  if (claims.tid !== ctx.world.tenantId || !claims.iss.includes(ctx.world.tenantId)) {
    return authFailure('InvalidIssuer', ISSUER_TEXT, claims.appid);
  }
  const target = parseResource(resource);
  if (!target || !isOwnNamespace(ctx.ns, target)) {
    return authFailure('InvalidAudience', INVALID_AUDIENCE_TEXT, claims.appid);
  }
  const hub = target.segments[0];
  if (!entityExists(ctx.world, hub)) {
    return authFailure('EntityNotFound', entityNotFoundText(ctx.ns, hub ?? ''), claims.appid);
  }
  const roles = ctx.world.roles.get(claims.appid);
  const rights = new Set<Claim>();
  if (roles?.has(SEND_ROLE)) {
    rights.add('Send');
  }
  if (roles?.has(RECEIVE_ROLE)) {
    rights.add('Listen');
  }
  return { ok: true, type: 'jwt', identity: claims.appid, clientId: claims.appid, expiresAt: claims.exp * 1000, rights };
}
