/**
 * The token inspector: decodes the payload of a token the flow obtained and checks the claims the
 * next stage depends on (Key Vault for the stage-1 token, Event Hubs for the stage-4 token).
 *
 * It never keeps the token, its header or its signature, and keeps only the named claims below:
 * a token may carry personal data (name, upn, ipaddr) that has no place in a log or a view.
 * The signature is NOT verified: that is the resource's job, and it needs the issuer's keys. The
 * point here is to predict, from the claims, why the next stage would refuse the token.
 */
import { decodeJwt } from 'jose';
import { CLOUDS, cloudOf } from '../model/cloud';
import type { ConnectionProfile } from '../model/profile';
import { isGuid } from '../model/validate';

/** The stages whose output is a token. */
export type InspectedStage = 'keyVaultToken' | 'eventHubsToken';

/** The claims worth showing; everything else in the payload is dropped. */
export interface SafeClaims {
  readonly aud?: string | readonly string[];
  readonly iss?: string;
  readonly tid?: string;
  /** v1 tokens: the client id of the app that asked. */
  readonly appid?: string;
  /** v2 tokens: the same, under another name. */
  readonly azp?: string;
  /** `app` for app-only tokens (optional claim; Entra adds it for resources that ask). */
  readonly idtyp?: string;
  readonly oid?: string;
  /** App roles granted to the caller (app-only tokens). */
  readonly roles?: readonly string[];
  /** Delegated scopes (tokens issued for a user). */
  readonly scp?: string;
  readonly ver?: string;
  /** Epoch seconds. */
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
}

export type ClaimName = 'format' | 'aud' | 'tid' | 'appid' | 'roles' | 'exp' | 'nbf';
export type CheckStatus = 'ok' | 'mismatch' | 'unknown';

export interface ClaimCheck {
  readonly claim: ClaimName;
  readonly status: CheckStatus;
  /** One line: what was found and why it matters to the next stage. */
  readonly reason: string;
  /** What to change; empty when nothing needs to. */
  readonly fix: string;
}

/** Plain data (JSON-safe): what a token says and whether the next stage will accept it. Never the token. */
export interface TokenInspection {
  readonly stage: InspectedStage;
  /** What the token is for: "Key Vault" or "Event Hubs". */
  readonly nextService: string;
  /** False for an opaque (non-JWT) or unreadable token: then `claims` is empty. */
  readonly decoded: boolean;
  readonly claims: SafeClaims;
  readonly checks: readonly ClaimCheck[];
  /** Always false: said out loud so no one reads "ok" as "authentic". */
  readonly signatureVerified: false;
}

export interface InspectionContext {
  readonly stage: InspectedStage;
  readonly profile: ConnectionProfile;
  /** Epoch milliseconds. */
  readonly now: number;
  /**
   * Event Hubs token: the client id read from Key Vault. The pipeline treats it as a secret, so
   * checks say only whether it matches; the caller's redactor hides the value in `claims.appid`.
   */
  readonly expectedClientId?: string;
  /** Seconds of clock difference tolerated on exp/nbf. */
  readonly clockSkewSeconds?: number;
}

/** The default clock skew of Microsoft.IdentityModel's token validation, which Azure resources use. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

const SIGNATURE_NOTE = 'The signature is not verified here (only the claims are read); the service checks it.';
/** Claims are short; a longer value is a malformed or hostile payload, cut before it reaches a view. */
const MAX_CLAIM_LENGTH = 256;
const MAX_ROLES = 50;

export function inspectToken(token: string, context: InspectionContext): TokenInspection {
  const nextService = context.stage === 'keyVaultToken' ? 'Key Vault' : 'Event Hubs';
  const base = { stage: context.stage, nextService, signatureVerified: false as const };
  const payload = decodePayload(token);
  if (payload.kind !== 'jwt') {
    return { ...base, decoded: false, claims: {}, checks: [opaqueCheck(payload.kind, nextService)] };
  }
  const claims = safeClaims(payload.claims);
  const checks = context.stage === 'keyVaultToken' ? keyVaultChecks(claims, context) : eventHubsChecks(claims, context);
  return { ...base, decoded: true, claims, checks };
}

/** The checks that found a problem: what a later failure quotes as its likely cause. */
export function mismatchesOf(inspection: TokenInspection | undefined): readonly ClaimCheck[] {
  return inspection?.checks.filter((c) => c.status === 'mismatch') ?? [];
}

