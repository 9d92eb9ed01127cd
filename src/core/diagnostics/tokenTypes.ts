// What a token inspection is: the claims kept, the checks made, the context they are made in.
import type { ConnectionProfile } from '../model/profile';

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

/** The checks that found a problem: what a later failure quotes as its likely cause. */
export function mismatchesOf(inspection: TokenInspection | undefined): readonly ClaimCheck[] {
  return inspection?.checks.filter((c) => c.status === 'mismatch') ?? [];
}
