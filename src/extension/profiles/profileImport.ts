// Reading profiles from outside: a JSON file (one profile or an array, as Export or the CLI's
// `sandbox` command writes it) and a pasted connection string. Pure, so it is tested in plain Node.
import { parseConnectionString } from '../../core/azure/connectionString';
import { endpointAuthAdvisory, ROOT_KEY_NAME, SEND_ONLY_POLICY_FIX } from '../../core/diagnostics/leastPrivilege';
import { ValidationError } from '../../core/errors/errors';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import type { ConnectionProfile, EndpointAuth, KeyVaultAuth, ReadBackSettings, SecretReference, SendProtocol } from '../../core/model/profile';
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
 * Rebuilds a profile from untrusted JSON, keeping known fields only and checking their types, so
 * that `validateProfile` never meets a missing object. Throws ValidationError naming `label` and the field.
 */
export function coerceProfile(raw: unknown, label: string): ConnectionProfile {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new ValidationError(`${label} → ${field}`, problem, fix);
  };
  const FORMAT = 'Use a file written by Export Profile or `eventstream-flow sandbox`.';
  const obj = (value: unknown, field: string): Record<string, unknown> => (isRecord(value) ? value : fail(field, 'is missing or not an object.', FORMAT));
  const str = (value: unknown, field: string, optional = false): string =>
    typeof value === 'string' ? value : value === undefined && optional ? '' : fail(field, value === undefined ? 'is missing.' : 'is not a string.', FORMAT);
  const optStr = (value: unknown, field: string): string | undefined => (value === undefined || value === null ? undefined : str(value, field));
  const oneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T =>
    typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fail(field, `is ${JSON.stringify(value) ?? 'missing'}.`, `Use one of: ${allowed.join(', ')}.`);

  const p = obj(raw, 'profile');
  const cloud = oneOf<CloudName>(p.cloud ?? 'public', 'cloud', Object.keys(CLOUDS) as CloudName[]);
  const kv = obj(p.keyVault, 'keyVault');
  const kvAuthRaw = obj(kv.auth, 'keyVault.auth');
  const kvKind = oneOf(kvAuthRaw.kind, 'keyVault.auth.kind', ['servicePrincipal', 'azureCli', 'signedInUser'] as const);
  let kvAuth: KeyVaultAuth;
  if (kvKind === 'servicePrincipal') {
    const tokenRequest = kvAuthRaw.tokenRequest === undefined ? undefined : oneOf(kvAuthRaw.tokenRequest, 'keyVault.auth.tokenRequest', ['pipeline', 'sdk'] as const);
    kvAuth = {
      kind: 'servicePrincipal',
      tenantId: str(kvAuthRaw.tenantId, 'keyVault.auth.tenantId'),
      clientId: str(kvAuthRaw.clientId, 'keyVault.auth.clientId'),
      clientSecret: str(kvAuthRaw.clientSecret, 'keyVault.auth.clientSecret', true),
      ...(tokenRequest ? { tokenRequest } : {}),
    };
  } else {
    const tenantId = optStr(kvAuthRaw.tenantId, 'keyVault.auth.tenantId');
    kvAuth = { kind: kvKind, ...(tenantId ? { tenantId } : {}) };
  }
  const ref = (value: unknown, field: string): SecretReference => {
    const r = obj(value, field);
    const version = optStr(r.version, `${field}.version`);
    return { name: str(r.name, `${field}.name`), ...(version ? { version } : {}) };
  };
  const ehToken = isRecord(p.eventHubsToken) ? p.eventHubsToken : {};
  const ep = obj(p.endpoint, 'endpoint');
  const epAuthRaw = obj(ep.auth, 'endpoint.auth');
  const epKind = oneOf(epAuthRaw.kind, 'endpoint.auth.kind', ['entra', 'sas', 'connectionString'] as const);
  const epAuth: EndpointAuth =
    epKind === 'entra'
      ? { kind: 'entra' }
      : epKind === 'sas'
        ? { kind: 'sas', keyName: str(epAuthRaw.keyName, 'endpoint.auth.keyName'), key: str(epAuthRaw.key, 'endpoint.auth.key', true) }
        : { kind: 'connectionString', connectionString: str(epAuthRaw.connectionString, 'endpoint.auth.connectionString', true) };
  const amqpTransport = ep.amqpTransport === undefined ? undefined : oneOf(ep.amqpTransport, 'endpoint.amqpTransport', ['tcp', 'websockets'] as const);
  const authorityHost = optStr(p.authorityHost, 'authorityHost');
  const trustedCaPem = optStr(p.trustedCaPem, 'trustedCaPem');
  const readBack = p.readBack === undefined || p.readBack === null ? undefined : coerceReadBack(obj(p.readBack, 'readBack'), str, optStr, oneOf, fail);
  return {
    id: typeof p.id === 'string' ? p.id.trim() : '',
    name: str(p.name, 'name', true).trim(),
    cloud,
    ...(authorityHost ? { authorityHost } : {}),
    keyVault: {
      vaultUrl: str(kv.vaultUrl, 'keyVault.vaultUrl'),
      auth: kvAuth,
      clientIdSecret: ref(kv.clientIdSecret, 'keyVault.clientIdSecret'),
      clientSecretSecret: ref(kv.clientSecretSecret, 'keyVault.clientSecretSecret'),
    },
    eventHubsToken: {
      tenantId: str(ehToken.tenantId, 'eventHubsToken.tenantId', true),
      endpointVersion: ehToken.endpointVersion === undefined ? 'v1' : oneOf(ehToken.endpointVersion, 'eventHubsToken.endpointVersion', ['v1', 'v2'] as const),
    },
    endpoint: {
      namespace: str(ep.namespace, 'endpoint.namespace'),
      eventHubName: str(ep.eventHubName, 'endpoint.eventHubName'),
      auth: epAuth,
      protocol: ep.protocol === undefined ? 'rest' : oneOf<SendProtocol>(ep.protocol, 'endpoint.protocol', ['rest', 'amqp']),
      ...(amqpTransport ? { amqpTransport } : {}),
    },
    ...(trustedCaPem ? { trustedCaPem } : {}),
    ...(readBack ? { readBack } : {}),
  };
}

