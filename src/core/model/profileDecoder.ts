/**
 * The one decoder of profiles that come from outside the running code: a CLI `--profile` file,
 * an Import Profiles file, and a SecretStorage entry written by an older version. It checks the
 * *shape* (which fields are objects, strings, numbers, which kinds exist) and names every problem
 * by its JSON path with the fix; the *values* are then checked by `validateProfile`, which can
 * rely on the shape. No vscode import.
 *
 * Hand-written rather than zod or valibot: the schema is one fixed type of about thirty fields,
 * every message needs its own fix in this project's words (the libraries' messages would be
 * rewritten field by field anyway), secret fields must never be quoted, and both CLI and
 * extension bundles stay free of a schema library (zod 4 alone is ~60 kB minified).
 */
import { ValidationError } from '../errors/errors';
import { CLOUDS, type CloudName } from './cloud';
import type { ConnectionProfile, EndpointAuth, EndpointSettings, KeyVaultAuth, KeyVaultSettings, ReadBackSettings, SecretReference } from './profile';
import { PROFILE_NAME_MAX_LENGTH, validateProfileName } from './profileName';
import { clip } from './validated';

/** A profile file is a few kilobytes (a CA certificate is the largest field); 1 MiB is no profile. */
export const MAX_PROFILE_FILE_BYTES = 1_048_576;

export type DecodedProfile = { readonly ok: true; readonly profile: ConnectionProfile } | { readonly ok: false; readonly errors: readonly ValidationError[] };

export interface DecodeOptions {
  /** Put before every field path, e.g. `profile 2 of 3 ("Orders")` (shown as `label → field`). */
  readonly label?: string;
  /**
   * A SecretStorage entry: a name this version would refuse (too long, a control character) was
   * accepted by an older one, so it is repaired instead of making the whole profile unreadable.
   */
  readonly repairName?: boolean;
}

type Json = Record<string, unknown>;

const VAULT = '"keyVault": {"vaultUrl": "https://<vault>.vault.azure.net", "auth": {"kind": "servicePrincipal", "tenantId": "<GUID>", "clientId": "<GUID>"}, "clientIdSecret": {"name": "<secret name>"}, "clientSecretSecret": {"name": "<secret name>"}}';
const ENDPOINT = '"endpoint": {"namespace": "<namespace>.servicebus.windows.net", "eventHubName": "es_…", "auth": {"kind": "entra"}, "protocol": "rest"}';
const KV_AUTH = 'Use {"kind": "servicePrincipal", "tenantId": "<GUID>", "clientId": "<GUID>"} (its client secret comes from the environment or the editor), {"kind": "azureCli"} or {"kind": "signedInUser"}.';
const EP_AUTH = 'Use {"kind": "entra"}, {"kind": "sas", "keyName": "<policy name>"} or {"kind": "connectionString"} (keys come from the environment or the editor).';
const SECRET_REF = 'Write the secret reference as an object: {"name": "<secret name>"}, with an optional "version": "<32 hex digits>".';

/** Every field's fix when its type is wrong: an example of the right shape. */
const FIX: Readonly<Record<string, string>> = {
  '': `Give one profile object: {"name": "…", "cloud": "public", ${VAULT}, ${ENDPOINT}}; a file written by Export Profile or \`eventstream-flow sandbox\` has this shape.`,
  keyVault: `Write keyVault as an object: {${VAULT.slice('"keyVault": {'.length)}.`,
  'keyVault.auth': KV_AUTH,
  'keyVault.clientIdSecret': SECRET_REF,
  'keyVault.clientSecretSecret': SECRET_REF,
  eventHubsToken: 'Write eventHubsToken as {"tenantId": "<GUID of the pipeline\'s tenant>", "endpointVersion": "v1"}.',
  endpoint: `Write endpoint as an object: {${ENDPOINT.slice('"endpoint": {'.length)}.`,
  'endpoint.auth': EP_AUTH,
  readBack: 'Write readBack as an object whose fields are all optional: {"consumerGroup": "$Default", "timeoutSeconds": 30}, or leave it out.',
  'readBack.auth': `${EP_AUTH} Or leave readBack.auth out to read with the send endpoint's credentials.`,
};

