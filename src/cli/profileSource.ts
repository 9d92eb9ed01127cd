import { readFile, stat } from 'node:fs/promises';
import { isValidationError, ValidationError } from '../core/errors/errors';
import { planFor, secretsNeeded, type SecretsNeeded } from '../core/flow/plan';
import type { StageId } from '../core/flow/types';
import type { ConnectionProfile } from '../core/model/profile';
import { decodeProfile, MAX_PROFILE_FILE_BYTES } from '../core/model/profileDecoder';
import { canonicalProfile, edgeWhitespace, validateProfile } from '../core/model/validate';
import { jsonSyntaxProblem } from '../core/util/json';
import { promptHidden } from './prompt';

// A profile file for --profile: read, decoded, and given the secrets its plan needs from the environment (never the command line).
export const SECRET_ENV = {
  clientSecret: 'EVENTSTREAM_FLOW_CLIENT_SECRET',
  sasKey: 'EVENTSTREAM_FLOW_SAS_KEY',
  connectionString: 'EVENTSTREAM_FLOW_CONNECTION_STRING',
  /** The read-back (consumer) endpoint's own key or connection string, when `readBack.auth` has one. */
  readBackSasKey: 'EVENTSTREAM_FLOW_READ_BACK_SAS_KEY',
  readBackConnectionString: 'EVENTSTREAM_FLOW_READ_BACK_CONNECTION_STRING',
} as const;

type Warn = (message: string) => void;

/** What the run does with the profile: only the secrets its planned stages read are asked for. */
export interface ProfileUse {
  /** `--read-back`: the read-back endpoint's secret is needed too. */
  readonly readBack?: boolean;
  /** The stage the run goes to (`send` for run and send). Without it, every secret of the profile is asked for. */
  readonly target?: StageId;
}

const EVERY_SECRET: SecretsNeeded = { keyVaultReader: true, endpoint: true };

/**
 * Reads a profile file and fills its secrets from the environment or a hidden prompt. Secrets
 * written into the file still work, with a warning: the file is exactly what this flow avoids.
 * With `use.target`, a secret no planned stage reads is neither required nor prompted for (a
 * profile that sends with a SAS key skips stages 1–4 and needs no Key Vault reader secret).
 */
export async function loadProfileFile(path: string, warn: Warn, env: NodeJS.ProcessEnv = process.env, use: ProfileUse = {}): Promise<ConnectionProfile> {
  const raw = await readProfileJson(path);
  const needs = use.target ? secretsNeeded(use.target, raw) : EVERY_SECRET;
  const readsKeyVault = use.target ? planFor(use.target, raw).includes('keyVaultToken') : true;
  const profile = await withReadBackSecrets(await withSecrets(raw, needs, path, warn, env), use.readBack === true, path, warn, env);
  const problems = validateProfile(profile).filter((problem) => !isUnusedField(problem.field, profile, needs, readsKeyVault));
  if (problems.length > 0) {
    throw problems[0] as ValidationError;
  }
  // What was validated is what runs: the canonical hosts, never the file's text.
  return canonicalProfile(profile);
}

/**
 * A problem in a part of the profile this run does not use: an unneeded secret left empty, or a Key
 * Vault left blank on purpose by a profile that sends with a key (as the extension stores one).
 */
function isUnusedField(field: string, profile: ConnectionProfile, needs: SecretsNeeded, readsKeyVault: boolean): boolean {
  const kv = profile.keyVault;
  if (!needs.keyVaultReader && field === 'keyVault.auth.clientSecret' && kv.auth.kind === 'servicePrincipal' && !kv.auth.clientSecret) {
    return true;
  }
  if (!needs.endpoint && field.startsWith('endpoint.auth.') && profile.endpoint.auth.kind === 'sas' && !profile.endpoint.auth.key) {
    return true;
  }
  const kvUnset = !kv.vaultUrl.trim() && !kv.clientIdSecret.name.trim() && !kv.clientSecretSecret.name.trim();
  return !readsKeyVault && kvUnset && field.startsWith('keyVault.');
}