/** The read-back endpoint; its key or connection string may be empty (exports carry none). */
function coerceReadBack(
  rb: Record<string, unknown>,
  str: (value: unknown, field: string, optional?: boolean) => string,
  optStr: (value: unknown, field: string) => string | undefined,
  oneOf: <T extends string>(value: unknown, field: string, allowed: readonly T[]) => T,
  fail: (field: string, problem: string, fix: string) => never,
): ReadBackSettings {
  const namespace = optStr(rb.namespace, 'readBack.namespace');
  const eventHubName = optStr(rb.eventHubName, 'readBack.eventHubName');
  const consumerGroup = optStr(rb.consumerGroup, 'readBack.consumerGroup');
  const timeoutSeconds =
    rb.timeoutSeconds === undefined || rb.timeoutSeconds === null
      ? undefined
      : typeof rb.timeoutSeconds === 'number'
        ? rb.timeoutSeconds
        : fail('readBack.timeoutSeconds', 'is not a number.', 'Give a number of seconds from 1 to 600, or leave it out (30).');
  let auth: EndpointAuth | undefined;
  if (rb.auth !== undefined && rb.auth !== null) {
    const raw = isRecord(rb.auth) ? rb.auth : fail('readBack.auth', 'is not an object.', 'Use a file written by Export Profile or `eventstream-flow sandbox`.');
    const kind = oneOf(raw.kind, 'readBack.auth.kind', ['entra', 'sas', 'connectionString'] as const);
    auth =
      kind === 'entra'
        ? { kind: 'entra' }
        : kind === 'sas'
          ? { kind: 'sas', keyName: str(raw.keyName, 'readBack.auth.keyName'), key: str(raw.key, 'readBack.auth.key', true) }
          : { kind: 'connectionString', connectionString: str(raw.connectionString, 'readBack.auth.connectionString', true) };
  }
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(eventHubName !== undefined ? { eventHubName } : {}),
    ...(consumerGroup !== undefined ? { consumerGroup } : {}),
    ...(auth ? { auth } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
  };
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