/** One line for the log and the tree: "claims ok (aud, tid, exp, nbf)", or the checks that are not ok ("aud mismatch"). */
export function summarizeInspection(inspection: TokenInspection): string {
  if (!inspection.decoded) {
    return 'token not decodable (opaque)';
  }
  const bad = inspection.checks.filter((c) => c.status !== 'ok');
  if (bad.length === 0) {
    return `claims ok (${inspection.checks.map((c) => c.claim).join(', ')})`;
  }
  return bad.map((c) => `${c.claim} ${c.status}`).join(', ');
}

/** Multi-line text for the CLI. Redact it like everything printed. */
export function formatInspection(inspection: TokenInspection): string {
  const lines = [`Token for ${inspection.nextService} (${inspection.stage === 'keyVaultToken' ? 'stage 1' : 'stage 4'})`];
  if (inspection.decoded) {
    lines.push('Claims:');
    for (const [name, value] of Object.entries(inspection.claims) as [keyof SafeClaims, SafeClaims[keyof SafeClaims]][]) {
      lines.push(`  ${name.padEnd(6)} ${describeClaim(name, value)}`);
    }
  }
  lines.push('Checks:');
  for (const check of inspection.checks) {
    lines.push(`  ${MARKS[check.status]} ${check.claim.padEnd(6)} ${check.status.padEnd(8)} ${check.reason}`);
    if (check.fix) {
      lines.push(`  ${' '.repeat(17)}Fix: ${check.fix}`);
    }
  }
  lines.push(SIGNATURE_NOTE);
  return lines.join('\n');
}

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: '✔', mismatch: '✘', unknown: '?' };

/** A read-only Markdown report (the extension's "Inspect Token" view). Redact it like everything shown. */
export function formatInspectionMarkdown(inspection: TokenInspection, heading: string): string {
  const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/[\r\n]+/g, ' ');
  const stageNumber = inspection.stage === 'keyVaultToken' ? 1 : 4;
  const lines = [
    `# ${cell(heading)}`,
    '',
    `Token of stage ${stageNumber}, checked against what ${inspection.nextService} needs. The token itself is not shown. ${SIGNATURE_NOTE}`,
    '',
  ];
  const mismatches = mismatchesOf(inspection);
  lines.push(
    mismatches.length === 0
      ? `**No mismatch:** the token fits ${inspection.nextService}.`
      : `**${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}:** ${inspection.nextService} will likely refuse this token.`,
    '',
    '## Checks',
    '',
    '| | Claim | Status | Reason | Fix |',
    '|---|---|---|---|---|',
  );
  for (const check of inspection.checks) {
    lines.push(`| ${MARKS[check.status]} | \`${check.claim}\` | ${check.status} | ${cell(check.reason)} | ${cell(check.fix)} |`);
  }
  if (inspection.decoded) {
    lines.push('', '## Claims', '', '| Claim | Value |', '|---|---|');
    for (const [name, value] of Object.entries(inspection.claims) as [keyof SafeClaims, SafeClaims[keyof SafeClaims]][]) {
      lines.push(`| \`${name}\` | ${cell(describeClaim(name, value))} |`);
    }
  }
  return lines.join('\n') + '\n';
}

function describeClaim(name: keyof SafeClaims, value: SafeClaims[keyof SafeClaims]): string {
  if ((name === 'exp' || name === 'nbf' || name === 'iat') && typeof value === 'number') {
    return `${value} (${isoOf(value)})`;
  }
  return Array.isArray(value) ? value.join(', ') : String(value);
}

// ---------------------------------------------------------------------------------------------
// Decoding

type Decoded = { kind: 'jwt'; claims: Record<string, unknown> } | { kind: 'opaque' | 'encrypted' | 'unreadable' };

