// The checks: what Key Vault (stage-1 token) and Event Hubs (stage-4 token) will look at in a token's claims.
import { CLOUDS, cloudOf } from '../model/cloud';
import type { ConnectionProfile } from '../model/profile';
import { isGuid } from '../model/validate';
import { type ClaimCheck, DEFAULT_CLOCK_SKEW_SECONDS, type InspectionContext, type SafeClaims } from './tokenTypes';

export function keyVaultChecks(claims: SafeClaims, context: InspectionContext): ClaimCheck[] {
  const auth = context.profile.keyVault.auth;
  return [
    keyVaultAudience(claims, context.profile),
    tenantCheck(claims, auth.tenantId, 'the Key Vault token tenant in the profile', 'Key Vault accepts tokens only from the tenant the vault belongs to, and answers AKV10032 (invalid issuer) otherwise.'),
    ...timeChecks(claims, context),
  ];
}

export function eventHubsChecks(claims: SafeClaims, context: InspectionContext): ClaimCheck[] {
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

export function isoOf(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString();
}

function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 1 ? `${m} min` : `${Math.max(0, Math.round(seconds))} s`;
}
