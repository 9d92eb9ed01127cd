// The vscode-free half of the profile store: (de)serialization with a schema version, the index of
// ids and names, validation for storage, and a write queue. `profileStore.ts` puts it over
// `vscode.SecretStorage`; the unit tests put it over a Map.
import { ValidationError } from '../../core/errors/errors';
import type { Logger } from '../../core/logging/logger';
import type { ConnectionProfile } from '../../core/model/profile';
import { decodeProfileValue } from '../../core/model/profileDecoder';
import { PROFILE_NAME_MAX_LENGTH, validateProfileName } from '../../core/model/profileName';
import { normalizeProfile, validateProfile } from '../../core/model/validate';
import { SECRET_KEYS } from '../constants';
import type { ProfileSummary } from '../services';

/** The part of `vscode.SecretStorage` the repository needs. */
export interface KeyValueSecrets {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export const PROFILE_SCHEMA_VERSION = 1;

/** What one profile key holds. `v` lets a later version migrate (or refuse) old entries. */
export interface StoredProfile {
  readonly v: typeof PROFILE_SCHEMA_VERSION;
  readonly profile: ConnectionProfile;
}

/** What the index key holds: ids and names only, so listing never parses a secret. */
export interface StoredIndex {
  readonly v: typeof PROFILE_SCHEMA_VERSION;
  readonly profiles: readonly ProfileSummary[];
}

const PROFILE_KEY_PREFIX = SECRET_KEYS.profile('');

/** True for the keys this store writes: used to filter `secrets.onDidChange` from other windows. */
export function isProfileStorageKey(key: string): boolean {
  return key === SECRET_KEYS.profileIndex || key.startsWith(PROFILE_KEY_PREFIX);
}

export function encodeProfile(profile: ConnectionProfile): string {
  const stored: StoredProfile = { v: PROFILE_SCHEMA_VERSION, profile };
  return JSON.stringify(stored);
}

/** Why an entry could not be read; never contains the entry's text (it holds secrets). */
export class CorruptEntryError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`${key}: ${reason}`);
    this.name = 'CorruptEntryError';
  }
}

/**
 * Reads a profile entry. Accepts the unversioned shape too (a bare profile object) as version 0.
 * Throws CorruptEntryError with a reason that never quotes the stored text.
 */
export function decodeProfile(text: string, key: string): ConnectionProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CorruptEntryError(key, 'is not valid JSON');
  }
  if (!isRecord(raw)) {
    throw new CorruptEntryError(key, 'is not a JSON object');
  }
  let profile: unknown;
  if ('v' in raw) {
    if (raw.v !== PROFILE_SCHEMA_VERSION) {
      throw new CorruptEntryError(key, `has schema version ${String(raw.v)}, which this version of the extension cannot read (written by a newer version?)`);
    }
    profile = raw.profile;
  } else {
    profile = raw; // version 0: the profile itself
  }
  if (!isRecord(profile) || typeof profile.id !== 'string' || !profile.id) {
    throw new CorruptEntryError(key, 'does not hold a profile (no id)');
  }
  // The one profile decoder: an entry of an older version with a field of the wrong shape is
  // skipped with its JSON path, instead of failing later with a TypeError. Its messages never
  // quote a secret field.
  const decoded = decodeProfileValue(profile, { repairName: true });
  if (!decoded.ok) {
    const first = decoded.errors[0];
    throw new CorruptEntryError(key, first ? `${first.field} ${first.problem}` : 'does not hold a profile');
  }
  return decoded.profile;
}

export function encodeIndex(profiles: readonly ProfileSummary[]): string {
  const stored: StoredIndex = { v: PROFILE_SCHEMA_VERSION, profiles: profiles.map(({ id, name }) => ({ id, name })) };
  return JSON.stringify(stored);
}

