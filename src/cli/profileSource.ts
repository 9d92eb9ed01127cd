import { readFile, stat } from 'node:fs/promises';
import { isValidationError, ValidationError } from '../core/errors/errors';
import type { ConnectionProfile } from '../core/model/profile';
import { decodeProfile, MAX_PROFILE_FILE_BYTES } from '../core/model/profileDecoder';
import { canonicalProfile, edgeWhitespace, validateProfile } from '../core/model/validate';
import { jsonSyntaxProblem } from '../core/util/json';
import { promptHidden } from './prompt';

export const SECRET_ENV = {
  clientSecret: 'EVENTSTREAM_FLOW_CLIENT_SECRET',
  sasKey: 'EVENTSTREAM_FLOW_SAS_KEY',
  connectionString: 'EVENTSTREAM_FLOW_CONNECTION_STRING',
  /** The read-back (consumer) endpoint's own key or connection string, when `readBack.auth` has one. */
  readBackSasKey: 'EVENTSTREAM_FLOW_READ_BACK_SAS_KEY',
  readBackConnectionString: 'EVENTSTREAM_FLOW_READ_BACK_CONNECTION_STRING',
} as const;

type Warn = (message: string) => void;

/**
 * Reads a profile file and fills its secrets from the environment or a hidden prompt. Secrets
 * written into the file still work, with a warning: the file is exactly what this flow avoids.
 */
export async function loadProfileFile(path: string, warn: Warn, env: NodeJS.ProcessEnv = process.env, use: { readBack?: boolean } = {}): Promise<ConnectionProfile> {
  const raw = await readProfileJson(path);
  const profile = await withReadBackSecrets(await withSecrets(raw, path, warn, env), use.readBack === true, path, warn, env);
  const problems = validateProfile(profile);
  if (problems.length > 0) {
    throw problems[0] as ValidationError;
  }
  // What was validated is what runs: the canonical hosts, never the file's text.
  return canonicalProfile(profile);
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

async function withSecrets(profile: ConnectionProfile, path: string, warn: Warn, env: NodeJS.ProcessEnv): Promise<ConnectionProfile> {
  let keyVault = profile.keyVault;
  const auth = keyVault?.auth;
  if (auth?.kind === 'servicePrincipal') {
    const clientSecret = await secretFrom(auth.clientSecret, SECRET_ENV.clientSecret, 'Key Vault reader client secret', path, warn, env);
    // Sent as given (as the pipeline would), but said now: Entra ID compares it exactly (AADSTS7000215).
    const edges = edgeWhitespace(clientSecret);
    if (edges) {
      warn(`The Key Vault reader client secret ${edges}; Entra ID compares secrets exactly and will answer AADSTS7000215. Set ${SECRET_ENV.clientSecret} (or the file's clientSecret) without it.`);
    }
    keyVault = { ...keyVault, auth: { ...auth, clientSecret } };
  }
  let endpoint = profile.endpoint;
  const endpointAuth = endpoint?.auth;
  if (endpointAuth?.kind === 'sas') {
    endpoint = { ...endpoint, auth: { ...endpointAuth, key: await secretFrom(endpointAuth.key, SECRET_ENV.sasKey, 'SAS key', path, warn, env) } };
  } else if (endpointAuth?.kind === 'connectionString') {
    const connectionString = await secretFrom(endpointAuth.connectionString, SECRET_ENV.connectionString, 'connection string', path, warn, env);
    endpoint = { ...endpoint, auth: { ...endpointAuth, connectionString } };
  }
  return { ...profile, keyVault, endpoint };
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
