import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors/errors';
import { parametersUsedBy, renderTemplate, SAMPLE_EVENT_TEMPLATE } from '../events/template';
import { cloudOf } from '../model/cloud';
import type { ConnectionProfile, SecretReference } from '../model/profile';
import { parseEventBody, valueOrThrow } from '../model/validate';

/** What every export needs: the event body and the pipeline parameters it uses. */
export interface ExportOptions {
  /** Event body with Data Factory expressions (`@{pipeline().parameters.X}`, `@{guid()}`…); default: the sample event. */
  readonly bodyTemplate?: string;
  /** Default values of the body's pipeline parameters. Not secrets: they are written into the export. */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Pipeline only: how the Key Vault Web activities authenticate. `msi` (default) is the factory's or
   * workspace's managed identity, as the Data Factory docs show; `servicePrincipal` adds a token
   * activity for the profile's Key Vault reader whose secret is a SecureString pipeline parameter.
   */
  readonly keyVaultAuth?: 'msi' | 'servicePrincipal';
  /** Overrides the pipeline / file name derived from the profile name. */
  readonly name?: string;
}

/** The api-version the Data Factory docs require on a Web activity's Key Vault call ("You must add ?api-version=7.0"). */
export const EXPORT_KEY_VAULT_API_VERSION = '7.0';
/** What a Web activity sends to an Event Hubs-compatible endpoint (REST "Send event"). */
export const ATOM_CONTENT_TYPE = 'application/atom+xml;type=entry;charset=utf-8';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Hosts, URLs and audiences of the flow, taken from the profile and its cloud (never a secret). */
export interface FlowTargets {
  readonly profileName: string;
  /** Safe as a pipeline name and a file name. */
  readonly name: string;
  readonly authority: string;
  readonly keyVault:
    | { readonly kind: 'servicePrincipal'; readonly tenantId: string; readonly clientId: string }
    | { readonly kind: 'azureCli' | 'signedInUser'; readonly tenantId?: string };
  /** v1 resource (no trailing slash: AKV10022). */
  readonly keyVaultResource: string;
  readonly clientIdSecretUrl: string;
  readonly clientSecretSecretUrl: string;
  readonly clientIdSecretName: string;
  readonly clientSecretSecretName: string;
  readonly eventHubsTenantId: string;
  readonly eventHubsTokenUrl: string;
  /** `resource=…` (v1, like the pipeline) or `scope=…/.default` (v2), unencoded. */
  readonly eventHubsAudienceField: { readonly name: 'resource' | 'scope'; readonly value: string };
  readonly sendUrl: string;
  readonly namespace: string;
  readonly eventHubName: string;
  /** Lines an export's header says about how this profile differs from what the export does. */
  readonly notes: readonly string[];
}

