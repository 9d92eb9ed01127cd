/**
 * Secret hygiene: is a Key Vault secret (version) usable and due for rotation? Pure: the caller
 * hands in the attributes Key Vault lists (never a value), the time and the warning window.
 * Used by the tree (icons, tooltips), the read stages' summaries and the CLI.
 */

export type SecretRole = 'clientId' | 'clientSecret';

/** What Key Vault lists about one secret version (attributes only). */
export interface SecretAttributes {
  readonly version?: string;
  readonly enabled: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
}

export type HygieneStatus =
  | { readonly kind: 'ok' }
  /** Expires within the warning window; `days` ≥ 1 (a part day counts as a day). */
  | { readonly kind: 'expiringSoon'; readonly days: number }
  /** `daysAgo` ≥ 0 (0 = expired earlier today). */
  | { readonly kind: 'expired'; readonly daysAgo: number }
  | { readonly kind: 'disabled' }
  /** `nbf` lies in the future; `days` ≥ 1. */
  | { readonly kind: 'notYetValid'; readonly days: number };

export interface HygieneVerdict {
  readonly status: HygieneStatus;
  /** `error`: reading it fails or it is past its date; `warning`: act soon; `ok`: nothing to do. */
  readonly severity: 'ok' | 'warning' | 'error';
  /** One line, e.g. "Expires in 12 days (2027-01-31)". */
  readonly message: string;
  /** What to do about it; absent when the status is ok. */
  readonly fix?: string;
}

export interface HygieneOptions {
  /** Milliseconds since epoch. */
  readonly now: number;
  /** Warn this many days before `expiresOn`; 0 turns the early warning off. */
  readonly warningDays: number;
  /** Which pipeline value the secret holds, if any: the fix is worded for it. */
  readonly role?: SecretRole;
  /** The secret's name, for the fix text. */
  readonly name?: string;
  /** The version the profile pins (absent: the pipeline reads the latest). */
  readonly pinnedVersion?: string;
  /** Every version of the secret (any order): lets the fix point at a usable newer version. */
  readonly versions?: readonly SecretAttributes[];
}

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Said once where the pipeline's client secret is shown: Key Vault's `exp` is only what someone
 * typed in when storing the value; Entra enforces the app credential's own end date.
 */
export const APP_SECRET_EXPIRY_NOTE =
  "Key Vault cannot know when the app registration's client secret expires: its own end date (Entra ID → App registrations → the app → Certificates & secrets) may differ from this secret's expiry. When it passes, Entra answers AADSTS7000222.";

/** A usable warning window from a setting or flag: a finite number ≥ 0 (whole days), else the default. */
export function normalizeWarningDays(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : DEFAULT_EXPIRY_WARNING_DAYS;
}

/** The state of one secret version. Precedence: disabled, expired, not yet valid, expiring soon. */
export function secretStatus(attributes: SecretAttributes, now: number, warningDays: number): HygieneStatus {
  if (!attributes.enabled) {
    return { kind: 'disabled' };
  }
  const expires = validTime(attributes.expiresOn);
  if (expires !== undefined && expires <= now) {
    return { kind: 'expired', daysAgo: Math.floor((now - expires) / DAY_MS) };
  }
  const notBefore = validTime(attributes.notBefore);
  if (notBefore !== undefined && notBefore > now) {
    return { kind: 'notYetValid', days: Math.ceil((notBefore - now) / DAY_MS) };
  }
  if (expires !== undefined) {
    const days = Math.ceil((expires - now) / DAY_MS);
    if (days <= warningDays) {
      return { kind: 'expiringSoon', days };
    }
  }
  return { kind: 'ok' };
}

/** Status, one-line message and the fix, worded for the secret's role in the pipeline. */
export function assessSecret(attributes: SecretAttributes, options: HygieneOptions): HygieneVerdict {
  const status = secretStatus(attributes, options.now, normalizeWarningDays(options.warningDays));
  const day = (d: Date | undefined): string => (d && validTime(d) !== undefined ? d.toISOString().slice(0, 10) : '');
  switch (status.kind) {
    case 'ok':
      return { status, severity: 'ok', message: attributes.expiresOn ? `Valid until ${day(attributes.expiresOn)}` : 'Enabled, no expiry date' };
    case 'disabled':
      return {
        status,
        severity: 'error',
        message: 'Disabled: Key Vault refuses to read it (403 SecretDisabled)',
        fix: withNewerVersion(
          `enable it (Key Vault → Secrets → ${options.name ?? 'the secret'} → this version → Enabled) or store the value as a new enabled version`,
          attributes,
          options,
        ),
      };
    case 'expired':
      return {
        status,
        severity: 'error',
        message: `Expired ${status.daysAgo === 0 ? 'today' : `${status.daysAgo} day${plural(status.daysAgo)} ago`} (${day(attributes.expiresOn)})`,
        fix: withNewerVersion(rotation(options), attributes, options),
      };
    case 'notYetValid':
      return {
        status,
        severity: 'error',
        message: `Not valid yet: activates in ${status.days} day${plural(status.days)} (${day(attributes.notBefore)})`,
        fix: `clear the activation date, or wait until ${day(attributes.notBefore)}; until then ${options.pinnedVersion ? 'pin an active version' : 'the pipeline still reads this latest version'}`,
      };
    case 'expiringSoon':
      return {
        status,
        severity: 'warning',
        message: `Expires in ${status.days} day${plural(status.days)} (${day(attributes.expiresOn)})`,
        fix: rotation(options),
      };
  }
}

/** Which versions need attention, in one count, for a vault-level badge. */
export function needsAttention(verdict: HygieneVerdict): boolean {
  return verdict.severity !== 'ok';
}

/** The newest version first (by created, then updated time); the order Key Vault does not guarantee. */
export function newestFirst<T extends SecretAttributes>(versions: readonly T[]): T[] {
  const time = (v: SecretAttributes): number => validTime(v.createdOn) ?? validTime(v.updatedOn) ?? 0;
  return [...versions].sort((a, b) => time(b) - time(a));
}

function rotation(options: HygieneOptions): string {
  const name = options.name ?? 'the secret';
  const reads = options.pinnedVersion
    ? 'then point the profile (and the pipeline\'s secret URI) at the new version, or drop the version to read the latest'
    : 'the pipeline reads the latest version';
  switch (options.role) {
    case 'clientSecret':
      return `rotate: create a new client secret for the app (Entra ID → App registrations → Certificates & secrets), store its value as a new version of ${name} with a new expiry; ${reads}`;
    case 'clientId':
      return `store the same client id as a new version of ${name} with a later expiry (the app's id does not change); ${reads}`;
    default:
      return `store a fresh value as a new version of ${name} with a new expiry, then update whatever reads it`;
  }
}

/** A pinned version that is unusable while a newer one is fine: point at that one. */
function withNewerVersion(fix: string, attributes: SecretAttributes, options: HygieneOptions): string {
  if (!options.pinnedVersion || !options.versions) {
    return fix;
  }
  const mine = validTime(attributes.createdOn) ?? 0;
  const usable = newestFirst(options.versions).find(
    (v) => v.version && v.version !== attributes.version && (validTime(v.createdOn) ?? 0) > mine && secretStatus(v, options.now, 0).kind === 'ok',
  );
  return usable?.version ? `${fix}; or pin the newer usable version ${usable.version.slice(0, 8)}… (or none, to read the latest)` : fix;
}

function validTime(d: Date | undefined): number | undefined {
  const t = d?.getTime();
  return t === undefined || Number.isNaN(t) ? undefined : t;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
