// Reading profiles from outside: a JSON file (one profile or an array, as Export or the CLI's
// `sandbox` command writes it) and a pasted connection string. Pure, so it is tested in plain Node.
import { parseConnectionString } from '../../core/azure/connectionString';
import { endpointAuthAdvisory, ROOT_KEY_NAME, SEND_ONLY_POLICY_FIX } from '../../core/diagnostics/leastPrivilege';
import { ValidationError } from '../../core/errors/errors';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import type { ConnectionProfile, SendProtocol } from '../../core/model/profile';
import { decodeProfile } from '../../core/model/profileDecoder';
import { jsonSyntaxProblem } from '../../core/util/json';
import type { ProfileSummary } from '../services';
import { isReadBackSecret, missingSecrets, storageProblems, uniqueName, type MissingSecret } from './profileCodec';
import { isReservedProfileId, SANDBOX_PROFILE_ID } from './sandboxProfileId';

/** Profile files are small; anything bigger is not one (and is not read into memory whole). */
export const MAX_IMPORT_BYTES = 1_048_576;

export interface ImportPlan {
  /** Ready to store: fresh ids where needed, names unique among stored and imported profiles. */
  readonly profiles: readonly ConnectionProfile[];
  /** Per imported profile (by its final name), the secrets to fill in via Edit. */
  readonly missing: readonly { readonly name: string; readonly secrets: readonly MissingSecret[] }[];
  /** True when the file itself held secret values (they now live in SecretStorage only). */
  readonly fileHadSecrets: boolean;
  /**
   * Profiles (by their final name) whose file id was the sandbox's reserved one, and the fresh id
   * each was given instead: starting or stopping the sandbox must never replace or delete them.
   */
  readonly reservedIdsReplaced: readonly { readonly name: string; readonly fileId: string; readonly id: string }[];
}

