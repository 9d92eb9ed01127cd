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
  const authority = trimSlashes(profile.authorityHost ?? cloud.authorityHost);
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
    sendUrl: `https://${profile.endpoint.namespace}/${encodeURIComponent(profile.endpoint.eventHubName)}/messages?timeout=60&api-version=2014-01`,
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
    throw new ValidationError('keyVault.vaultUrl', `"${vaultUrl}" is not a URL.`, 'Write the vault URL as https://{vault}.vault.azure.net.');
  }
  return url.origin;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Data Factory pipeline names: `^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$`, up to 260; also fine as a file name. */
export function safeName(text: string): string {
  const cleaned = text
    .replace(/[<>*#.%&:\\+?/\s"'|]+/g, '-')
    .replace(/^[^A-Za-z0-9_]+/, '')
    .replace(/-+$/, '')
    .slice(0, 120);
  return cleaned || 'eventstream-flow';
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
