import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import {
  ATOM_CONTENT_TYPE,
  bodyParameters,
  bodyTemplateOf,
  FORM_CONTENT_TYPE,
  flowTargets,
  formValue,
  parseBody,
  singleLine,
  tokenUrl,
  type BodyExpression,
  type ExportOptions,
  type FlowTargets,
} from './targets';

/**
 * The tested flow as a Data Factory / Fabric pipeline resource (`{"name", "properties": {…}}`):
 * Web activities with secure input and output, the Key Vault secret URIs with `?api-version=7.0`,
 * `@activity('…').output.value` references, the token body built from them and the Bearer header.
 * Shape: azure-rest-api-specs datafactory 2018-06-01 `Pipeline.json` (WebActivity, ActivityPolicy).
 * Credentials are references: the managed identity, or a SecureString parameter with no default.
 */
export const ACTIVITY = {
  keyVaultToken: 'Get Key Vault token',
  clientId: 'Get client id',
  clientSecret: 'Get client secret',
  eventHubsToken: 'Get Event Hubs token',
  send: 'Send event',
} as const;

/** The SecureString parameter holding the Key Vault reader's secret (servicePrincipal mode); supplied per run. */
export const READER_SECRET_PARAMETER = 'keyVaultReaderClientSecret';

export interface PipelineResource {
  readonly name: string;
  readonly properties: {
    readonly description: string;
    readonly activities: readonly WebActivity[];
    readonly parameters: Readonly<Record<string, { readonly type: 'String' | 'SecureString'; readonly defaultValue?: string }>>;
    readonly annotations: readonly string[];
  };
}

export interface WebActivity {
  readonly name: string;
  readonly type: 'WebActivity';
  readonly description: string;
  readonly dependsOn: readonly { readonly activity: string; readonly dependencyConditions: readonly ['Succeeded'] }[];
  readonly policy: {
    readonly timeout: string;
    readonly retry: number;
    readonly retryIntervalInSeconds: number;
    readonly secureOutput: true;
    readonly secureInput: true;
  };
  readonly userProperties: readonly never[];
  readonly typeProperties: {
    readonly method: 'GET' | 'POST';
    readonly url: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
    readonly authentication?: { readonly type: 'MSI'; readonly resource: string };
  };
}

