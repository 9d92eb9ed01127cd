// A later failure explained by an earlier token: which refusals are about the token, and which claim to blame.
import { type ClaimCheck, type ClaimName, type InspectedStage, mismatchesOf, type TokenInspection } from './tokenTypes';

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
