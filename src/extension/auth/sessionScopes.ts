/**
 * Pure helpers for VS Code Microsoft sessions (no vscode import, unit-tested): the scope list a
 * session is asked for, and the expiry of the access token it hands back.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * The resource scopes plus `VSCODE_TENANT:<tid>` when a specific tenant is known. Multi-tenant
 * aliases (common, organizations) are left out: the session then uses the account's home tenant.
 * Scopes are de-duplicated and sorted, as VS Code matches sessions by the scope set.
 */
export function sessionScopesFor(scopes: readonly string[], tenantId?: string): string[] {
  const out = new Set(scopes.map((s) => s.trim()).filter((s) => s.length > 0));
  const tenant = tenantId?.trim();
  if (tenant && (GUID.test(tenant) || DOMAIN.test(tenant)) && !['common', 'organizations', 'consumers'].includes(tenant.toLowerCase())) {
    out.add(`VSCODE_TENANT:${tenant}`);
  }
  return [...out].sort();
}

/** Fallback lifetime when the token is opaque: sessions are refreshed by VS Code well before an hour. */
export const OPAQUE_TOKEN_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Epoch ms of the token's `exp` claim, or `now + OPAQUE_TOKEN_LIFETIME_MS` when it is not a JWT.
 * Only the payload's `exp` is read; the token is never logged.
 */
export function accessTokenExpiry(token: string, now: number): number {
  const payload = token.split('.')[1];
  if (!payload) {
    return now + OPAQUE_TOKEN_LIFETIME_MS;
  }
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : now + OPAQUE_TOKEN_LIFETIME_MS;
  } catch {
    return now + OPAQUE_TOKEN_LIFETIME_MS;
  }
}

/** Typed "no session": the tree shows a sign-in node for it, the command wrapper a Sign In button. */
export class NotSignedInError extends Error {
  readonly code = 'NotSignedIn';
  readonly isNotSignedInError = true as const;
  constructor(readonly providerId: string) {
    super(
      providerId === 'microsoft-sovereign-cloud'
        ? 'Not signed in to a sovereign-cloud Microsoft account in VS Code (set microsoft-sovereign-cloud.environment, then sign in).'
        : 'Not signed in to a Microsoft account in VS Code.',
    );
    this.name = 'NotSignedInError';
  }
}

/** Matches the typed error and the core's own `{ code: 'NotSignedIn' }` (no provider at all), also once explained. */
export function isNotSignedIn(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ((value as { isNotSignedInError?: unknown }).isNotSignedInError === true || (value as { code?: unknown }).code === 'NotSignedIn');
}