/** The index, or CorruptEntryError. Also accepts a bare array (version 0). Drops malformed entries. */
export function decodeIndex(text: string | undefined): ProfileSummary[] {
  if (text === undefined || text === '') {
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CorruptEntryError(SECRET_KEYS.profileIndex, 'is not valid JSON');
  }
  const list = Array.isArray(raw) ? raw : isRecord(raw) && raw.v === PROFILE_SCHEMA_VERSION && Array.isArray(raw.profiles) ? raw.profiles : undefined;
  if (!list) {
    throw new CorruptEntryError(SECRET_KEYS.profileIndex, 'is not a profile index');
  }
  const seen = new Set<string>();
  const entries: ProfileSummary[] = [];
  for (const item of list as unknown[]) {
    if (isRecord(item) && typeof item.id === 'string' && item.id && !seen.has(item.id)) {
      seen.add(item.id);
      entries.push({ id: item.id, name: typeof item.name === 'string' ? item.name : item.id });
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Validation for storage

/** A secret the profile needs but does not hold (imports and exports carry none). */
export interface MissingSecret {
  readonly field: string;
  readonly label: string;
}

/** The secrets a profile's chosen auth needs that are empty: what the user must fill in via Edit. */
export function missingSecrets(profile: ConnectionProfile): MissingSecret[] {
  const missing: MissingSecret[] = [];
  const kv = profile.keyVault.auth;
  // A profile that sends with a key and has no Key Vault set never reads one: nothing to ask (#11).
  if (kv.kind === 'servicePrincipal' && !kv.clientSecret && !isKeyVaultUnset(profile)) {
    missing.push({ field: 'keyVault.auth.clientSecret', label: 'Key Vault client secret' });
  }
  const ep = profile.endpoint.auth;
  if (ep.kind === 'sas' && !ep.key) {
    missing.push({ field: 'endpoint.auth.key', label: 'SAS key' });
  } else if (ep.kind === 'connectionString' && !ep.connectionString) {
    missing.push({ field: 'endpoint.auth.connectionString', label: 'connection string' });
  }
  // Set with Configure Read Back…, not Edit Profile (see isReadBackSecret).
  const rb = profile.readBack?.auth;
  if (rb?.kind === 'sas' && !rb.key) {
    missing.push({ field: 'readBack.auth.key', label: 'read-back SAS key' });
  } else if (rb?.kind === 'connectionString' && !rb.connectionString) {
    missing.push({ field: 'readBack.auth.connectionString', label: 'read-back connection string' });
  }
  return missing;
}

/** Missing secrets that Configure Read Back… fills in (the others: Edit Profile). */
export function isReadBackSecret(missing: MissingSecret): boolean {
  return missing.field.startsWith('readBack.');
}

/**
 * Key Vault left blank on purpose: a profile made from a connection string sends without it (the
 * flow skips the Key Vault stages when the endpoint does not use Entra ID).
 */
export function isKeyVaultUnset(profile: ConnectionProfile): boolean {
  const kv = profile.keyVault;
  return profile.endpoint.auth.kind !== 'entra' && !kv.vaultUrl.trim() && !kv.clientIdSecret.name.trim() && !kv.clientSecretSecret.name.trim();
}

/**
 * `validateProfile`, minus two things a stored profile may lack: secrets not filled in yet
 * (`missingSecrets`) and an unset Key Vault (`isKeyVaultUnset`). Running a stage that needs them
 * still fails, with the validator's own message.
 */
export function storageProblems(profile: ConnectionProfile): ValidationError[] {
  const missing = new Set(missingSecrets(profile).map((m) => m.field));
  const kvUnset = isKeyVaultUnset(profile);
  return validateProfile(profile).filter((e) => !missing.has(e.field) && !(kvUnset && e.field.startsWith('keyVault.')));
}

/** Normalises, then throws the first storage problem (naming its field). */
export function prepareForStorage(profile: ConnectionProfile): ConnectionProfile {
  if (!profile.id?.trim()) {
    throw new ValidationError('id', 'is empty.', 'Every stored profile needs an id; create the profile with Add Profile or Import.');
  }
  // Always: a profile without Key Vault still has a namespace (and maybe a read back) to canonicalise.
  const normalized = normalizeProfile(profile);
  const first = storageProblems(normalized)[0];
  if (first) {
    throw first;
  }
  return normalized;
}

// ---------------------------------------------------------------------------------------------
// Names

export function sameName(a: string, b: string): boolean {
  return a.trim().localeCompare(b.trim(), undefined, { sensitivity: 'accent' }) === 0;
}

/** `base`, or `base (2)`, `base (3)`… — the first that no other profile uses. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const names = [...taken];
  // Within the name's bound: a duplicate of a 100-character name, or a hub name of 256, stays storable.
  const trimmed = base.trim().slice(0, PROFILE_NAME_MAX_LENGTH).trim() || 'Profile';
  if (!names.some((n) => sameName(n, trimmed))) {
    return trimmed;
  }
  const stem = trimmed.replace(/ \(\d+\)$/, '');
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const candidate = `${stem.slice(0, PROFILE_NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (!names.some((n) => sameName(n, candidate))) {
      return candidate;
    }
  }
}

/** A profile name: not empty, not too long, not another profile's (ignoring case). */
export function checkProfileName(input: string, others: readonly ProfileSummary[], selfId?: string): ValidationError | undefined {
  const checked = validateProfileName(input);
  if (!checked.ok) {
    return checked.error;
  }
  const name = checked.value;
  const clash = others.find((p) => p.id !== selfId && sameName(p.name, name));
  if (clash) {
    return new ValidationError('name', `"${name}" is already used by another profile.`, 'Choose a different name.');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The repository

export interface ProfileRepositoryOptions {
  readonly logger: Logger;
  /** Called after each write of this repository (the store fires its event). */
  readonly onDidWrite?: () => void;
}

/**
 * Profiles over a key-value secret storage. Writes go through one promise queue so that two
 * concurrent saves cannot both read the old index and drop each other's entry. Reads never throw
 * for a corrupt entry: they log it and skip it, so a bad entry cannot break the tree.
 */
export class ProfileRepository {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reported = new Set<string>();

  constructor(
    private readonly storage: KeyValueSecrets,
    private readonly options: ProfileRepositoryOptions,
  ) {}

  /** Every readable profile's id and name, sorted by name. Waits for queued writes. */
  async list(): Promise<ProfileSummary[]> {
    await this.settled();
    const index = await this.readIndex();
    const summaries: ProfileSummary[] = [];
    for (const entry of index) {
      const profile = await this.read(entry.id);
      if (profile) {
        summaries.push({ id: profile.id, name: profile.name });
      }
    }
    return summaries.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<ConnectionProfile | undefined> {
    await this.settled();
    return this.read(id);
  }

  /** Validates (throws the first ValidationError), then inserts or replaces by id. */
  async save(profile: ConnectionProfile): Promise<void> {
    const prepared = prepareForStorage(profile); // rejects before anything is queued
    await this.enqueue(async () => {
      await this.storage.store(SECRET_KEYS.profile(prepared.id), encodeProfile(prepared));
      const index = await this.readIndexForWrite();
      const at = index.findIndex((p) => p.id === prepared.id);
      const entry = { id: prepared.id, name: prepared.name };
      if (at >= 0) {
        index[at] = entry;
      } else {
        index.push(entry);
      }
      await this.storage.store(SECRET_KEYS.profileIndex, encodeIndex(index));
    });
  }

  delete(id: string): Promise<void> {
    return this.enqueue(async () => {
      const index = await this.readIndexForWrite();
      // Index first: if the second write fails, the leftover entry is invisible rather than broken.
      await this.storage.store(SECRET_KEYS.profileIndex, encodeIndex(index.filter((p) => p.id !== id)));
      await this.storage.delete(SECRET_KEYS.profile(id));
    });
  }

  /** Deletes every profile the index knows, then the index. Returns how many profiles were deleted. */
  clear(): Promise<number> {
    return this.enqueue(async () => {
      let ids: string[] = [];
      try {
        ids = decodeIndex(await this.storage.get(SECRET_KEYS.profileIndex)).map((p) => p.id);
      } catch (error) {
        this.options.logger.warn(`Clearing: ${describe(error)}; deleting the index only.`);
      }
      for (const id of ids) {
        await this.storage.delete(SECRET_KEYS.profile(id));
      }
      await this.storage.delete(SECRET_KEYS.profileIndex);
      this.reported.clear();
      return ids.length;
    });
  }

  /** Resolves when every write queued so far has finished (failed or not). */
  async settled(): Promise<void> {
    await this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  private enqueue<T>(write: () => Promise<T>): Promise<T> {
    const run = this.queue.then(write, write);
    this.queue = run.catch(() => undefined);
    return run.then((value) => {
      this.options.onDidWrite?.();
      return value;
    });
  }

  private async read(id: string): Promise<ConnectionProfile | undefined> {
    const key = SECRET_KEYS.profile(id);
    let text: string | undefined;
    try {
      text = await this.storage.get(key);
    } catch (error) {
      this.reportOnce(key, `Could not read profile ${id} from SecretStorage: ${describe(error)}`);
      return undefined;
    }
    if (text === undefined) {
      this.reportOnce(key, `Profile ${id} is in the index but not in SecretStorage (deleted in another window?); skipped.`);
      return undefined;
    }
    try {
      const profile = decodeProfile(text, key);
      if (profile.id !== id) {
        throw new CorruptEntryError(key, `holds the profile ${profile.id}, not ${id}`);
      }
      this.reported.delete(key);
      return profile;
    } catch (error) {
      this.reportOnce(key, `Skipped a stored profile that cannot be read (${describe(error)}). Delete it, or run "Clear All Stored Profiles and Secrets".`);
      return undefined;
    }
  }

  private async readIndex(): Promise<ProfileSummary[]> {
    try {
      return decodeIndex(await this.storage.get(SECRET_KEYS.profileIndex));
    } catch (error) {
      this.reportOnce(SECRET_KEYS.profileIndex, `The profile index cannot be read (${describe(error)}); showing no profiles.`);
      return [];
    }
  }

  /** For writes: a corrupt index is replaced (its profiles stay stored, but unlisted, and that is logged). */
  private async readIndexForWrite(): Promise<ProfileSummary[]> {
    try {
      return decodeIndex(await this.storage.get(SECRET_KEYS.profileIndex));
    } catch (error) {
      this.options.logger.warn(`The profile index cannot be read (${describe(error)}); starting a new one.`);
      return [];
    }
  }

  /** Logs a read problem once per key until it changes, so a refreshing tree does not flood the log. */
  private reportOnce(key: string, message: string): void {
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.options.logger.warn(message);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