function decodePayload(token: string): Decoded {
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

function opaqueCheck(kind: 'opaque' | 'encrypted' | 'unreadable', nextService: string): ClaimCheck {
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

function safeClaims(raw: Record<string, unknown>): SafeClaims {
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

// ---------------------------------------------------------------------------------------------
// Checks

function keyVaultChecks(claims: SafeClaims, context: InspectionContext): ClaimCheck[] {
  const auth = context.profile.keyVault.auth;
  return [
    keyVaultAudience(claims, context.profile),
    tenantCheck(claims, auth.tenantId, 'the Key Vault token tenant in the profile', 'Key Vault accepts tokens only from the tenant the vault belongs to, and answers AKV10032 (invalid issuer) otherwise.'),
    ...timeChecks(claims, context),
  ];
}

function eventHubsChecks(claims: SafeClaims, context: InspectionContext): ClaimCheck[] {
  return [
    eventHubsAudience(claims, context.profile),
    tenantCheck(claims, context.profile.eventHubsToken.tenantId, "the profile's Event Hubs tenant", 'The token must come from the tenant of the pipeline service principal that was granted access to the endpoint.'),
    appIdCheck(claims, context.expectedClientId),
    appOnlyCheck(claims),
    ...timeChecks(claims, context),
  ];
}

function audiencesOf(claims: SafeClaims): readonly string[] {
  return claims.aud === undefined ? [] : typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
}

function keyVaultAudience(claims: SafeClaims, profile: ConnectionProfile): ClaimCheck {
  const cloud = cloudOf(profile.cloud);
  const expected = cloud.keyVaultResource;
  const audiences = audiencesOf(claims);
  const askFor = `Request the token for resource ${expected} (v1) or scope ${expected}/.default (v2): exactly that, no trailing slash, not the vault's own address.`;
  if (audiences.length === 0) {
    return { claim: 'aud', status: 'mismatch', reason: `The token has no audience; Key Vault expects ${expected}.`, fix: askFor };
  }
  if (audiences.includes(expected)) {
    return { claim: 'aud', status: 'ok', reason: `aud is ${expected}, the Key Vault resource of ${cloud.displayName}.`, fix: '' };
  }
  const found = audiences.join(', ');
  const stem = `aud is ${found}, but Key Vault expects exactly ${expected} and answers AKV10022 (invalid audience)`;
  const [first = ''] = audiences;
  const trimmed = first.replace(/\/+$/, '');
  if (trimmed === expected) {
    return { claim: 'aud', status: 'mismatch', reason: `${stem}: the trailing slash is enough to be refused.`, fix: askFor };
  }
  if (first.toLowerCase().includes(cloud.keyVaultSuffix)) {
    return { claim: 'aud', status: 'mismatch', reason: `${stem}: the token was requested for the vault's own address, not the Key Vault resource.`, fix: askFor };
  }
  const otherCloud = Object.values(CLOUDS).find((c) => c.keyVaultResource === trimmed);
  if (otherCloud) {
    return {
      claim: 'aud',
      status: 'mismatch',
      reason: `${stem}: this is the Key Vault resource of ${otherCloud.displayName}, the profile's cloud is ${cloud.displayName}.`,
      fix: `Set the profile's cloud to the one the vault lives in, or ${askFor.charAt(0).toLowerCase()}${askFor.slice(1)}`,
    };
  }
  const what = /management\.(core\.windows\.net|azure\.com)/i.test(first) ? ': this is an Azure Resource Manager (management) token' : '';
  return { claim: 'aud', status: 'mismatch', reason: `${stem}${what}.`, fix: askFor };
}

function eventHubsAudience(claims: SafeClaims, profile: ConnectionProfile): ClaimCheck {
  const expected = cloudOf(profile.cloud).eventHubsResource;
  const accepted = [expected, `${expected}/`];
  const audiences = audiencesOf(claims);
  const askFor = `Request the token with resource=${expected} (v1) or scope=${expected}/.default (v2); the resource is the same in every cloud.`;
  if (audiences.some((a) => accepted.includes(a))) {
    return { claim: 'aud', status: 'ok', reason: `aud is ${audiences.find((a) => accepted.includes(a))}, which Event Hubs accepts (with or without the trailing slash).`, fix: '' };
  }
  if (audiences.length === 0) {
    return { claim: 'aud', status: 'mismatch', reason: `The token has no audience; Event Hubs expects ${expected}.`, fix: askFor };
  }
  const found = audiences.join(', ');
  if (audiences.some((a) => /^https:\/\/[^/]+\.servicebus\./i.test(a))) {
    return {
      claim: 'aud',
      status: 'unknown',
      reason: `aud is ${found}, a namespace audience: Event Hubs documents it for Kafka clients; this flow requests ${expected}.`,
      fix: `If the send fails with InvalidAudience: ${askFor}`,
    };
  }
  const what = /management\.(core\.windows\.net|azure\.com)/i.test(found) ? ' (an Azure Resource Manager token)' : '';
  return {
    claim: 'aud',
    status: 'mismatch',
    reason: `aud is ${found}${what}, but Event Hubs expects ${expected} and answers 401 InvalidAudience.`,
    fix: askFor,
  };
}

/** The tenant in `tid`, or in the issuer (`https://sts.windows.net/{tid}/`, `…/{tid}/v2.0`) when `tid` is absent. */
function tenantOf(claims: SafeClaims): string | undefined {
  if (claims.tid) {
    return claims.tid;
  }
  return claims.iss ? /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(claims.iss)?.[0] : undefined;
}

function tenantCheck(claims: SafeClaims, expected: string | undefined, whose: string, why: string): ClaimCheck {
  const found = tenantOf(claims);
  if (!found) {
    return { claim: 'tid', status: 'unknown', reason: 'The token names no tenant (no tid, no tenant in iss).', fix: '' };
  }
  if (!expected) {
    return {
      claim: 'tid',
      status: 'unknown',
      reason: `The token comes from tenant ${found}; the profile names no tenant to compare with. ${why}`,
      fix: 'Set the tenant in the profile to pin the token to the right directory.',
    };
  }
  if (!isGuid(expected)) {
    return {
      claim: 'tid',
      status: 'unknown',
      reason: `The token comes from tenant ${found}; ${whose} is a domain name (${expected}), which cannot be compared with the tenant id offline.`,
      fix: "Use the Directory (tenant) ID GUID in the profile to have this checked.",
    };
  }
  if (found.toLowerCase() !== expected.toLowerCase()) {
    return {
      claim: 'tid',
      status: 'mismatch',
      reason: `The token comes from tenant ${found}, not from ${whose} (${expected}). ${why}`,
      fix: `Request the token from tenant ${expected} (the authority URL's tenant segment), or correct ${whose}.`,
    };
  }
  const issuerTenant = claims.iss ? /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(claims.iss)?.[0] : undefined;
  if (issuerTenant && issuerTenant.toLowerCase() !== found.toLowerCase()) {
    return { claim: 'tid', status: 'mismatch', reason: `tid is ${found} but the issuer names tenant ${issuerTenant}: the token is inconsistent.`, fix: 'Request a new token from the right tenant.' };
  }
  return { claim: 'tid', status: 'ok', reason: `tid is ${found}, ${whose}.`, fix: '' };
}

function appIdCheck(claims: SafeClaims, expectedClientId: string | undefined): ClaimCheck {
  // The value is never put in the reason: the pipeline treats its client id as a secret.
  const found = claims.appid ?? claims.azp;
  if (!found) {
    return { claim: 'appid', status: 'unknown', reason: 'The token names no client (no appid or azp claim).', fix: '' };
  }
  if (expectedClientId === undefined) {
    return { claim: 'appid', status: 'unknown', reason: 'The client id read from Key Vault is not known here, so appid cannot be compared.', fix: '' };
  }
  if (found.toLowerCase() === expectedClientId.trim().toLowerCase()) {
    return { claim: 'appid', status: 'ok', reason: 'appid matches the client id read from Key Vault.', fix: '' };
  }
  return {
    claim: 'appid',
    status: 'mismatch',
    reason: 'appid does not match the client id read from Key Vault: the token was issued to another app.',
    fix: 'Make sure stage 4 sends the client id read in stage 2 (and the secret of that same app read in stage 3).',
  };
}

function appOnlyCheck(claims: SafeClaims): ClaimCheck {
  const where =
    'Send permission is not in the token: Event Hubs checks the Azure Event Hubs Data Sender role (namespace or event hub, Access control (IAM)), and a Fabric custom endpoint checks a workspace role (Contributor or higher) plus the tenant setting that lets service principals use Fabric APIs.';
  const roles = claims.roles && claims.roles.length > 0 ? ` App roles in the token: ${claims.roles.join(', ')}.` : '';
  if (claims.scp !== undefined) {
    return {
      claim: 'roles',
      status: 'mismatch',
      reason: `The token is delegated (scp: ${claims.scp}), issued for a user; the pipeline sends with an app-only token of its service principal. ${where}`,
      fix: 'Request the token with the client-credentials grant, as the Web activity does.',
    };
  }
  const appOnly = claims.idtyp === 'app' || claims.appid !== undefined || claims.azp !== undefined;
  if (!appOnly) {
    return { claim: 'roles', status: 'unknown', reason: `The token does not say whether it is app-only. ${where}`, fix: '' };
  }
  return { claim: 'roles', status: 'ok', reason: `App-only token (client credentials), as the pipeline uses.${roles} ${where}`, fix: '' };
}

function timeChecks(claims: SafeClaims, context: InspectionContext): ClaimCheck[] {
  const skew = context.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const now = Math.floor(context.now / 1000);
  const clockFix = "Check this computer's clock (and time zone) against an Internet time source, then request a new token.";
  const exp: ClaimCheck =
    claims.exp === undefined
      ? { claim: 'exp', status: 'unknown', reason: 'The token has no expiry (exp).', fix: '' }
      : claims.exp + skew < now
        ? {
            claim: 'exp',
            status: 'mismatch',
            reason: `The token expired at ${isoOf(claims.exp)} (${minutes(now - claims.exp)} ago, beyond the ${skew} s clock skew allowed).`,
            fix: 'Request a new token (a cached token outlived its expiry), or correct the clock if it is wrong.',
          }
        : { claim: 'exp', status: 'ok', reason: `Valid until ${isoOf(claims.exp)} (${claims.exp >= now ? `${minutes(claims.exp - now)} left` : 'just expired, within the clock skew'}).`, fix: '' };
  const nbf: ClaimCheck =
    claims.nbf === undefined
      ? { claim: 'nbf', status: 'ok', reason: 'No not-before time (nbf): valid from issue.', fix: '' }
      : claims.nbf - skew > now
        ? {
            claim: 'nbf',
            status: 'mismatch',
            reason: `The token is not valid before ${isoOf(claims.nbf)} (${minutes(claims.nbf - now)} from now by this computer's clock): the clocks disagree.`,
            fix: clockFix,
          }
        : { claim: 'nbf', status: 'ok', reason: `Valid since ${isoOf(claims.nbf)}.`, fix: '' };
  return [exp, nbf];
}

function isoOf(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString();
}

function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 1 ? `${m} min` : `${Math.max(0, Math.round(seconds))} s`;
}

// ---------------------------------------------------------------------------------------------
// Likely cause of a later failure

/** Codes by which a resource says it refused the token itself (wire facts §1.5, §4.4, §7.3). */
const TOKEN_REFUSAL_CODES: ReadonlySet<string> = new Set([
  'AKV10000',
  'AKV10022',
  'AKV10032',
  'Unauthorized',
  'InvalidAudience',
  'InvalidIssuer',
  'ExpiredToken',
  'TokenExpired',
  'InvalidSignature',
  'EventHubsUnauthorized',
  'UnauthorizedError',
  '40103',
  '40104',
  '40105',
]);

/** The claim each refusal points at, so its mismatch is listed first. */
const CLAIM_OF_CODE: Readonly<Record<string, ClaimName>> = {
  AKV10022: 'aud',
  InvalidAudience: 'aud',
  '40104': 'aud',
  AKV10032: 'tid',
  InvalidIssuer: 'tid',
  ExpiredToken: 'exp',
  TokenExpired: 'exp',
};

/** The stage whose token a stage presents: Key Vault reads use stage 1's, the endpoint stage 4's. */
export function tokenStageFor(stage: string): InspectedStage | undefined {
  switch (stage) {
    case 'readClientId':
    case 'readClientSecret':
      return 'keyVaultToken';
    case 'send':
    case 'probe':
      return 'eventHubsToken';
    default:
      return undefined;
  }
}

/** Whether a failure (by code, inner code or HTTP status) is the resource refusing the token. */
export function isTokenRefusal(failure: { readonly code: string; readonly innerCode?: string; readonly status?: number }): boolean {
  return TOKEN_REFUSAL_CODES.has(failure.code) || (failure.innerCode !== undefined && TOKEN_REFUSAL_CODES.has(failure.innerCode)) || failure.status === 401;
}

/**
 * The inspection's mismatches that explain a token refusal, the refused claim first; empty when
 * the failure is not a token refusal or the token looked right.
 */
export function likelyCausesOf(failure: { readonly code: string; readonly innerCode?: string; readonly status?: number }, inspection: TokenInspection | undefined): readonly ClaimCheck[] {
  if (!isTokenRefusal(failure)) {
    return [];
  }
  const claim = CLAIM_OF_CODE[failure.code] ?? (failure.innerCode ? CLAIM_OF_CODE[failure.innerCode] : undefined);
  const mismatches = mismatchesOf(inspection);
  return [...mismatches.filter((m) => m.claim === claim), ...mismatches.filter((m) => m.claim !== claim)];
}