export function buildPipeline(profile: ConnectionProfile, options: ExportOptions = {}): PipelineResource {
  const targets = flowTargets(profile, options);
  const template = bodyTemplateOf(options);
  const keyVaultAuth = options.keyVaultAuth ?? 'msi';
  if (keyVaultAuth !== 'msi' && keyVaultAuth !== 'servicePrincipal') {
    throw new ValidationError('keyVaultAuth', `is "${String(keyVaultAuth)}".`, 'Use msi (the managed identity, the default) or servicePrincipal.');
  }
  const activities: WebActivity[] = [];
  const parameters: Record<string, { type: 'String' | 'SecureString'; defaultValue?: string }> = {};

  let keyVaultAccess: Pick<WebActivity['typeProperties'], 'headers' | 'authentication'>;
  let keyVaultDependsOn: WebActivity['dependsOn'] = [];
  if (keyVaultAuth === 'msi') {
    keyVaultAccess = { authentication: { type: 'MSI', resource: targets.keyVaultResource } };
  } else {
    if (targets.keyVault.kind !== 'servicePrincipal') {
      throw new ValidationError(
        'keyVaultAuth',
        'servicePrincipal needs a profile whose Key Vault token comes from a service principal.',
        'Export with the managed identity (the default), or edit the profile to use a service principal for Key Vault.',
      );
    }
    const { tenantId, clientId } = targets.keyVault;
    parameters[READER_SECRET_PARAMETER] = { type: 'SecureString' };
    activities.push(
      webActivity(ACTIVITY.keyVaultToken, 'Stage 1: a Key Vault token for the reader service principal; its secret is the SecureString parameter, supplied per run.', [], {
        method: 'POST',
        url: literal(tokenUrl(targets.authority, tenantId)),
        headers: { 'Content-Type': FORM_CONTENT_TYPE },
        body: adfString([
          { literal: `grant_type=client_credentials&client_id=${formValue(clientId)}&client_secret=` },
          { expression: `encodeUriComponent(pipeline().parameters.${READER_SECRET_PARAMETER})` },
          { literal: `&resource=${formValue(targets.keyVaultResource)}` },
        ]),
      }),
    );
    keyVaultAccess = { headers: { Authorization: `Bearer @{activity('${ACTIVITY.keyVaultToken}').output.access_token}` } };
    keyVaultDependsOn = [succeeded(ACTIVITY.keyVaultToken)];
  }

  activities.push(
    webActivity(ACTIVITY.clientId, `Stage 2: read secret '${targets.clientIdSecretName}' (the pipeline service principal's client id).`, keyVaultDependsOn, {
      method: 'GET',
      url: literal(targets.clientIdSecretUrl),
      ...keyVaultAccess,
    }),
    webActivity(ACTIVITY.clientSecret, `Stage 3: read secret '${targets.clientSecretSecretName}' (its client secret value).`, keyVaultDependsOn, {
      method: 'GET',
      url: literal(targets.clientSecretSecretUrl),
      ...keyVaultAccess,
    }),
    webActivity(
      ACTIVITY.eventHubsToken,
      'Stage 4: an Entra ID token for Event Hubs with the client id and secret just read.',
      [succeeded(ACTIVITY.clientId), succeeded(ACTIVITY.clientSecret)],
      {
        method: 'POST',
        url: literal(targets.eventHubsTokenUrl),
        headers: { 'Content-Type': FORM_CONTENT_TYPE },
        body: adfString([
          { literal: 'grant_type=client_credentials&client_id=' },
          { expression: `activity('${ACTIVITY.clientId}').output.value` },
          { literal: '&client_secret=' },
          { expression: `encodeUriComponent(activity('${ACTIVITY.clientSecret}').output.value)` },
          { literal: `&${targets.eventHubsAudienceField.name}=${formValue(targets.eventHubsAudienceField.value)}` },
        ]),
      },
    ),
    {
      ...webActivity(ACTIVITY.send, `Stage 5: send the event to ${targets.eventHubName}.`, [succeeded(ACTIVITY.eventHubsToken)], {
        method: 'POST',
        url: literal(targets.sendUrl),
        headers: {
          Authorization: `Bearer @{activity('${ACTIVITY.eventHubsToken}').output.access_token}`,
          'Content-Type': ATOM_CONTENT_TYPE,
        },
        body: pipelineBody(template),
      }),
      // A retried send can deliver the event twice; fail visibly instead.
      policy: { ...POLICY, retry: 0 },
    },
  );

  for (const { name, value } of bodyParameters(template, options)) {
    parameters[name] = value === undefined ? { type: 'String' } : { type: 'String', defaultValue: literalDefault(name, value) };
  }
  return {
    name: targets.name,
    properties: {
      description: literal(describe(targets, keyVaultAuth)),
      activities,
      parameters,
      annotations: ['eventstream-flow'],
    },
  };
}

export function pipelineJson(profile: ConnectionProfile, options: ExportOptions = {}): string {
  return `${JSON.stringify(buildPipeline(profile, options), null, 2)}\n`;
}

const POLICY: WebActivity['policy'] = { timeout: '0.00:05:00', retry: 2, retryIntervalInSeconds: 30, secureOutput: true, secureInput: true };

function webActivity(name: string, description: string, dependsOn: WebActivity['dependsOn'], typeProperties: WebActivity['typeProperties']): WebActivity {
  // Descriptions are not evaluated, but they carry profile text: escaped like every other string.
  return { name, type: 'WebActivity', description: literal(description), dependsOn, policy: POLICY, userProperties: [], typeProperties };
}

function succeeded(activity: string): WebActivity['dependsOn'][number] {
  return { activity, dependencyConditions: ['Succeeded'] };
}

/**
 * The body with the template's expressions written by us in their canonical form (never the
 * template's own text) and its literal text escaped; `eventIndex()` (this tool's own) has no
 * equivalent in a one-event send and becomes 0.
 */
function pipelineBody(template: string): string {
  return adfString(parseBody(template).map((part) => ('text' in part ? { literal: part.text } : adfExpression(part.expression))));
}

function adfExpression(expression: BodyExpression): AdfPart {
  switch (expression.kind) {
    case 'parameter':
      // The local flow JSON-escapes a parameter's value (core/events/template.ts): so does the pipeline.
      return { expression: jsonEscaped(`pipeline().parameters.${expression.name}`) };
    case 'runId':
      return { expression: 'pipeline().RunId' };
    case 'pipelineName':
      return { expression: 'pipeline().Pipeline' };
    case 'guid':
      return { expression: 'guid()' };
    case 'utcNow':
      return { expression: 'utcNow()' };
    case 'ticks':
      return { expression: 'ticks(utcNow())' };
    case 'rand':
      return { expression: `rand(${expression.min}, ${expression.max})` };
    case 'eventIndex':
      return { literal: '0' };
  }
}

