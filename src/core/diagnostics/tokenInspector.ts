/**
 * The token inspector: decodes the payload of a token the flow obtained and checks the claims the
 * next stage depends on (Key Vault for the stage-1 token, Event Hubs for the stage-4 token).
 *
 * It never keeps the token, its header or its signature, and keeps only the claims SafeClaims names (tokenTypes.ts):
 * a token may carry personal data (name, upn, ipaddr) that has no place in a log or a view.
 * The signature is NOT verified: that is the resource's job, and it needs the issuer's keys. The
 * point here is to predict, from the claims, why the next stage would refuse the token.
 */
import { decodePayload, opaqueCheck, safeClaims } from './tokenClaims';
import { eventHubsChecks, keyVaultChecks } from './tokenChecks';
import type { InspectionContext, TokenInspection } from './tokenTypes';

export * from './tokenTypes';
export { formatInspection, formatInspectionMarkdown, summarizeInspection } from './tokenReport';
export { isTokenRefusal, likelyCausesOf, tokenStageFor } from './tokenRefusal';

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