/** Fields that hold a secret: their value is never quoted, not even its type's contents. */
const SECRET_FIELDS = /(?:^|\.)(?:clientSecret|key|connectionString)$/;

/** Reads untrusted JSON into a ConnectionProfile, collecting every shape problem. Never throws. */
export function decodeProfileValue(raw: unknown, options: DecodeOptions = {}): DecodedProfile {
  const reader = new ShapeReader(options.label, options.repairName === true);
  const profile = reader.profile(raw);
  return reader.errors.length === 0 && profile ? { ok: true, profile } : { ok: false, errors: reader.errors };
}

/** `decodeProfileValue`, throwing the first problem (the others listed after it) as a ValidationError. */
export function decodeProfile(raw: unknown, options: DecodeOptions = {}): ConnectionProfile {
  const decoded = decodeProfileValue(raw, options);
  if (decoded.ok) {
    return decoded.profile;
  }
  const [first, ...others] = decoded.errors as [ValidationError, ...ValidationError[]];
  if (others.length === 0) {
    return throwError(first);
  }
  const also = others.slice(0, 4).map((e) => e.message);
  const more = others.length > 4 ? ` (and ${others.length - 4} more)` : '';
  throw new ValidationError(first.field, first.problem, `${first.fix} Also: ${also.join(' ')}${more}`);
}

function throwError(error: ValidationError): never {
  throw error;
}