export function flowTargets(profile: ConnectionProfile, options: ExportOptions = {}): FlowTargets {
  const cloud = cloudOf(profile.cloud);
  const authority = checkedOrigin(trimSlashes(profile.authorityHost ?? cloud.authorityHost), 'authorityHost');
  const vault = vaultOrigin(profile.keyVault.vaultUrl);
  const auth = profile.keyVault.auth;
  const keyVault: FlowTargets['keyVault'] =
    auth.kind === 'servicePrincipal'
      ? { kind: 'servicePrincipal', tenantId: auth.tenantId, clientId: auth.clientId }
      : { kind: auth.kind, ...(auth.tenantId ? { tenantId: auth.tenantId } : {}) };
  const tenantId = profile.eventHubsToken.tenantId;
  if (!tenantId.trim()) {
    throw new ValidationError('eventHubsToken.tenantId', 'is empty; the export needs the tenant of the pipeline service principal.', 'Set the Event Hubs token tenant in the profile (Edit Profile…).');
  }
  const v1 = profile.eventHubsToken.endpointVersion === 'v1';
  const notes: string[] = [];
  if (profile.endpoint.auth.kind !== 'entra') {
    notes.push(
      `The profile sends with ${profile.endpoint.auth.kind === 'sas' ? 'a SAS key' : 'a connection string'}; this export uses the Entra ID flow a pipeline runs (no key needed).`,
    );
  }
  if (profile.endpoint.protocol === 'amqp') {
    notes.push('The profile sends over AMQP; a Web activity (and this export) sends over HTTPS (REST).');
  }
  return {
    profileName: profile.name,
    name: safeName(options.name ?? profile.name),
    authority,
    keyVault,
    keyVaultResource: cloud.keyVaultResource,
    clientIdSecretUrl: secretUrl(vault, profile.keyVault.clientIdSecret),
    clientSecretSecretUrl: secretUrl(vault, profile.keyVault.clientSecretSecret),
    clientIdSecretName: profile.keyVault.clientIdSecret.name,
    clientSecretSecretName: profile.keyVault.clientSecretSecret.name,
    eventHubsTenantId: tenantId,
    eventHubsTokenUrl: `${authority}/${encodeURIComponent(tenantId)}/${v1 ? 'oauth2/token' : 'oauth2/v2.0/token'}`,
    eventHubsAudienceField: v1 ? { name: 'resource', value: cloud.eventHubsResource } : { name: 'scope', value: `${cloud.eventHubsResource}/.default` },
    // The query the engine sends and the Event Hubs docs show.
    sendUrl: `https://${checkedHost(profile.endpoint.namespace, 'endpoint.namespace')}/${encodeURIComponent(profile.endpoint.eventHubName)}/messages?timeout=60&api-version=2014-01`,
    namespace: profile.endpoint.namespace,
    eventHubName: profile.endpoint.eventHubName,
    notes,
  };
}

/** `{vault}/secrets/{name}[/{version}]?api-version=7.0`, the Web activity's URL. */
export function secretUrl(vault: string, secret: SecretReference): string {
  const version = secret.version?.trim() ? `/${encodeURIComponent(secret.version.trim())}` : '';
  return `${vault}/secrets/${encodeURIComponent(secret.name)}${version}?api-version=${EXPORT_KEY_VAULT_API_VERSION}`;
}

export function tokenUrl(authority: string, tenantId: string): string {
  return `${authority}/${encodeURIComponent(tenantId)}/oauth2/token`;
}

function vaultOrigin(vaultUrl: string): string {
  let url: URL;
  try {
    url = new URL(vaultUrl);
  } catch {
    throw new ValidationError('keyVault.vaultUrl', `"${singleLine(vaultUrl)}" is not a URL.`, 'Write the vault URL as https://{vault}.vault.azure.net.');
  }
  checkedHost(url.host, 'keyVault.vaultUrl');
  return url.origin;
}

/**
 * A host as the exports write it: a DNS name or IPv4 address (or [IPv6]) with an optional port.
 * Validation gives the builders canonical hosts; this second check is structural, so that a builder
 * called with an unvalidated profile still never writes a host that carries a path, a query, a
 * fragment, user info, a quote, a space or a line break into a URL, a request line or a script.
 */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function checkedHost(host: string, field: string): string {
  if (!HOST.test(host)) {
    throw new ValidationError(
      field,
      `"${singleLine(host)}" is not a host name (letters, digits, dots and hyphens, and a port only for the local sandbox).`,
      'Correct the profile (Edit Profile…): exports are built from its validated, canonical hosts only.',
    );
  }
  return host;
}

/** `scheme://host[:port]` and nothing else: what the authority of a token URL must be. */
function checkedOrigin(origin: string, field: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  // The URL parser drops tabs and line breaks and lower-cases the host: the text must already be its own origin.
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin || !HOST.test(url.host)) {
    throw new ValidationError(field, `"${singleLine(origin)}" is not an https://host[:port] origin.`, 'Correct the profile (Edit Profile…): exports are built from its validated, canonical hosts only.');
  }
  return origin;
}

/**
 * Text for a single-line context (a comment, a header line, an error message): every control
 * character and Unicode line or paragraph separator becomes a space. Control characters include
 * CR, LF, NEL (U+0085), VT and FF, which one reader or another takes as the end of a line.
 */
export function singleLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ');
}

/**
 * A value for an application/x-www-form-urlencoded body: percent-encoded, except ':' and '/', which
 * carry no meaning there; so the cloud audiences and GUIDs the exports send stay as they are, and
 * a client that encodes form values itself (REST Client's formParamEncodingStrategy) finds nothing
 * already encoded to encode twice, while '&', '=', '+', '%', spaces and line breaks cannot split it.
 */