/** The profile file's profile, its shape checked but its values not yet validated or filled with secrets; unreadable or bad JSON is bad input. */
export async function readProfileJson(path: string): Promise<ConnectionProfile> {
  let text: string;
  try {
    // A profile is a few kilobytes; a bigger file is not one, and is not read into memory whole.
    const info = await stat(path);
    if (info.isFile() && info.size > MAX_PROFILE_FILE_BYTES) {
      throw new ValidationError('--profile', `${path} is ${info.size.toLocaleString('en-US')} bytes, more than a profile file has (at most 1 MiB).`, 'Give the profile file written by `eventstream-flow sandbox` or Export Profile.');
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isValidationError(error)) {
      throw error;
    }
    throw new ValidationError('--profile', `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path, or run `eventstream-flow sandbox` to write an example profile.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // Not V8's message: its excerpt of the text could quote a secret.
    throw new ValidationError('--profile', `${path} is not valid JSON: ${jsonSyntaxProblem(error)}.`, 'Fix the JSON (a trailing comma or a missing quote is the usual cause).');
  }
  // Every shape problem (a string where an object belongs, a missing endpoint, an unknown kind)
  // is refused here with its JSON path, before any stage can trip over it.
  return decodeProfile(raw);
}

async function withSecrets(profile: ConnectionProfile, needs: SecretsNeeded, path: string, warn: Warn, env: NodeJS.ProcessEnv): Promise<ConnectionProfile> {
  let keyVault = profile.keyVault;
  const auth = keyVault?.auth;
  if (auth?.kind === 'servicePrincipal') {
    const clientSecret = needs.keyVaultReader
      ? await secretFrom(auth.clientSecret, SECRET_ENV.clientSecret, 'Key Vault reader client secret', path, warn, env)
      : givenSecret(auth.clientSecret, SECRET_ENV.clientSecret, env);
    // Sent as given (as the pipeline would), but said now: Entra ID compares it exactly (AADSTS7000215).
    const edges = needs.keyVaultReader ? edgeWhitespace(clientSecret) : undefined;
    if (edges) {
      warn(`The Key Vault reader client secret ${edges}; Entra ID compares secrets exactly and will answer AADSTS7000215. Set ${SECRET_ENV.clientSecret} (or the file's clientSecret) without it.`);
    }
    keyVault = { ...keyVault, auth: { ...auth, clientSecret } };
  }
  let endpoint = profile.endpoint;
  const endpointAuth = endpoint?.auth;
  if (endpointAuth?.kind === 'sas') {
    const key = needs.endpoint ? await secretFrom(endpointAuth.key, SECRET_ENV.sasKey, 'SAS key', path, warn, env) : givenSecret(endpointAuth.key, SECRET_ENV.sasKey, env);
    endpoint = { ...endpoint, auth: { ...endpointAuth, key } };
  } else if (endpointAuth?.kind === 'connectionString') {
    const connectionString = needs.endpoint
      ? await secretFrom(endpointAuth.connectionString, SECRET_ENV.connectionString, 'connection string', path, warn, env)
      : givenSecret(endpointAuth.connectionString, SECRET_ENV.connectionString, env);
    // Not given and not used by this run (it stops before the send): the endpoint stands as a key
    // without a value, which no planned stage reads, since an empty connection string names no host.
    endpoint = { ...endpoint, auth: connectionString ? { ...endpointAuth, connectionString } : { kind: 'sas', keyName: '', key: '' } };
  }
  return { ...profile, keyVault, endpoint };
}

/** A secret no planned stage reads: the environment's or the file's if given, else empty; never prompted for, never required. */
function givenSecret(inFile: string | undefined, variable: string, env: NodeJS.ProcessEnv): string {
  return env[variable] || inFile || '';
}

/** The read-back endpoint's secret is asked for only with --read-back; without it, those settings are not used. */
async function withReadBackSecrets(profile: ConnectionProfile, readBack: boolean, path: string, warn: Warn, env: NodeJS.ProcessEnv): Promise<ConnectionProfile> {
  const settings = profile.readBack;
  const auth = settings?.auth;
  if (!settings || (auth?.kind !== 'sas' && auth?.kind !== 'connectionString')) {
    return profile;
  }
  if (!readBack) {
    const { readBack: _unused, ...rest } = profile;
    return rest;
  }
  if (auth.kind === 'sas') {
    const key = await secretFrom(auth.key, SECRET_ENV.readBackSasKey, 'read-back SAS key', path, warn, env);
    return { ...profile, readBack: { ...settings, auth: { ...auth, key } } };
  }
  const connectionString = await secretFrom(auth.connectionString, SECRET_ENV.readBackConnectionString, 'read-back connection string', path, warn, env);
  return { ...profile, readBack: { ...settings, auth: { ...auth, connectionString } } };
}

async function secretFrom(inFile: string | undefined, variable: string, what: string, path: string, warn: Warn, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env[variable];
  if (fromEnv) {
    return fromEnv;
  }
  if (inFile) {
    warn(`${path} contains the ${what}. Prefer ${variable}: a secret in a file is what this flow exists to avoid.`);
    return inFile;
  }
  if (process.stdin.isTTY) {
    return promptHidden(`${what}: `);
  }
  throw new ValidationError(variable, `The ${what} is not set.`, `Set ${variable} in the environment (or run in a terminal to be prompted).`);
}
