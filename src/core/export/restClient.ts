import type { ConnectionProfile } from '../model/profile';
import { renderTemplate } from '../events/template';
import {
  ATOM_CONTENT_TYPE,
  bodyParameters,
  bodyTemplateOf,
  escapeForJsonString,
  FORM_CONTENT_TYPE,
  flowTargets,
  parseBody,
  type BodyExpression,
  type ExportOptions,
} from './targets';

/** Environment variables the exports read secrets from; the CLI reads the same one (SECRET_ENV.clientSecret). */
export const EXPORT_ENV = {
  readerClientSecret: 'EVENTSTREAM_FLOW_CLIENT_SECRET',
  /** Only for a profile that signs in to Key Vault with the Azure CLI or an account: a token obtained beforehand. */
  keyVaultToken: 'EVENTSTREAM_FLOW_KEY_VAULT_TOKEN',
} as const;

/** `# @name` of each request, referenced by the requests after it. */
export const REQUEST_NAMES = { keyVaultToken: 'kvToken', clientId: 'clientId', clientSecret: 'clientSecret', eventHubsToken: 'ehToken', send: 'sendEvent' } as const;

/**
 * The tested flow as a REST Client `.http` file (https://github.com/Huachao/vscode-restclient),
 * which httpyac runs too: file variables at the top, secrets as `{{$processEnv …}}`, and each stage
 * a `# @name` request whose response the next one reads (`{{kvToken.response.body.$.access_token}}`).
 */
export function restClientFile(profile: ConnectionProfile, options: ExportOptions = {}): string {
  const t = flowTargets(profile, options);
  const template = bodyTemplateOf(options);
  const kv = t.keyVault;
  const lines: string[] = [
    `# Eventstream Flow: the secure flow of profile "${oneLine(t.profileName)}" as REST Client requests.`,
    '# Run the requests in order (VS Code REST Client), or all at once: `npx httpyac send THIS_FILE --all`.',
    '# No secret is stored here: each is read from the environment when the request runs.',
    kv.kind === 'servicePrincipal'
      ? `#   ${EXPORT_ENV.readerClientSecret}  the Key Vault reader's client secret`
      : `#   ${EXPORT_ENV.keyVaultToken}  a Key Vault token, e.g. $(az account get-access-token --resource ${t.keyVaultResource} --query accessToken -o tsv)`,
    '# Secret values and tokens in the responses stay in the client; the file never holds them.',
    ...t.notes.map((note) => `# Note: ${note}`),
    '',
    `@authority = ${t.authority}`,
    ...(kv.kind === 'servicePrincipal' ? [`@keyVaultTenant = ${kv.tenantId}`, `@keyVaultReaderClientId = ${kv.clientId}`, `@keyVaultResource = ${t.keyVaultResource}`] : []),
    `@clientIdSecretUrl = ${t.clientIdSecretUrl}`,
    `@clientSecretSecretUrl = ${t.clientSecretSecretUrl}`,
    `@eventHubsTokenUrl = ${t.eventHubsTokenUrl}`,
    `@eventHubsAudience = ${t.eventHubsAudienceField.value}`,
    `@sendUrl = ${t.sendUrl}`,
    `@pipelineName = ${escapeForJsonString(t.name)}`,
    '@runId = {{$guid}}',
    ...bodyParameters(template, options).map(({ name, value }) => `@${parameterVariable(name)} = ${escapeForJsonString(value ?? '')}`),
    '',
  ];

  const kvAuthorization =
    kv.kind === 'servicePrincipal' ? `Bearer {{${REQUEST_NAMES.keyVaultToken}.response.body.$.access_token}}` : `Bearer {{$processEnv ${EXPORT_ENV.keyVaultToken}}}`;
  if (kv.kind === 'servicePrincipal') {
    lines.push(
      '### Stage 1: Key Vault token for the reader service principal',
      `# @name ${REQUEST_NAMES.keyVaultToken}`,
      'POST {{authority}}/{{keyVaultTenant}}/oauth2/token',
      `Content-Type: ${FORM_CONTENT_TYPE}`,
      '',
      `grant_type=client_credentials&client_id={{keyVaultReaderClientId}}&client_secret={{$processEnv ${EXPORT_ENV.readerClientSecret}}}&resource={{keyVaultResource}}`,
      '',
    );
  }
  lines.push(
    '### Stage 2: read the client id from Key Vault',
    `# @name ${REQUEST_NAMES.clientId}`,
    'GET {{clientIdSecretUrl}}',
    `Authorization: ${kvAuthorization}`,
    '',
    '### Stage 3: read the client secret from Key Vault',
    `# @name ${REQUEST_NAMES.clientSecret}`,
    'GET {{clientSecretSecretUrl}}',
    `Authorization: ${kvAuthorization}`,
    '',
    '### Stage 4: Event Hubs token with the two values just read',
    `# @name ${REQUEST_NAMES.eventHubsToken}`,
    'POST {{eventHubsTokenUrl}}',
    `Content-Type: ${FORM_CONTENT_TYPE}`,
    '',
    `grant_type=client_credentials&client_id={{${REQUEST_NAMES.clientId}.response.body.$.value}}&client_secret={{${REQUEST_NAMES.clientSecret}.response.body.$.value}}&${t.eventHubsAudienceField.name}={{eventHubsAudience}}`,
    '',
    '### Stage 5: send the event',
    `# @name ${REQUEST_NAMES.send}`,
    'POST {{sendUrl}}',
    `Authorization: Bearer {{${REQUEST_NAMES.eventHubsToken}.response.body.$.access_token}}`,
    `Content-Type: ${ATOM_CONTENT_TYPE}`,
    '',
    restClientBody(template),
    '',
  );
  return lines.join('\n');
}

/** Body expressions as REST Client system variables; what has none is evaluated once, at export. */
function restClientBody(template: string): string {
  return parseBody(template)
    .map((part) => ('text' in part ? part.text : variableFor(part.expression, part.source)))
    .join('');
}

function variableFor(expression: BodyExpression, source: string): string {
  switch (expression.kind) {
    case 'parameter':
      return `{{${parameterVariable(expression.name)}}}`;
    case 'runId':
      return '{{runId}}';
    case 'pipelineName':
      return '{{pipelineName}}';
    case 'guid':
      return '{{$guid}}';
    case 'utcNow':
      return '{{$datetime iso8601}}';
    case 'rand':
      // Both take min inclusive, max exclusive.
      return `{{$randomInt ${expression.min} ${expression.max}}}`;
    case 'eventIndex':
      return '0';
    case 'ticks':
      return renderTemplate(source);
  }
}

function parameterVariable(name: string): string {
  return `param_${name}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