/** "a string", "null", "an array"…: what a field holds, never its value. */
function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Unprintable characters become spaces, and the name is cut to the longest allowed. */
function repairedName(name: string): string {
  const printable = [...name].map((ch) => (validateProfileName(`x${ch}`).ok ? ch : ' ')).join('');
  return printable.replace(/\s+/g, ' ').trim().slice(0, PROFILE_NAME_MAX_LENGTH).trim() || 'Profile';
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ShapeReader {
  readonly errors: ValidationError[] = [];

  constructor(
    private readonly label: string | undefined,
    private readonly repairName: boolean,
  ) {}

  private fail(path: string, problem: string, fix: string): undefined {
    const field = path || 'profile';
    this.errors.push(new ValidationError(this.label ? `${this.label} → ${field}` : field, problem, fix));
    return undefined;
  }

  /** An object, or a problem saying what is there instead. `null` counts as absent when optional. */
  private object(value: unknown, path: string, optional = false): Json | undefined {
    if (isRecord(value)) {
      this.nearMisses(value, path);
      return value;
    }
    if (optional && (value === undefined || value === null)) {
      return undefined;
    }
    const fix = FIX[path] ?? 'Write it as a JSON object.';
    if (value === undefined) {
      return this.fail(path, 'is missing.', fix);
    }
    return this.fail(path, `is ${kindOf(value)}, not an object.`, fix);
  }

  /** A string; absent (or null) gives `fallback` when one is given, else a "missing" problem. */
  private string(value: unknown, path: string, fix: string, fallback?: string): string | undefined {
    if (typeof value === 'string') {
      return value;
    }
    if ((value === undefined || value === null) && fallback !== undefined) {
      return fallback;
    }
    if (value === undefined) {
      return this.fail(path, 'is missing.', fix);
    }
    const what = !SECRET_FIELDS.test(path) && typeof value === 'number' ? `a number (${value})` : kindOf(value);
    return this.fail(path, `is ${what}, not a string.`, fix);
  }

  private optionalString(value: unknown, path: string, fix: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path, fix);
  }

  /** One of `allowed`; absent gives `fallback` when one is given. */
  private oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback?: T): T | undefined {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    if ((value === undefined || value === null) && fallback !== undefined) {
      return fallback;
    }
    const fix = `Use one of: ${allowed.join(', ')}.`;
    if (value === undefined) {
      return this.fail(path, 'is missing.', fix);
    }
    if (typeof value !== 'string') {
      return this.fail(path, `is ${kindOf(value)}, not a string.`, fix);
    }
    const near = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    return this.fail(path, `is "${clip(value, 40)}".`, near ? `Write it exactly as ${near}.` : fix);
  }

  /** A key that differs from a known one only in case or spacing is a typo that would silently drop the field. */
  private nearMisses(value: Json, path: string): void {
    const known = KNOWN_KEYS[path];
    if (!known) {
      return;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) {
        continue;
      }
      const near = known.find((k) => k.toLowerCase() === key.trim().toLowerCase().replace(/[\s_-]/g, ''));
      if (near && !Object.hasOwn(value, near)) {
        this.fail(path ? `${path}.${clip(key, 40)}` : clip(key, 40), `is not a field of the profile; ${near} is.`, `Rename it to ${near}.`);
      }
    }
  }

  profile(raw: unknown): ConnectionProfile | undefined {
    if (Array.isArray(raw)) {
      return this.fail('', `is a JSON array (of ${raw.length}), not one profile.`, `${FIX['']} Import Profiles takes a list; the CLI's --profile takes one profile.`);
    }
    const p = this.object(raw, '');
    if (!p) {
      return undefined;
    }
    const id = this.string(p.id, 'id', 'Give the id as a string, or leave it out (a new one is made).', '');
    const nameText = this.string(p.name, 'name', 'Give the profile a name, e.g. the pipeline it mirrors.', '');
    let name = nameText?.trim();
    if (name && this.repairName) {
      name = repairedName(name);
    } else if (name) {
      const checked = validateProfileName(name, 'name');
      if (!checked.ok) {
        name = this.fail('name', checked.error.problem, checked.error.fix);
      }
    }
    const cloud = this.oneOf<CloudName>(p.cloud, 'cloud', Object.keys(CLOUDS) as CloudName[], 'public');
    const authorityHost = this.optionalString(p.authorityHost, 'authorityHost', 'Leave authorityHost out (the cloud decides it), or use https://localhost:<port> for the local sandbox.');
    const trustedCaPem = this.optionalString(p.trustedCaPem, 'trustedCaPem', 'Give the CA certificate as one PEM string, or leave trustedCaPem out.');
    const keyVault = this.keyVault(p.keyVault);
    const eventHubsToken = this.eventHubsToken(p.eventHubsToken);
    const endpoint = this.endpoint(p.endpoint);
    const readBack = this.readBack(p.readBack);
    if (id === undefined || name === undefined || cloud === undefined || !keyVault || !eventHubsToken || !endpoint || readBack === null) {
      return undefined;
    }
    return {
      id: id.trim(),
      name,
      cloud,
      ...(authorityHost ? { authorityHost } : {}),
      keyVault,
      eventHubsToken,
      endpoint,
      ...(trustedCaPem ? { trustedCaPem } : {}),
      ...(readBack ? { readBack } : {}),
    };
  }

  private keyVault(raw: unknown): KeyVaultSettings | undefined {
    const kv = this.object(raw, 'keyVault');
    if (!kv) {
      return undefined;
    }
    const vaultUrl = this.string(kv.vaultUrl, 'keyVault.vaultUrl', 'Give the vault URL as a string, e.g. "https://<vault>.vault.azure.net" (an empty string when the endpoint uses a key).');
    const auth = this.keyVaultAuth(kv.auth);
    const clientIdSecret = this.secretReference(kv.clientIdSecret, 'keyVault.clientIdSecret');
    const clientSecretSecret = this.secretReference(kv.clientSecretSecret, 'keyVault.clientSecretSecret');
    if (vaultUrl === undefined || !auth || !clientIdSecret || !clientSecretSecret) {
      return undefined;
    }
    return { vaultUrl, auth, clientIdSecret, clientSecretSecret };
  }

  private keyVaultAuth(raw: unknown): KeyVaultAuth | undefined {
    const path = 'keyVault.auth';
    const a = this.object(raw, path);
    if (!a) {
      return undefined;
    }
    const kind = this.oneOf(a.kind, `${path}.kind`, ['servicePrincipal', 'azureCli', 'signedInUser'] as const);
    const tenantFix = 'Give the Directory (tenant) ID as a string, e.g. "72f988bf-86f1-41af-91ab-2d7cd011db47".';
    if (kind === 'servicePrincipal') {
      const tenantId = this.string(a.tenantId, `${path}.tenantId`, tenantFix);
      const clientId = this.string(a.clientId, `${path}.clientId`, "Give the reader app's Application (client) ID as a string (a GUID).");
      // Files and exports carry no secret: an absent one is filled in from the environment or the editor.
      const clientSecret = this.string(a.clientSecret, `${path}.clientSecret`, 'Leave clientSecret out of the file and give it in the environment (or the editor asks for it).', '');
      const tokenRequest = a.tokenRequest === undefined || a.tokenRequest === null ? undefined : this.oneOf(a.tokenRequest, `${path}.tokenRequest`, ['pipeline', 'sdk'] as const);
      if (tenantId === undefined || clientId === undefined || clientSecret === undefined || (a.tokenRequest !== undefined && a.tokenRequest !== null && !tokenRequest)) {
        return undefined;
      }
      return { kind, tenantId, clientId, clientSecret, ...(tokenRequest ? { tokenRequest } : {}) };
    }
    if (kind === undefined) {
      return undefined;
    }
    const tenantId = this.optionalString(a.tenantId, `${path}.tenantId`, tenantFix);
    if (a.tenantId !== undefined && a.tenantId !== null && tenantId === undefined) {
      return undefined;
    }
    return { kind, ...(tenantId ? { tenantId } : {}) };
  }

  private secretReference(raw: unknown, path: string): SecretReference | undefined {
    const r = this.object(raw, path);
    if (!r) {
      return undefined;
    }
    const name = this.string(r.name, `${path}.name`, 'Give the Key Vault secret name as a string, e.g. "pipeline-client-id".');
    const version = this.optionalString(r.version, `${path}.version`, 'Give the version as a string of 32 hex digits, or leave it out for the latest.');
    if (name === undefined || (r.version !== undefined && r.version !== null && version === undefined)) {
      return undefined;
    }
    return { name, ...(version ? { version } : {}) };
  }

  private eventHubsToken(raw: unknown): ConnectionProfile['eventHubsToken'] | undefined {
    // A profile that sends with a key needs no stage-4 token: the whole object may be left out.
    const t = this.object(raw, 'eventHubsToken', true) ?? {};
    const tenantId = this.string(t.tenantId, 'eventHubsToken.tenantId', "Give the pipeline's Directory (tenant) ID as a string (a GUID).", '');
    const endpointVersion = this.oneOf(t.endpointVersion, 'eventHubsToken.endpointVersion', ['v1', 'v2'] as const, 'v1');
    if (tenantId === undefined || endpointVersion === undefined || (raw !== undefined && raw !== null && !isRecord(raw))) {
      return undefined;
    }
    return { tenantId, endpointVersion };
  }

  private endpointAuth(raw: unknown, path: string): EndpointAuth | undefined {
    const a = this.object(raw, path);
    if (!a) {
      return undefined;
    }
    const kind = this.oneOf(a.kind, `${path}.kind`, ['entra', 'sas', 'connectionString'] as const);
    const secretFix = `Leave it out of the file and give it in the environment (or the editor asks for it).`;
    switch (kind) {
      case 'entra':
        return { kind };
      case 'sas': {
        const keyName = this.string(a.keyName, `${path}.keyName`, 'Give the SAS policy name as a string, e.g. "key_5678efgh" or "send-only".');
        const key = this.string(a.key, `${path}.key`, secretFix, '');
        return keyName === undefined || key === undefined ? undefined : { kind, keyName, key };
      }
      case 'connectionString': {
        const connectionString = this.string(a.connectionString, `${path}.connectionString`, secretFix, '');
        return connectionString === undefined ? undefined : { kind, connectionString };
      }
      default:
        return undefined;
    }
  }

  private endpoint(raw: unknown): EndpointSettings | undefined {
    const e = this.object(raw, 'endpoint');
    if (!e) {
      return undefined;
    }
    const namespace = this.string(e.namespace, 'endpoint.namespace', 'Give the namespace host as a string, e.g. "eventstream-1234abcd.servicebus.windows.net".');
    const eventHubName = this.string(e.eventHubName, 'endpoint.eventHubName', 'Give the event hub name as a string, e.g. "es_9abc0def".');
    const auth = this.endpointAuth(e.auth, 'endpoint.auth');
    const protocol = this.oneOf(e.protocol, 'endpoint.protocol', ['rest', 'amqp'] as const, 'rest');
    const amqpTransport = e.amqpTransport === undefined || e.amqpTransport === null ? undefined : this.oneOf(e.amqpTransport, 'endpoint.amqpTransport', ['tcp', 'websockets'] as const);
    if (namespace === undefined || eventHubName === undefined || !auth || !protocol || (e.amqpTransport !== undefined && e.amqpTransport !== null && !amqpTransport)) {
      return undefined;
    }
    return { namespace, eventHubName, auth, protocol, ...(amqpTransport ? { amqpTransport } : {}) };
  }

  /** `null` in the return means "a problem was found" (absent is `undefined`). */
  private readBack(raw: unknown): ReadBackSettings | undefined | null {
    if (raw === undefined || raw === null) {
      return undefined;
    }
    const r = this.object(raw, 'readBack');
    if (!r) {
      return null;
    }
    const before = this.errors.length;
    const namespace = this.optionalString(r.namespace, 'readBack.namespace', 'Give the consumer namespace host as a string, or leave it out (the send namespace).');
    const eventHubName = this.optionalString(r.eventHubName, 'readBack.eventHubName', 'Give the event hub name as a string, or leave it out (the send hub).');
    const consumerGroup = this.optionalString(r.consumerGroup, 'readBack.consumerGroup', 'Give the consumer group as a string, e.g. "$Default", or leave it out.');
    let timeoutSeconds: number | undefined;
    if (r.timeoutSeconds !== undefined && r.timeoutSeconds !== null) {
      if (typeof r.timeoutSeconds === 'number' && Number.isFinite(r.timeoutSeconds)) {
        timeoutSeconds = r.timeoutSeconds;
      } else {
        this.fail('readBack.timeoutSeconds', `is ${kindOf(r.timeoutSeconds)}, not a number.`, 'Give a number of seconds from 1 to 600, e.g. 30, or leave it out (30).');
      }
    }
    const auth = r.auth === undefined || r.auth === null ? undefined : this.endpointAuth(r.auth, 'readBack.auth');
    if (this.errors.length > before) {
      return null;
    }
    return {
      ...(namespace !== undefined ? { namespace } : {}),
      ...(eventHubName !== undefined ? { eventHubName } : {}),
      ...(consumerGroup !== undefined ? { consumerGroup } : {}),
      ...(auth ? { auth } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    };
  }
}

/** The fields of each object, for the near-miss check (a key that differs only in case or separators). */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['id', 'name', 'cloud', 'authorityHost', 'keyVault', 'eventHubsToken', 'endpoint', 'trustedCaPem', 'readBack'],
  keyVault: ['vaultUrl', 'auth', 'clientIdSecret', 'clientSecretSecret'],
  'keyVault.auth': ['kind', 'tenantId', 'clientId', 'clientSecret', 'tokenRequest'],
  'keyVault.clientIdSecret': ['name', 'version'],
  'keyVault.clientSecretSecret': ['name', 'version'],
  eventHubsToken: ['tenantId', 'endpointVersion'],
  endpoint: ['namespace', 'eventHubName', 'auth', 'protocol', 'amqpTransport'],
  'endpoint.auth': ['kind', 'keyName', 'key', 'connectionString'],
  readBack: ['namespace', 'eventHubName', 'consumerGroup', 'auth', 'timeoutSeconds'],
  'readBack.auth': ['kind', 'keyName', 'key', 'connectionString'],
};