/** Parses the file text into raw profile candidates (not yet checked). */
export function parseProfilesFile(text: string, fileName: string): unknown[] {
  if (text.length > MAX_IMPORT_BYTES) {
    throw new ValidationError('file', `${fileName} is larger than 1 MB.`, 'Choose a profile file written by Export Profile or `eventstream-flow sandbox`.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ValidationError('file', `${fileName} is not valid JSON (${jsonSyntaxProblem(error)}).`, 'Fix the JSON (a trailing comma or a missing quote is the usual cause), or export the profile again.');
  }
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (list.length === 0) {
    throw new ValidationError('file', `${fileName} holds an empty list.`, 'Export at least one profile.');
  }
  return list;
}

/**
 * Checks every candidate and prepares all of them, or throws for the first problem, naming the
 * profile and the field: nothing is stored until every profile is known to be storable.
 */
export function planImport(candidates: readonly unknown[], stored: readonly ProfileSummary[], newId: () => string): ImportPlan {
  const takenIds = new Set(stored.map((p) => p.id));
  const takenNames = stored.map((p) => p.name);
  const profiles: ConnectionProfile[] = [];
  const missing: { name: string; secrets: MissingSecret[] }[] = [];
  const reservedIdsReplaced: { name: string; fileId: string; id: string }[] = [];
  let fileHadSecrets = false;
  candidates.forEach((candidate, i) => {
    const label = labelOf(candidate, i, candidates.length);
    const read = coerceProfile(candidate, label);
    // An id already in use (the same export imported twice) gets a new one: never overwrite. So
    // does the sandbox's reserved id, stored or not (an export of the sandbox's profile has it):
    // the sandbox manager replaces that profile when the sandbox starts and deletes it when it stops.
    const reserved = isReservedProfileId(read.id);
    const id = read.id && !reserved && !takenIds.has(read.id) ? read.id : newId();
    const name = uniqueName(read.name || 'Imported profile', takenNames);
    if (reserved) {
      reservedIdsReplaced.push({ name, fileId: read.id, id });
    }
    const profile: ConnectionProfile = { ...read, id, name };
    const problem = storageProblems(profile)[0];
    if (problem) {
      throw new ValidationError(`${label} → ${problem.field}`, problem.problem, problem.fix);
    }
    takenIds.add(id);
    takenNames.push(name);
    profiles.push(profile);
    const secrets = missingSecrets(profile);
    if (secrets.length > 0) {
      missing.push({ name, secrets });
    }
    fileHadSecrets ||= hasSecrets(profile);
  });
  return { profiles, missing, fileHadSecrets, reservedIdsReplaced };
}

/** For the import notification: which profiles were given a new id instead of the sandbox's, and why. */
export function describeReservedIds(plan: Pick<ImportPlan, 'reservedIdsReplaced'>): string | undefined {
  const replaced = plan.reservedIdsReplaced;
  if (replaced.length === 0) {
    return undefined;
  }
  const names = replaced.map((r) => `"${r.name}"`).join(', ');
  const one = replaced.length === 1;
  return `${names} had the id ${SANDBOX_PROFILE_ID}, which belongs to the local sandbox's own profile; ${one ? 'it was' : 'they were'} imported with a new id, so starting or stopping the sandbox cannot replace or delete ${one ? 'it' : 'them'}.`;
}

function hasSecrets(p: ConnectionProfile): boolean {
  const kv = p.keyVault.auth;
  const ep = p.endpoint.auth;
  const rb = p.readBack?.auth;
  return (
    (kv.kind === 'servicePrincipal' && !!kv.clientSecret) ||
    (ep.kind === 'sas' && !!ep.key) ||
    (ep.kind === 'connectionString' && !!ep.connectionString) ||
    (rb?.kind === 'sas' && !!rb.key) ||
    (rb?.kind === 'connectionString' && !!rb.connectionString)
  );
}

function labelOf(candidate: unknown, index: number, count: number): string {
  const name = isRecord(candidate) && typeof candidate.name === 'string' && candidate.name.trim() ? `"${candidate.name.trim().slice(0, 80)}"` : undefined;
  const position = count > 1 ? `profile ${index + 1} of ${count}` : 'the profile';
  return name ? `${position} (${name})` : position;
}

/**
 * Rebuilds a profile from untrusted JSON with the one profile decoder (core/model/profileDecoder),
 * so that `validateProfile` never meets a missing object. Throws ValidationError naming `label` and the field.
 */
export function coerceProfile(raw: unknown, label: string): ConnectionProfile {
  return decodeProfile(raw, { label });
}

/** The cloud whose Event Hubs suffix the host ends with, if any (a Fabric China string picks China). */
export function cloudOfNamespace(namespace: string): CloudName | undefined {
  const host = namespace.toLowerCase().replace(/:\d+$/, '');
  return Object.values(CLOUDS).find((c) => host.endsWith(c.eventHubsSuffix))?.name;
}

export interface ConnectionStringProfileOptions {
  readonly id: string;
  readonly stored: readonly ProfileSummary[];
  readonly cloud: CloudName;
  readonly protocol: SendProtocol;
  readonly amqpTransport: 'tcp' | 'websockets';
}

/**
 * A profile that sends with a pasted connection string (its key or SharedAccessSignature stays in
 * the string). Key Vault is left unset: the flow skips its stages for connection-string auth, and
 * Edit Profile adds it. Named after the event hub. Throws ValidationError for a bad string.
 */
export function profileFromConnectionString(text: string, options: ConnectionStringProfileOptions): ConnectionProfile {
  const parsed = parseConnectionString(text);
  if (!parsed.eventHubName) {
    throw new ValidationError(
      'connectionString',
      'has no EntityPath, so it does not say which event hub to send to.',
      'Copy the connection string of the Eventstream custom endpoint (it ends with EntityPath=es_…), or use Add Profile to enter the event hub.',
    );
  }
  const cloud = cloudOfNamespace(parsed.namespace) ?? options.cloud;
  const profile: ConnectionProfile = {
    id: options.id,
    name: uniqueName(parsed.eventHubName, options.stored.map((p) => p.name)),
    cloud,
    keyVault: {
      vaultUrl: '',
      auth: { kind: 'signedInUser' },
      clientIdSecret: { name: '' },
      clientSecretSecret: { name: '' },
    },
    eventHubsToken: { tenantId: '', endpointVersion: 'v1' },
    endpoint: {
      namespace: parsed.namespace,
      eventHubName: parsed.eventHubName,
      auth: { kind: 'connectionString', connectionString: text.trim().replace(/^(["'])(.*)\1$/s, '$2').trim() },
      protocol: options.protocol,
      ...(options.protocol === 'amqp' ? { amqpTransport: options.amqpTransport } : {}),
    },
  };
  const problem = storageProblems(profile)[0];
  if (problem) {
    throw problem;
  }
  return profile;
}

/**
 * The imported profiles whose endpoint key is broader than sending needs (the namespace root key,
 * or a namespace-level connection string), in one sentence for the import notification.
 */
export function describeBroadKeys(profiles: readonly ConnectionProfile[]): string | undefined {
  const flagged = profiles.flatMap((p) => {
    const advisory = endpointAuthAdvisory(p.endpoint.auth);
    return advisory ? [{ name: p.name, advisory }] : [];
  });
  if (flagged.length === 0) {
    return undefined;
  }
  const names = flagged.map((f) => `"${f.name}"`).join(', ');
  const what = flagged.some((f) => f.advisory.code === 'rootKey') ? `the namespace root key (${ROOT_KEY_NAME})` : 'a namespace-level key (no EntityPath)';
  return `${names} send${flagged.length === 1 ? 's' : ''} with ${what}, more than sending needs. ${SEND_ONLY_POLICY_FIX}`;
}

/**
 * The missing secrets split by the command that fills them in: Edit Profile, or Configure Read
 * Back… (the read-back key). A profile may appear in both.
 */
export function splitMissing(missing: ImportPlan['missing']): { readonly edit: ImportPlan['missing']; readonly readBack: ImportPlan['missing'] } {
  const part = (readBack: boolean): ImportPlan['missing'] =>
    missing.flatMap((m) => {
      const secrets = m.secrets.filter((s) => isReadBackSecret(s) === readBack);
      return secrets.length > 0 ? [{ name: m.name, secrets }] : [];
    });
  return { edit: part(false), readBack: part(true) };
}

/** "Key Vault client secret of "A"; SAS key of "B"" — for the import notification. */
export function describeMissing(missing: ImportPlan['missing']): string {
  return missing.map((m) => `${m.secrets.map((s) => s.label).join(' and ')} of "${m.name}"`).join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
