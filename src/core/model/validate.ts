import { parseConnectionString } from '../azure/connectionString';
import { isValidationError, ValidationError } from '../errors/errors';
import type { Cloud, CloudName } from './cloud';
import { CLOUDS } from './cloud';
import { READ_BACK_TIMEOUT_SECONDS } from './limits';
import { isLoopbackHostname as isLoopbackHost, parseHostAuthority, splitAddress, type CanonicalHost } from './host';
import type { ConnectionProfile, ReadBackSettings, SecretReference } from './profile';

/**
 * Validators return a result instead of throwing: input boxes show `error.message`, `validateProfile`
 * collects every problem, and the CLI calls `valueOrThrow`. `value` is the normalised input;
 * `note` says what was changed (e.g. a `/secrets/x` path stripped from a vault URL).
 */
export type Validated<T> = { readonly ok: true; readonly value: T; readonly note?: string } | { readonly ok: false; readonly error: ValidationError };

export function valueOrThrow<T>(result: Validated<T>): T {
  if (!result.ok) {
    throw result.error;
  }
  return result.value;
}

const ok = <T>(value: T, note?: string): Validated<T> => (note ? { ok: true, value, note } : { ok: true, value });
const fail = <T>(field: string, problem: string, fix: string): Validated<T> => ({ ok: false, error: new ValidationError(field, problem, fix) });

/** 1 MiB: Event Hubs Standard/Premium (and Eventstream) reject publications above this. */
export const MAX_EVENT_BYTES = 1_048_576;
export const MAX_PARTITION_KEY_LENGTH = 128;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** localhost, 127.0.0.1 and [::1]: the one rule, in host.ts. */
export { isLoopbackHost };

/** An unresolved template: Postman/pipeline `{{x}}`, ADF `@{pipeline()…}`, shell `${X}`, `<tenant>`. */
function isPlaceholder(value: string): boolean {
  return /\{\{.*\}\}|@\{.*\}|\$\{.*\}|^<.*>$|^%.*%$/.test(value);
}

// ---------------------------------------------------------------------------------------------
// Identities

export function validateTenantId(input: string, field = 'tenantId'): Validated<string> {
  const value = input.trim();
  const where = "Copy the Directory (tenant) ID from the app registration's Overview page";
  if (!value) {
    return fail(field, 'is empty.', `${where} (a GUID), or use the tenant domain such as contoso.onmicrosoft.com.`);
  }
  if (isPlaceholder(value)) {
    return fail(field, `is an unresolved placeholder (${value}); Entra would answer AADSTS900023.`, `${where} and paste the GUID itself.`);
  }
  if (/^(undefined|null|none|tenant|tenantid)$/i.test(value)) {
    return fail(field, `is "${value}", not a tenant; Entra would answer AADSTS900023.`, `${where}.`);
  }
  if (/^(common|consumers|organizations)$/i.test(value)) {
    return fail(
      field,
      `is "${value}", a multi-tenant alias; client-credential tokens cannot be requested there (AADSTS9001023).`,
      `${where}: the pipeline's token requests need the tenant itself.`,
    );
  }
  if (/^[a-z]+:\/\//i.test(value) || value.includes('/')) {
    const guid = GUID_ANYWHERE.exec(value)?.[0];
    return fail(
      field,
      'is a URL or path, not a tenant id.',
      guid ? `Use only the tenant GUID from it: ${guid}.` : `${where}; the authority host is chosen by the profile's cloud.`,
    );
  }
  if (GUID.test(value)) {
    return ok(value.toLowerCase());
  }
  if (/^[0-9a-f-]{30,40}$/i.test(value)) {
    return fail(field, 'looks like a GUID but is malformed (expected 8-4-4-4-12 hex digits).', `${where}; check for a missing or extra character.`);
  }
  if (DOMAIN.test(value)) {
    return ok(value.toLowerCase());
  }
  return fail(field, 'is neither a GUID nor a domain name.', `${where}, or use a verified domain such as contoso.onmicrosoft.com.`);
}

export function validateClientId(input: string, field = 'clientId'): Validated<string> {
  const value = input.trim();
  const where = "Copy the Application (client) ID from the app registration's Overview page";
  if (!value) {
    return fail(field, 'is empty.', `${where}.`);
  }
  if (GUID.test(value)) {
    return ok(value.toLowerCase());
  }
  // Entra secret values contain '~' and are ~40 characters: a classic paste into the wrong box.
  if (value.includes('~') || (value.length >= 34 && !value.includes('-'))) {
    return fail(field, 'looks like a client secret value, not a client id.', `${where}; the secret goes in the client secret field.`);
  }
  if (isPlaceholder(value)) {
    return fail(field, `is an unresolved placeholder (${value}).`, `${where}.`);
  }
  return fail(field, 'is not a GUID.', `${where} (8-4-4-4-12 hex digits).`);
}

/** A reader client secret typed into the profile: present, and not the Secret ID by mistake. */
export function validateClientSecret(input: string | undefined, field = 'clientSecret'): Validated<string> {
  // Absent in a profile file that leaves secrets to the environment (export reads such files).
  if (input === undefined || !input.trim()) {
    return fail(field, 'is empty.', 'Paste the client secret value (Certificates & secrets → Value).');
  }
  if (GUID.test(input.trim())) {
    return fail(
      field,
      "is a GUID: that is the secret's Secret ID, not its value (Entra would answer AADSTS7000215).",
      'Paste the Value column shown when the secret was created; create a new secret if it is no longer visible.',
    );
  }
  return ok(input);
}

// ---------------------------------------------------------------------------------------------
// Key Vault