export function formValue(text: string): string {
  return encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2F/g, '/');
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Data Factory pipeline names: `^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$`, up to 260; also fine as a file name.
 * Only letters, digits, '_' and '-' are kept: the name is also a shell value, a .http variable and a
 * JSON string, where '@', '{', '$', quotes or a line break would mean something.
 */
export function safeName(text: string): string {
  const cleaned = text
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^[^A-Za-z0-9_]+/, '')
    .replace(/-+$/, '');
  // By code point, so that a cut never leaves half a surrogate pair.
  return Array.from(cleaned).slice(0, 120).join('') || 'eventstream-flow';
}

// ---------------------------------------------------------------------------------------------
// Event body

/** One `@{…}` expression of a body template, classified for a target that cannot evaluate it. */
export type BodyExpression =
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'runId' | 'pipelineName' | 'guid' | 'utcNow' | 'ticks' | 'eventIndex' }
  | { readonly kind: 'rand'; readonly min: number; readonly max: number };

export type BodyPart = { readonly text: string } | { readonly expression: BodyExpression; readonly source: string };

/**
 * Splits a body template into literal text and expressions, refusing what the send panel refuses
 * (so an export never holds a body the tested flow would not have sent). `@@` stays literal.
 */
export function parseBody(template: string): BodyPart[] {
  // Render once to surface unsupported expressions with the template's own error and fix.
  renderTemplate(template, { parameters: Object.fromEntries(parametersUsedBy(template).map((name) => [name, ''])), runId: randomUUID() });
  const parts: BodyPart[] = [];
  const pattern = /@\{([^}]*)\}/g;
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) {
      parts.push({ text: template.slice(last, at) });
    }
    parts.push({ expression: classify((match[1] ?? '').trim()), source: match[0] });
    last = at + match[0].length;
  }
  if (last < template.length) {
    parts.push({ text: template.slice(last) });
  }
  return parts;
}

function classify(expression: string): BodyExpression {
  const parameter = /^pipeline\(\)\.parameters\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
  if (parameter?.[1]) {
    return { kind: 'parameter', name: parameter[1] };
  }
  const rand = /^rand\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(expression);
  if (rand?.[1] !== undefined && rand[2] !== undefined) {
    return { kind: 'rand', min: Number(rand[1]), max: Number(rand[2]) };
  }
  const fixed: Record<string, BodyExpression['kind']> = {
    'pipeline().RunId': 'runId',
    'pipeline().Pipeline': 'pipelineName',
    'guid()': 'guid',
    'utcNow()': 'utcNow',
    'ticks(utcNow())': 'ticks',
    'eventIndex()': 'eventIndex',
  };
  const kind = fixed[expression];
  if (!kind || kind === 'parameter' || kind === 'rand') {
    // parseBody rendered the template first, so this is a bug, not bad input.
    throw new Error(`Unclassified body expression: ${expression}`);
  }
  return { kind };
}

export function bodyTemplateOf(options: ExportOptions): string {
  const template = options.bodyTemplate ?? SAMPLE_EVENT_TEMPLATE;
  if (!template.trim()) {
    throw new ValidationError('body', 'is empty.', 'Give the event a body, e.g. {"message": "hello"}.');
  }
  // A JSON-looking body must stay JSON once rendered, as the send panel and the CLI require.
  if (/^\s*[[{]/.test(template)) {
    const parameters = Object.fromEntries(parametersUsedBy(template).map((name) => [name, options.parameters?.[name] ?? 'value']));
    valueOrThrow(parseEventBody(renderTemplate(template, { parameters }), 'body'));
  }
  return template;
}

/** Parameters used by the body, each with its default (empty when none was given). */
export function bodyParameters(template: string, options: ExportOptions): { name: string; value?: string }[] {
  return parametersUsedBy(template).map((name) => {
    const value = options.parameters?.[name];
    return value === undefined ? { name } : { name, value };
  });
}

/** Values land inside JSON strings of the body, as the template engine does it. */
export function escapeForJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