/**
 * What JSON.stringify does to a string's content, as a pipeline expression: the expression language
 * has no JSON-escaping function, so a value is put through `replace()`: backslash first, then the
 * double quote, then the line breaks, tab, backspace and form feed, each written as JSON's short
 * escape. String literals in the expression language escape only the single quote (`''`); a
 * backslash in one is the character itself (the docs name no other escape), so `'\'` is one
 * backslash and `'\"'` is a backslash and a quote. Control characters are made with
 * `decodeUriComponent('%0A')`, since a literal cannot hold them. The other C0 controls (rare in a
 * parameter) are not escaped: JSON.stringify writes them as \u00XX, which would need one replace
 * each.
 */
export function jsonEscaped(expression: string): string {
  const controls: readonly [string, string][] = [
    ['%0A', '\\n'],
    ['%0D', '\\r'],
    ['%09', '\\t'],
    ['%08', '\\b'],
    ['%0C', '\\f'],
  ];
  let out = `replace(replace(${expression}, '\\', '\\\\'), '"', '\\"')`;
  for (const [encoded, escape] of controls) {
    out = `replace(${out}, decodeUriComponent('${encoded}'), '${escape}')`;
  }
  return out;
}

/** Literal text, or one of the exporter's own expressions (its body, without `@{` and `}`). */
export type AdfPart = { readonly literal: string } | { readonly expression: string };

/** `'@'` as an interpolation: an expression that every reading of the escaping rules evaluates to a literal @. */
const LITERAL_AT = "@{'@'}";

/**
 * A Data Factory string in which only the given expressions are evaluated. The expression language
 * reads a string starting with @ as an expression and `@{…}` anywhere as interpolation; the docs
 * write a literal leading @ as `@@` and a literal `@{` as `@@{`, and say an @ elsewhere is literal.
 * So an @ of the literal text is written:
 * - as is, inside the string and followed by anything but @ or {;
 * - `@@` at the start of a string that has no interpolation;
 * - `@{'@'}` (an interpolated string literal, '@' under every reading) where the docs leave the
 *   reading open: before { or another @ (`@@@{` could read either way), before one of our `@{…}`,
 *   and at the start of a string that interpolates.
 * No literal text can then open an expression.
 */
export function adfString(parts: readonly AdfPart[]): string {
  // One entry per character of literal text, and one per expression.
  type Item = { readonly char: string } | { readonly expression: string };
  const items = parts.flatMap((part): Item[] => ('literal' in part ? Array.from(part.literal, (char) => ({ char })) : [{ expression: part.expression }]));
  let out = '';
  items.forEach((item, index) => {
    if ('expression' in item) {
      out += `@{${item.expression}}`;
      return;
    }
    if (item.char !== '@') {
      out += item.char;
      return;
    }
    const next = items[index + 1];
    const nextChar = next === undefined ? '' : 'expression' in next ? '@' : next.char;
    out += nextChar === '@' || nextChar === '{' ? LITERAL_AT : index === 0 ? '@@' : '@';
  });
  // A leading `@@` is only certain in a string without interpolation.
  return out.startsWith('@@') && out.includes('@{') ? `${LITERAL_AT}${out.slice(2)}` : out;
}

/** Literal text only: no expression at all. */
function literal(text: string): string {
  return adfString([{ literal: text }]);
}

/**
 * A parameter's default value goes into the pipeline as it is: the docs do not say whether a default
 * is evaluated, and an escaped one would be wrong if it is not. So a value that would read as an
 * expression (a leading @, or `@{` anywhere) is refused rather than guessed at.
 */
function literalDefault(name: string, value: string): string {
  if (value.startsWith('@') || value.includes('@{')) {
    throw new ValidationError(
      `parameters.${name}`,
      'starts with @ or contains @{, which Data Factory would read as an expression in a parameter default.',
      'Leave the default out and pass the value when the pipeline runs, or export as http or curl.',
    );
  }
  return value;
}

function describe(targets: FlowTargets, keyVaultAuth: 'msi' | 'servicePrincipal'): string {
  const who = keyVaultAuth === 'msi' ? "the factory's (or workspace's) managed identity" : 'the Key Vault reader service principal';
  return [
    `Exported by Eventstream Flow from the tested profile "${singleLine(targets.profileName)}".`,
    `Grant ${who} the Key Vault Secrets User role on the vault.`,
    'The pipeline service principal whose id and secret the vault holds needs Azure Event Hubs Data Sender on the event hub (Fabric: Contributor on the workspace, and the tenant setting that lets service principals use Fabric APIs).',
    'Every activity has secure input and output on, so no secret or token appears in the run history.',
    ...targets.notes,
  ].join(' ');
}