export function validateSecretName(input: string, field = 'secretName'): Validated<string> {
  const value = input.trim();
  if (!value) {
    return fail(field, 'is empty.', 'Enter the name of the Key Vault secret, e.g. pipeline-client-id.');
  }
  const fromUrl = /\/secrets\/([^/?#]+)/.exec(value)?.[1];
  if (fromUrl) {
    return fail(field, 'is a secret URL, not a name.', `Use only the name: ${fromUrl} (and the version, if any, in the version field).`);
  }
  if (value.length > 127) {
    return fail(field, `is ${value.length} characters long; Key Vault allows at most 127.`, 'Use the exact name shown in the vault.');
  }
  if (!/^[0-9a-zA-Z-]+$/.test(value)) {
    const bad = [...new Set(value.replace(/[0-9a-zA-Z-]/g, ''))].join(' ');
    return fail(field, `contains characters Key Vault does not allow in names (${bad}).`, 'Use letters, digits and hyphens only, e.g. pipeline-client-secret.');
  }
  return ok(value);
}

export function validateSecretVersion(input: string | undefined, field = 'secretVersion'): Validated<string | undefined> {
  const value = (input ?? '').trim();
  if (!value) {
    return ok(undefined);
  }
  if (!/^[0-9a-f]{32}$/i.test(value)) {
    return fail(field, 'is not a Key Vault version id (32 hexadecimal characters).', 'Copy the version from the secret identifier (…/secrets/<name>/<version>) or leave it empty for the latest version.');
  }
  return ok(value.toLowerCase());
}

export function validateSecretReference(ref: SecretReference, field: string): ValidationError[] {
  return problems([validateSecretName(ref.name, `${field}.name`), validateSecretVersion(ref.version, `${field}.version`)]);
}

/**
 * The authority of an address typed into a host field, checked by the one host parser
 * (`parseHostAuthority`). A query, fragment, line break or anything the URL parser would rewrite
 * is refused; a path is returned for the caller to strip (with a note) or refuse.
 */
function addressOf<T>(text: string, field: string, example: string): { ok: true; scheme?: string; host: CanonicalHost; path: string } | { ok: false; result: Validated<T> } {
  if (/[\r\n\u0085\u2028\u2029]/.test(text)) {
    return { ok: false, result: fail(field, 'contains a line break.', `Enter it on one line, e.g. ${example}.`) };
  }
  const parts = splitAddress(text);
  if (parts.query || parts.fragment) {
    return { ok: false, result: fail(field, 'has a query string or fragment (?… or #…).', `Remove everything after the host: ${example}.`) };
  }
  const parsed = parseHostAuthority(parts.authority);
  if (!parsed.ok) {
    return { ok: false, result: fail(field, parsed.problem, `Use ${example}.`) };
  }
  if (parts.path && !/^[A-Za-z0-9._~/-]*$/.test(parts.path)) {
    return { ok: false, result: fail(field, 'has a path with characters no Azure address has.', `Use ${example}.`) };
  }
  return { ok: true, ...(parts.scheme ? { scheme: parts.scheme } : {}), host: parsed.host, path: parts.path };
}

/**
 * `https://{vault}{cloud suffix}` without a trailing slash. A secret path (`/secrets/x/ver`) is
 * stripped with a note; http is only allowed for loopback hosts (the local sandbox).
 */
export function validateVaultUrl(input: string, cloud: CloudName = 'public', field = 'vaultUrl'): Validated<string> {
  const c = CLOUDS[cloud];
  const example = `https://<vault name>${c.keyVaultSuffix}`;
  const text = input.trim();
  if (!text) {
    return fail(field, 'is empty.', `Enter the vault URL, e.g. ${example} (vault → Overview → Vault URI).`);
  }
  if (isPlaceholder(text)) {
    return fail(field, `is an unresolved placeholder (${text}).`, `Enter the vault URL, e.g. ${example}.`);
  }
  let note: string | undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (/^[a-z0-9-]{3,24}$/i.test(text)) {
      return fail(field, `is only a name (${text}).`, `Use the full vault URL: https://${text.toLowerCase()}${c.keyVaultSuffix}`);
    }
    note = 'Added https:// to the vault URL.';
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  const scheme = address.scheme ?? 'https';
  const { host } = address;
  const loopback = isLoopbackHost(host.hostname);
  if (scheme !== 'https' && !(loopback && scheme === 'http')) {
    return fail(field, `uses ${scheme}; Key Vault is only reachable over https.`, `Use ${example}.`);
  }
  if (!loopback) {
    const cloudCheck = checkSuffix(host.hostname, c, 'keyVaultSuffix', 'vault');
    if (cloudCheck) {
      return fail(field, cloudCheck.problem, cloudCheck.fix);
    }
    if (host.port !== undefined) {
      return fail(field, `has a port (${host.port}); Azure vaults use the default https port.`, `Use https://${host.hostname}`);
    }
  }
  const path = address.path.replace(/\/+$/, '');
  if (path) {
    const secret = /^\/secrets\/([^/]+)(?:\/([^/]+))?/.exec(path);
    note = secret
      ? `Removed ${path} from the vault URL: the secret name (${secret[1]}${secret[2] ? `, version ${secret[2]}` : ''}) belongs in the secret fields.`
      : `Removed the path ${path} from the vault URL; only the vault's base URL is used.`;
  }
  return ok(`${scheme}://${host.authority}`, note);
}

/**
 * Namespace host from `host`, `host:port` (loopback), `sb://host/` or `https://host/`: the canonical
 * `host[:port]` that the REST sender, the AMQP clients and the exports use, and nothing else.
 */
export function validateNamespace(input: string, cloud: CloudName = 'public', field = 'namespace'): Validated<string> {
  const c = CLOUDS[cloud];
  const example = `<namespace>${c.eventHubsSuffix} (Fabric: eventstream-xxxxxxxx.servicebus.windows.net)`;
  const text = input.trim();
  if (!text) {
    return fail(field, 'is empty.', `Enter the namespace host, e.g. ${example}.`);
  }
  if (/^endpoint=/i.test(text) || /SharedAccessKey/i.test(text)) {
    return fail(field, 'is a connection string, not a namespace.', "Choose the connection-string authentication and paste it there, or enter only the host from its Endpoint=sb://…/ part.");
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  if (address.scheme !== undefined && !['sb', 'https', 'amqps', 'amqp'].includes(address.scheme)) {
    return fail(field, `has the scheme ${address.scheme}: which Event Hubs does not use.`, `Use only the host: ${example}.`);
  }
  const { host } = address;
  const loopback = isLoopbackHost(host.hostname);
  let note: string | undefined;
  const path = address.path.replace(/^\/+|\/+$/g, '');
  if (path) {
    note = `Removed /${path} from the namespace; the event hub name goes in its own field.`;
  } else if (address.scheme !== undefined) {
    note = `Removed ${address.scheme}:// from the namespace; only the host is used.`;
  }
  if (loopback) {
    return ok(host.authority, note);
  }
  if (host.port !== undefined) {
    return fail(field, `has a port (${host.port}); only the local sandbox (localhost) uses one.`, `Use ${host.hostname}.`);
  }
  // RFC 6761 §6.4: .invalid names never resolve, and no public CA certifies one, so no credential
  // can reach them; the sandbox's unresolvableHost fault uses one to show a DNS failure offline.
  if (host.hostname.endsWith('.invalid')) {
    return ok(host.hostname, note);
  }
  if (!host.hostname.includes('.')) {
    return fail(field, `is only a name (${host.hostname}).`, `Use the full host: ${host.hostname}${c.eventHubsSuffix}`);
  }
  const suffixProblem = checkSuffix(host.hostname, c, 'eventHubsSuffix', 'namespace');
  if (suffixProblem) {
    return fail(field, suffixProblem.problem, suffixProblem.fix);
  }
  const name = host.hostname.slice(0, -c.eventHubsSuffix.length);
  if (!/^[a-z][a-z0-9-]{4,48}[a-z0-9]$/.test(name)) {
    return fail(field, `has a namespace name (${name}) that Event Hubs does not allow.`, 'Namespace names are 6–50 letters, digits and hyphens, start with a letter and end with a letter or digit.');
  }
  return ok(host.hostname, note);
}

/** The host must end with the cloud's suffix; another cloud's suffix gets a "switch cloud" fix. */
function checkSuffix(host: string, cloud: Cloud, key: 'keyVaultSuffix' | 'eventHubsSuffix', what: string): { problem: string; fix: string } | undefined {
  if (host.endsWith(cloud[key]) && host.length > cloud[key].length) {
    return undefined;
  }
  const other = Object.values(CLOUDS).find((o) => o.name !== cloud.name && host.endsWith(o[key]));
  if (other) {
    return {
      problem: `is a ${other.displayName} ${what} (${other[key]}) but the profile targets ${cloud.displayName}.`,
      fix: `Set the profile's cloud to ${other.displayName}, or use a ${what} in ${cloud.displayName}.`,
    };
  }
  return { problem: `does not end with ${cloud[key]} (${cloud.displayName}).`, fix: `Use <name>${cloud[key]}; check for a typo in the suffix.` };
}

// ---------------------------------------------------------------------------------------------
// Event Hubs names, SAS

export function validateEventHubName(input: string, field = 'eventHubName'): Validated<string> {
  const value = input.trim();
  const fix = 'Copy the event hub name from the endpoint details (Fabric custom endpoints: es_…).';
  if (!value) {
    return fail(field, 'is empty.', fix);
  }
  if (value.length > 256) {
    return fail(field, `is ${value.length} characters; the maximum is 256.`, fix);
  }
  if (value.includes('/')) {
    return fail(field, 'contains "/"; it must be the event hub name only, not a path or URL.', fix);
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)) {
    return fail(field, 'may contain only letters, digits, periods, hyphens and underscores, and must start and end with a letter or digit.', fix);
  }
  return ok(value);
}

export function validateSasKeyName(input: string, field = 'sasKeyName'): Validated<string> {
  const value = input.trim();
  const fix = "Copy the SAS key name from the endpoint's Keys page (Fabric: key_…), or the name of a send-only policy on the event hub.";
  if (!value) {
    return fail(field, 'is empty.', fix);
  }
  if (/^SharedAccessKeyName=/i.test(value)) {
    return fail(field, 'includes the "SharedAccessKeyName=" prefix.', 'Enter only the name after the = sign.');
  }
  if (value.length > 256 || !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)) {
    return fail(field, 'is not a valid SAS policy name (letters, digits, . _ -, at most 256 characters).', fix);
  }
  return ok(value);
}

/** The key is never echoed in messages. */
export function validateSasKey(input: string, field = 'sasKey'): Validated<string> {
  const value = input.trim();
  if (!value) {
    return fail(field, 'is empty.', "Copy the primary key from the endpoint's Keys page.");
  }
  if (/^endpoint=/i.test(value) || /;SharedAccessKey/i.test(value)) {
    return fail(field, 'is a whole connection string, not a key.', 'Choose the connection-string authentication, or paste only the value after SharedAccessKey=.');
  }
  if (/^SharedAccessKey=/i.test(value)) {
    return fail(field, 'includes the "SharedAccessKey=" prefix.', 'Paste only the value after the = sign.');
  }
  if (/^SharedAccessSignature\s/i.test(value)) {
    return fail(field, 'is a ready-made SAS token, not a key.', 'Paste the key itself, or put the token in a connection string as SharedAccessSignature=….');
  }
  if (/\s/.test(value)) {
    return fail(field, 'contains whitespace.', 'Copy the key again; keys are a single base64 string.');
  }
  return ok(value);
}

export function validatePartitionKey(input: string | undefined, field = 'partitionKey'): Validated<string | undefined> {
  if (input === undefined || input === '') {
    return ok(undefined);
  }
  if (input.length > MAX_PARTITION_KEY_LENGTH) {
    return fail(field, `is ${input.length} characters; Event Hubs allows at most ${MAX_PARTITION_KEY_LENGTH}.`, 'Use a shorter key (a hash of a long key works).');
  }
  return ok(input);
}

export function validatePartitionId(input: string | undefined, field = 'partitionId'): Validated<string | undefined> {
  const value = input?.trim();
  if (!value) {
    return ok(undefined);
  }
  if (value.length > MAX_PARTITION_KEY_LENGTH) {
    return fail(field, `is ${value.length} characters; at most ${MAX_PARTITION_KEY_LENGTH}.`, 'Use a partition id such as 0 or 1 (see the probe result).');
  }
  if (!/^\d+$/.test(value)) {
    return fail(field, `is "${value}"; Event Hubs partition ids are numbers starting at 0.`, 'Run the probe to list the partition ids.');
  }
  return ok(value);
}

export function validatePartitionOptions(options: { partitionKey?: string; partitionId?: string }): ValidationError[] {
  const found = problems([validatePartitionKey(options.partitionKey), validatePartitionId(options.partitionId)]);
  if (options.partitionKey && options.partitionId) {
    found.push(new ValidationError('partitionId', 'is set together with a partition key.', 'Use either a partition key (the service picks the partition) or a partition id, not both.'));
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Authority host

/** https only; the cloud's own host, or a loopback override (the sandbox). Returns `https://host[:port]`. */
export function validateAuthorityHost(input: string, cloud: CloudName = 'public', field = 'authorityHost'): Validated<string> {
  const c = CLOUDS[cloud];
  const text = input.trim();
  const example = `${c.authorityHost}, or https://localhost:<port> for the local sandbox`;
  if (!text) {
    return fail(field, 'is empty.', `Leave it unset to use ${c.authorityHost}.`);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return fail(field, 'is not a URL.', `Use ${example}.`);
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  if (address.scheme !== 'https') {
    return fail(field, 'must use https (the identity library refuses other schemes).', `Use https://${address.host.authority}.`);
  }
  if (address.path.replace(/\/+$/, '')) {
    return fail(field, `has a path (${address.path}); the tenant and /oauth2/… are added by the flow.`, `Use only https://${address.host.authority}.`);
  }
  const base = `https://${address.host.authority}`;
  if (isLoopbackHost(address.host.hostname) || base === c.authorityHost) {
    return ok(base);
  }
  const other = Object.values(CLOUDS).find((o) => o.authorityHost === base);
  if (other) {
    return fail(field, `is the ${other.displayName} authority but the profile targets ${c.displayName}.`, `Change the profile's cloud to ${other.displayName} instead of overriding the host.`);
  }
  return fail(field, 'overrides the Entra host with a non-loopback address.', `Only localhost overrides are allowed (the local sandbox); real clouds always use ${c.authorityHost}.`);
}

// ---------------------------------------------------------------------------------------------
// Events

/** Parses a JSON event body; on error says where (line/column) and how to fix common mistakes. */
export function parseEventBody(text: string, field = 'body'): Validated<unknown> {
  if (!text.trim()) {
    return fail(field, 'is empty.', 'Enter a JSON value, e.g. {"deviceId":"dev-1","temperature":21.5}.');
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const position = jsonErrorPosition(text) ?? positionFromMessage(error);
    const where = position === undefined ? '' : ` at line ${lineColumn(text, position).line}, column ${lineColumn(text, position).column}`;
    const problem = `is not valid JSON${where}: ${error instanceof Error ? error.message.split('\n')[0] : 'parse error'}.`;
    return fail(field, problem, jsonHint(text, position));
  }
}

function positionFromMessage(error: unknown): number | undefined {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
}

function jsonHint(text: string, position: number | undefined): string {
  const at = position === undefined ? '' : text.slice(position, position + 1);
  const before = position === undefined ? '' : text.slice(0, position).trimEnd();
  if (at === "'" || /'[^']*'\s*:/.test(text)) {
    return 'Use double quotes for strings and property names.';
  }
  if ((at === '}' || at === ']') && before.endsWith(',')) {
    return 'Remove the trailing comma before the closing bracket.';
  }
  if (at === '/' || /^\s*\/\//m.test(text)) {
    return 'Remove comments: JSON has none.';
  }
  if (/^[A-Za-z_$]/.test(at)) {
    return 'Quote property names and string values with double quotes; true, false and null are lower case.';
  }
  if (position !== undefined && position >= text.length) {
    return 'The text ends early: close every { [ and " you opened.';
  }
  return 'Fix the JSON at that position, or switch the body type to text to send it as-is.';
}

/**
 * V8 on Node 20 does not always report a position, so a small scanner finds the first offending
 * character (or text.length when the input ends early). Only called after JSON.parse failed.
 */
function jsonErrorPosition(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) {
      i++;
    }
  };
  const value = (): boolean => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return true;
      }
      for (;;) {
        ws();
        if (text[i] !== '"' || !string()) {
          return false;
        }
        ws();
        if (text[i] !== ':') {
          return false;
        }
        i++;
        if (!value()) {
          return false;
        }
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return true;
        }
        return false;
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return true;
      }
      for (;;) {
        if (!value()) {
          return false;
        }
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return true;
        }
        return false;
      }
    }
    if (ch === '"') {
      return string();
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (literal) {
      i += literal[0].length;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return true;
      }
      if (ch === '\\') {
        if (!/^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i))) {
          return false;
        }
        i += text[i + 1] === 'u' ? 6 : 2;
        continue;
      }
      if (ch < ' ') {
        return false;
      }
      i++;
    }
    return false;
  };
  if (!value()) {
    return Math.min(i, text.length);
  }
  ws();
  return i < text.length ? i : undefined;
}

/** Refuses events over the limit, saying by how much. Accepts a body, its bytes, or a byte count. */
export function validateEventSize(body: string | Uint8Array | number, limit = MAX_EVENT_BYTES, field = 'body'): Validated<number> {
  const bytes = typeof body === 'number' ? body : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (bytes > limit) {
    const fmt = (n: number): string => n.toLocaleString('en-US');
    return fail(
      field,
      `is ${fmt(bytes)} bytes, ${fmt(bytes - limit)} bytes over the ${limit === MAX_EVENT_BYTES ? '1 MiB' : 'maximum'} (${fmt(limit)} bytes) an event may have.`,
      'Send a smaller event or split the payload into several events.',
    );
  }
  return ok(bytes);
}

/** Headers the REST sender sets itself, or that would change the request: never custom properties. */
const RESERVED_PROPERTY_NAMES = new Set([
  'authorization',
  'content-type',
  'content-length',
  'host',
  'brokerproperties',
  'transfer-encoding',
  'connection',
  'expect',
  'user-agent',
  'accept',
]);

/** Custom properties become HTTP headers on REST and application properties on AMQP: valid for both. */
export function validatePropertyName(input: string, field = 'properties'): Validated<string> {
  const name = input.trim();
  if (!name) {
    return fail(field, 'has a property without a name.', 'Give every custom property a name, e.g. source.');
  }
  if (name.length > 128) {
    return fail(`${field}.${name.slice(0, 20)}…`, 'has a name longer than 128 characters.', 'Use a shorter property name.');
  }
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    return fail(`${field}.${name}`, 'has characters not allowed in a property name (spaces, quotes, colons, non-ASCII…).', 'Use letters, digits, - and _ (the REST protocol sends properties as HTTP headers).');
  }
  if (RESERVED_PROPERTY_NAMES.has(name.toLowerCase()) || /^x-ms-/i.test(name)) {
    return fail(`${field}.${name}`, 'is a reserved header name.', 'Choose another name; this one is set by the sender or the service.');
  }
  return ok(name);
}

export function validatePropertyValue(name: string, value: unknown, field = 'properties'): Validated<string | number | boolean> {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? ok(value) : fail(`${field}.${name}`, 'is not a finite number.', 'Use a finite number or a string.');
  }
  if (typeof value === 'boolean') {
    return ok(value);
  }
  if (typeof value !== 'string') {
    return fail(`${field}.${name}`, `is a ${value === null ? 'null' : typeof value}; property values are strings, numbers or booleans.`, 'Put structured data in the event body instead.');
  }
  if (/[\r\n\0]/.test(value)) {
    return fail(`${field}.${name}`, 'contains a line break or NUL.', 'Use a single-line value (it is sent as an HTTP header on REST).');
  }
  if (Buffer.byteLength(value, 'utf8') > 8192) {
    return fail(`${field}.${name}`, 'is longer than 8 KB.', 'Put large data in the event body.');
  }
  return ok(value);
}

export function validateProperties(properties: Readonly<Record<string, unknown>>, field = 'properties'): ValidationError[] {
  const found: ValidationError[] = [];
  const seen = new Set<string>();
  for (const [rawName, value] of Object.entries(properties)) {
    const name = validatePropertyName(rawName, field);
    if (!name.ok) {
      found.push(name.error);
      continue;
    }
    if (seen.has(name.value.toLowerCase())) {
      found.push(new ValidationError(`${field}.${name.value}`, 'appears twice (names are case-insensitive as headers).', 'Keep one of them.'));
    }
    seen.add(name.value.toLowerCase());
    const checked = validatePropertyValue(name.value, value, field);
    if (!checked.ok) {
      found.push(checked.error);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Whole profile

function problems(results: readonly Validated<unknown>[]): ValidationError[] {
  return results.flatMap((r) => (r.ok ? [] : [r.error]));
}

/** Every problem in the profile, not only the first, each naming its field by path. */
export function validateProfile(profile: ConnectionProfile): ValidationError[] {
  const found: ValidationError[] = [];
  if (!profile.name?.trim()) {
    found.push(new ValidationError('name', 'is empty.', 'Give the profile a name, e.g. the pipeline it mirrors.'));
  }
  const cloudName = profile.cloud;
  if (!Object.hasOwn(CLOUDS, cloudName)) {
    found.push(new ValidationError('cloud', `is "${String(cloudName)}".`, 'Use public, china or usgov.'));
    return found;
  }
  if (profile.authorityHost !== undefined) {
    found.push(...problems([validateAuthorityHost(profile.authorityHost, cloudName, 'authorityHost')]));
  }

  const kv = profile.keyVault;
  found.push(...problems([validateVaultUrl(kv.vaultUrl, cloudName, 'keyVault.vaultUrl')]));
  const auth = kv.auth;
  if (auth.kind === 'servicePrincipal') {
    found.push(
      ...problems([
        validateTenantId(auth.tenantId, 'keyVault.auth.tenantId'),
        validateClientId(auth.clientId, 'keyVault.auth.clientId'),
        validateClientSecret(auth.clientSecret, 'keyVault.auth.clientSecret'),
      ]),
    );
  } else if (auth.tenantId !== undefined && auth.tenantId.trim() !== '') {
    found.push(...problems([validateTenantId(auth.tenantId, 'keyVault.auth.tenantId')]));
  }
  found.push(...validateSecretReference(kv.clientIdSecret, 'keyVault.clientIdSecret'));
  found.push(...validateSecretReference(kv.clientSecretSecret, 'keyVault.clientSecretSecret'));
  if (
    kv.clientIdSecret.name.trim() &&
    kv.clientIdSecret.name.trim().toLowerCase() === kv.clientSecretSecret.name.trim().toLowerCase() &&
    (kv.clientIdSecret.version ?? '') === (kv.clientSecretSecret.version ?? '')
  ) {
    found.push(
      new ValidationError('keyVault.clientSecretSecret.name', 'is the same secret as the client id secret.', 'The pipeline reads two different secrets: one holding the client id, one holding the client secret value.'),
    );
  }

  const endpoint = profile.endpoint;
  const needsEntraToken = endpoint.auth.kind === 'entra';
  if (needsEntraToken) {
    found.push(...problems([validateTenantId(profile.eventHubsToken.tenantId, 'eventHubsToken.tenantId')]));
  }
  if (profile.eventHubsToken.endpointVersion !== 'v1' && profile.eventHubsToken.endpointVersion !== 'v2') {
    found.push(new ValidationError('eventHubsToken.endpointVersion', `is "${String(profile.eventHubsToken.endpointVersion)}".`, 'Use v1 (like the pipeline) or v2.'));
  }

  found.push(...problems([validateNamespace(endpoint.namespace, cloudName, 'endpoint.namespace'), validateEventHubName(endpoint.eventHubName, 'endpoint.eventHubName')]));
  if (endpoint.protocol !== 'rest' && endpoint.protocol !== 'amqp') {
    found.push(new ValidationError('endpoint.protocol', `is "${String(endpoint.protocol)}".`, 'Use rest or amqp.'));
  }
  if (endpoint.amqpTransport !== undefined && endpoint.amqpTransport !== 'tcp' && endpoint.amqpTransport !== 'websockets') {
    found.push(new ValidationError('endpoint.amqpTransport', `is "${String(endpoint.amqpTransport)}".`, 'Use tcp or websockets.'));
  }
  const eauth = endpoint.auth;
  if (eauth.kind === 'sas') {
    found.push(...problems([validateSasKeyName(eauth.keyName, 'endpoint.auth.keyName'), validateSasKey(eauth.key, 'endpoint.auth.key')]));
  } else if (eauth.kind === 'connectionString') {
    try {
      const parsed = parseConnectionString(eauth.connectionString);
      if (parsed.eventHubName && endpoint.eventHubName.trim() && parsed.eventHubName !== endpoint.eventHubName.trim()) {
        found.push(
          new ValidationError(
            'endpoint.eventHubName',
            `is ${endpoint.eventHubName} but the connection string's EntityPath is ${parsed.eventHubName}.`,
            'Make them match; the connection string wins when sending.',
          ),
        );
      }
      const ns = validateNamespace(parsed.namespace, cloudName, 'endpoint.auth.connectionString');
      if (!ns.ok) {
        found.push(ns.error);
      }
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      found.push(new ValidationError('endpoint.auth.connectionString', error.problem, error.fix));
    }
  }
  if (profile.readBack !== undefined) {
    found.push(...validateReadBack(profile.readBack, cloudName));
    if (profile.readBack.auth?.kind === 'entra' && endpoint.auth.kind !== 'entra') {
      found.push(ENTRA_READ_BACK_WITHOUT_TOKEN);
    }
    found.push(...readBackTargetMismatches(profile.readBack, profile.readBack.auth ?? endpoint.auth, cloudName));
  }
  found.push(...validateTrustedCa(profile));
  return found;
}

/** Read back with Entra uses the stage-4 token, which only a flow that sends with Entra obtains. */
export const ENTRA_READ_BACK_WITHOUT_TOKEN = new ValidationError(
  'readBack.auth',
  'is entra, but the send endpoint does not use Entra ID, so the flow obtains no Event Hubs token to read with.',
  'Give the read-back endpoint its own SAS key or connection string, or leave readBack.auth out to read with the send endpoint\'s credentials.',
);

/**
 * A consumer that reads with a connection string reads where its Endpoint (and EntityPath) point, so
 * a readBack.namespace or eventHubName naming somewhere else would be silently ignored.
 */
function readBackTargetMismatches(readBack: ReadBackSettings, auth: ConnectionProfile['endpoint']['auth'], cloud: CloudName): ValidationError[] {
  if (auth.kind !== 'connectionString') {
    return [];
  }
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(auth.connectionString);
  } catch {
    return []; // Reported as a connection-string problem.
  }
  const whose = readBack.auth ? 'readBack.auth.connectionString' : "the send endpoint's connection string (readBack has no auth of its own)";
  const fix = "Give readBack its own auth (a SAS key or connection string of the consumer endpoint), or make the two agree: the connection string's Endpoint and EntityPath win.";
  const found: ValidationError[] = [];
  const canonical = readBack.namespace === undefined ? undefined : validateNamespace(readBack.namespace, cloud);
  // A namespace that does not validate is reported by validateReadBack; compare only canonical hosts.
  const namespace = canonical?.ok ? canonical.value : undefined;
  if (namespace && namespace !== parsed.namespace) {
    found.push(new ValidationError('readBack.namespace', `is ${namespace}, but ${whose} points at ${parsed.namespace}.`, fix));
  }
  const hub = readBack.eventHubName?.trim();
  if (hub && parsed.eventHubName && hub !== parsed.eventHubName) {
    found.push(new ValidationError('readBack.eventHubName', `is ${hub}, but ${whose} has EntityPath ${parsed.eventHubName}.`, fix));
  }
  return found;
}

/** Event Hubs consumer group names: 1–50 letters, digits, `.`, `-`, `_`, `$` (Fabric's are GUIDs). */
const CONSUMER_GROUP = /^[A-Za-z0-9$][A-Za-z0-9._$-]{0,49}$/;

export function validateConsumerGroup(input: string, field = 'readBack.consumerGroup'): Validated<string> {
  const value = input.trim();
  if (!CONSUMER_GROUP.test(value)) {
    return fail(
      field,
      value ? `"${value}" is not a consumer group name.` : 'is empty.',
      'Use $Default, or the consumer group shown on the consumer endpoint (Fabric: the destination custom endpoint\'s Event hub tab).',
    );
  }
  return ok(value);
}

/** Read-back seconds: whole or fractional, 1 to 600. */
export function validateReadBackTimeout(seconds: number, field = 'readBack.timeoutSeconds'): Validated<number> {
  const { min, max } = READ_BACK_TIMEOUT_SECONDS;
  // A stored profile may hold a fraction of a second (the CLI option takes whole numbers only).
  if (!Number.isFinite(seconds) || seconds < min || seconds > max) {
    return fail(field, `is ${String(seconds)}.`, `Give a number of seconds from ${min} to ${max} (default ${READ_BACK_TIMEOUT_SECONDS.default}).`);
  }
  return ok(seconds);
}

/** The consumer endpoint of the round trip; fields left out default to the send endpoint. */
export function validateReadBack(readBack: ReadBackSettings, cloud: CloudName = 'public'): ValidationError[] {
  const found: ValidationError[] = [];
  if (readBack.namespace !== undefined) {
    found.push(...problems([validateNamespace(readBack.namespace, cloud, 'readBack.namespace')]));
  }
  if (readBack.eventHubName !== undefined) {
    found.push(...problems([validateEventHubName(readBack.eventHubName, 'readBack.eventHubName')]));
  }
  if (readBack.consumerGroup !== undefined) {
    found.push(...problems([validateConsumerGroup(readBack.consumerGroup)]));
  }
  if (readBack.timeoutSeconds !== undefined) {
    found.push(...problems([validateReadBackTimeout(readBack.timeoutSeconds)]));
  }
  const auth = readBack.auth;
  if (auth?.kind === 'sas') {
    found.push(...problems([validateSasKeyName(auth.keyName, 'readBack.auth.keyName'), validateSasKey(auth.key, 'readBack.auth.key')]));
  } else if (auth?.kind === 'connectionString') {
    try {
      found.push(...problems([validateNamespace(parseConnectionString(auth.connectionString).namespace, cloud, 'readBack.auth.connectionString')]));
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      found.push(new ValidationError('readBack.auth.connectionString', error.problem, error.fix));
    }
  } else if (auth !== undefined && auth.kind !== 'entra') {
    found.push(new ValidationError('readBack.auth.kind', `is "${String((auth as { kind?: unknown }).kind)}".`, 'Use entra, sas or connectionString.'));
  }
  return found;
}

/**
 * An extra CA is trusted by every client of a run, so it is only accepted when every host the
 * profile reaches is loopback (the sandbox). Also checked by the engine before each run, so a
 * profile stored before this rule cannot use one either.
 */
export function validateTrustedCa(profile: ConnectionProfile): ValidationError[] {
  const found: ValidationError[] = [];
  if (profile.trustedCaPem !== undefined && profile.trustedCaPem.trim()) {
    if (!profile.trustedCaPem.includes('-----BEGIN CERTIFICATE-----')) {
      found.push(new ValidationError('trustedCaPem', 'is not a PEM certificate.', 'Paste the CA certificate including the -----BEGIN CERTIFICATE----- line (the sandbox prints its path).'));
    }
    // Every client of the run trusts this CA: on a profile that reaches Azure (an imported file,
    // say) it would let whoever holds the CA's key read the client secret and the tokens.
    const remote = remoteHostsOf(profile);
    if (remote.length > 0) {
      found.push(
        new ValidationError(
          'trustedCaPem',
          `is set, but the profile also reaches ${remote.join(', ')}; an extra CA is only for the local sandbox (loopback hosts).`,
          'Remove trustedCaPem from this profile: Azure endpoints are verified against the system certificate authorities.',
        ),
      );
    }
  }
  return found;
}

/**
 * The non-loopback hosts a run of this profile calls (vault, namespaces, and the authority when a
 * token is requested), read by the one host parser: a vault URL without a scheme, a namespace with
 * a path, or a connection string's Endpoint yield the same host the run would reach.
 */
function remoteHostsOf(profile: ConnectionProfile): string[] {
  const hostOf = (address: string | undefined): string | undefined => {
    if (address === undefined || !address.trim()) {
      return undefined;
    }
    const parsed = parseHostAuthority(splitAddress(address.trim()).authority);
    // A host that does not parse is reported by its own field; here it counts as remote.
    return parsed.ok ? parsed.host.hostname : address.trim();
  };
  const connectionStringHost = (auth: ConnectionProfile['endpoint']['auth'] | undefined): string | undefined => {
    if (auth?.kind !== 'connectionString') {
      return undefined;
    }
    try {
      return hostOf(parseConnectionString(auth.connectionString).namespace);
    } catch {
      return undefined; // Reported as a connection-string problem.
    }
  };
  const hosts = [
    hostOf(profile.keyVault.vaultUrl),
    hostOf(profile.endpoint.namespace),
    connectionStringHost(profile.endpoint.auth),
    // The round trip's consumer endpoint is reached by the same run.
    hostOf(profile.readBack?.namespace),
    connectionStringHost(profile.readBack?.auth),
  ];
  if (profile.keyVault.auth.kind === 'servicePrincipal' || profile.endpoint.auth.kind === 'entra') {
    hosts.push(hostOf(profile.authorityHost ?? CLOUDS[profile.cloud].authorityHost));
  }
  return [...new Set(hosts.filter((h): h is string => h !== undefined && h !== '' && !isLoopbackHost(h)))];
}

/** Throws the first problem, with the others listed in its message, so the CLI fails with all of them. */
export function assertValidProfile(profile: ConnectionProfile): void {
  const found = validateProfile(profile);
  const first = found[0];
  if (!first) {
    return;
  }
  if (found.length === 1) {
    throw first;
  }
  const others = found
    .slice(1)
    .map((e) => e.message)
    .join(' ');
  throw new ValidationError(first.field, first.problem, `${first.fix} Also: ${others}`);
}

/** The profile with addresses normalised (vault URL without path, bare namespace host, trimmed ids). */
export function normalizeProfile(profile: ConnectionProfile): ConnectionProfile {
  const keep = <T>(r: Validated<T>, fallback: T): T => (r.ok ? r.value : fallback);
  const kv = profile.keyVault;
  const auth = kv.auth.kind === 'servicePrincipal' ? { ...kv.auth, tenantId: kv.auth.tenantId.trim(), clientId: kv.auth.clientId.trim() } : kv.auth;
  const readBack = profile.readBack;
  return {
    ...profile,
    ...(profile.authorityHost !== undefined ? { authorityHost: keep(validateAuthorityHost(profile.authorityHost, profile.cloud), profile.authorityHost) } : {}),
    keyVault: {
      ...kv,
      auth,
      vaultUrl: kv.vaultUrl.trim() ? keep(validateVaultUrl(kv.vaultUrl, profile.cloud), kv.vaultUrl) : '',
      clientIdSecret: { ...kv.clientIdSecret, name: kv.clientIdSecret.name.trim() },
      clientSecretSecret: { ...kv.clientSecretSecret, name: kv.clientSecretSecret.name.trim() },
    },
    eventHubsToken: { ...profile.eventHubsToken, tenantId: profile.eventHubsToken.tenantId.trim() },
    endpoint: {
      ...profile.endpoint,
      namespace: keep(validateNamespace(profile.endpoint.namespace, profile.cloud), profile.endpoint.namespace),
      eventHubName: profile.endpoint.eventHubName.trim(),
    },
    ...(readBack !== undefined
      ? {
          readBack: {
            ...readBack,
            ...(readBack.namespace !== undefined ? { namespace: keep(validateNamespace(readBack.namespace, profile.cloud), readBack.namespace) } : {}),
            ...(readBack.eventHubName !== undefined ? { eventHubName: readBack.eventHubName.trim() } : {}),
          },
        }
      : {}),
  };
}

/**
 * Every host field of the profile checked by the one host parser: the authority override, the
 * vault (when set: a profile that sends with a key may leave Key Vault blank), the namespace, the
 * read-back namespace and the Endpoint of each connection string.
 */
export function hostProblems(profile: ConnectionProfile): ValidationError[] {
  const cloud = profile.cloud;
  if (!Object.hasOwn(CLOUDS, cloud)) {
    return [new ValidationError('cloud', `is "${String(cloud)}".`, 'Use public, china or usgov.')];
  }
  const connectionStringHost = (auth: ConnectionProfile['endpoint']['auth'] | undefined, field: string): Validated<string>[] => {
    if (auth?.kind !== 'connectionString') {
      return [];
    }
    try {
      return [validateNamespace(parseConnectionString(auth.connectionString).namespace, cloud, field)];
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      return [fail(field, error.problem, error.fix)];
    }
  };
  return problems([
    ...(profile.authorityHost !== undefined ? [validateAuthorityHost(profile.authorityHost, cloud, 'authorityHost')] : []),
    ...(profile.keyVault.vaultUrl.trim() ? [validateVaultUrl(profile.keyVault.vaultUrl, cloud, 'keyVault.vaultUrl')] : []),
    validateNamespace(profile.endpoint.namespace, cloud, 'endpoint.namespace'),
    ...connectionStringHost(profile.endpoint.auth, 'endpoint.auth.connectionString'),
    ...(profile.readBack?.namespace !== undefined ? [validateNamespace(profile.readBack.namespace, cloud, 'readBack.namespace')] : []),
    ...connectionStringHost(profile.readBack?.auth, 'readBack.auth.connectionString'),
  ]);
}

/**
 * The profile a run uses: its hosts validated and replaced by their canonical values, the only
 * ones any request is built from afterwards. Throws the first host problem (nothing is sent).
 */
export function canonicalProfile(profile: ConnectionProfile): ConnectionProfile {
  const first = hostProblems(profile)[0];
  if (first) {
    throw first;
  }
  return normalizeProfile(profile);
}
