import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import { renderTemplate } from '../events/template';
import {
  ATOM_CONTENT_TYPE,
  bodyParameters,
  bodyTemplateOf,
  escapeForJsonString,
  FORM_CONTENT_TYPE,
  flowTargets,
  formValue,
  parseBody,
  singleLine,
  type BodyExpression,
  type ExportOptions,
} from './targets';

/** Environment variables the exports read secrets from; the CLI reads the same one (SECRET_ENV.clientSecret). */
export const EXPORT_ENV = {
  readerClientSecret: 'EVENTSTREAM_FLOW_CLIENT_SECRET',
  /** Only for a profile that signs in to Key Vault with the Azure CLI or an account: a token obtained beforehand. */
  keyVaultToken: 'EVENTSTREAM_FLOW_KEY_VAULT_TOKEN',
} as const;

/** File variables holding a value read when a request runs; the form bodies reference them percent-encoded (`{{%name}}`). */
export const SECRET_VARIABLES = { readerClientSecret: 'readerClientSecret', pipelineClientId: 'pipelineClientId', pipelineClientSecret: 'pipelineClientSecret' } as const;

/** `# @name` of each request, referenced by the requests after it. */
export const REQUEST_NAMES = { keyVaultToken: 'kvToken', clientId: 'clientId', clientSecret: 'clientSecret', eventHubsToken: 'ehToken', send: 'sendEvent' } as const;

/**
 * The tested flow as a REST Client `.http` file (https://github.com/Huachao/vscode-restclient),
 * which httpyac runs too: file variables at the top, secrets as `{{$processEnv …}}`, and each stage
 * a `# @name` request whose response the next one reads (`{{kvToken.response.body.$.access_token}}`).
 * A secret in a form body goes through a file variable referenced as `{{%name}}` (percent-encoded).
 *
 * Neither reader has a way to quote text, so no value is written where its syntax could read it:
 * a line break ends a line (and `###`, `POST …`, `< file`, `{{…}}` on a new line are instructions),
 * and `{{…}}` anywhere is a variable, which httpyac evaluates as JavaScript and re-reads after
 * substitution. Profile values therefore go only into single-line variables, percent-encoded in
 * URLs and form bodies, JSON-escaped (braces too) in the event body and the header comment.
 */
export function restClientFile(profile: ConnectionProfile, options: ExportOptions = {}): string {
  const t = flowTargets(profile, options);
  const template = bodyTemplateOf(options);
  const kv = t.keyVault;
  const lines: string[] = [
    // As a JSON string: no line break, and no `{{` even where no reader substitutes it.
    `# Eventstream Flow: the secure flow of profile "${jsonStringValue(t.profileName)}" as REST Client requests.`,
    '# Run the requests in order (VS Code REST Client), or all at once: `npx httpyac send THIS_FILE --all`.',
    '# No secret is stored here: each is read from the environment when the request runs.',
    kv.kind === 'servicePrincipal'
      ? `#   ${EXPORT_ENV.readerClientSecret}  the Key Vault reader's client secret`
      : `#   ${EXPORT_ENV.keyVaultToken}  a Key Vault token, e.g. $(az account get-access-token --resource ${t.keyVaultResource} --query accessToken -o tsv)`,
    '# Secret values and tokens in the responses stay in the client; the file never holds them.',
    ...t.notes.map((note) => `# Note: ${singleLine(note)}`),
    '',
    variable('authority', t.authority),
    ...(kv.kind === 'servicePrincipal'
      ? [
          // A path segment of the token URL.
          variable('keyVaultTenant', encodeURIComponent(kv.tenantId)),
          // The next two are used only as form values.
          variable('keyVaultReaderClientId', formValue(kv.clientId)),
          variable('keyVaultResource', formValue(t.keyVaultResource)),
        ]
      : []),
    variable('clientIdSecretUrl', t.clientIdSecretUrl),
    variable('clientSecretSecretUrl', t.clientSecretSecretUrl),
    variable('eventHubsTokenUrl', t.eventHubsTokenUrl),
    variable('eventHubsAudience', formValue(t.eventHubsAudienceField.value)),
    variable('sendUrl', t.sendUrl),
    variable('pipelineName', jsonStringValue(t.name)),
    '@runId = {{$guid}}',
    ...bodyParameters(template, options).map(({ name, value }) => variable(parameterVariable(name), jsonStringValue(value ?? ''))),
    '',
  ];

  const kvAuthorization =
    kv.kind === 'servicePrincipal' ? `Bearer {{${REQUEST_NAMES.keyVaultToken}.response.body.$.access_token}}` : `Bearer {{$processEnv ${EXPORT_ENV.keyVaultToken}}}`;
  // The form bodies: every literal part is ours, and the variables above hold form-encoded values.
  // The secrets are read when a request runs, so the file cannot encode them beforehand: each is a
  // file variable referenced as `{{%name}}`, which REST Client percent-encodes (encodeURIComponent;
  // its README, "File Variables"), so '&', '+', '=', '%' and spaces in a secret cannot split or
  // change the form. The variables that read a response are defined in the request's own block,
  // after the response they read: httpyac evaluates a block's variables when the block runs, and
  // REST Client reads every `@name =` line of the file whenever it resolves one.
  // REST Client's default form encoding ("automatic", encodeurl) leaves the %XX sequences alone.
  if (kv.kind === 'servicePrincipal') {
    lines.push(
      '### Stage 1: Key Vault token for the reader service principal',
      `@${SECRET_VARIABLES.readerClientSecret} = {{$processEnv ${EXPORT_ENV.readerClientSecret}}}`,
      '',
      `# @name ${REQUEST_NAMES.keyVaultToken}`,
      'POST {{authority}}/{{keyVaultTenant}}/oauth2/token',
      `Content-Type: ${FORM_CONTENT_TYPE}`,
      '',
      `grant_type=client_credentials&client_id={{keyVaultReaderClientId}}&client_secret={{%${SECRET_VARIABLES.readerClientSecret}}}&resource={{keyVaultResource}}`,
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
    `@${SECRET_VARIABLES.pipelineClientId} = {{${REQUEST_NAMES.clientId}.response.body.$.value}}`,
    `@${SECRET_VARIABLES.pipelineClientSecret} = {{${REQUEST_NAMES.clientSecret}.response.body.$.value}}`,
    '',
    `# @name ${REQUEST_NAMES.eventHubsToken}`,
    'POST {{eventHubsTokenUrl}}',
    `Content-Type: ${FORM_CONTENT_TYPE}`,
    '',
    `grant_type=client_credentials&client_id={{%${SECRET_VARIABLES.pipelineClientId}}}&client_secret={{%${SECRET_VARIABLES.pipelineClientSecret}}}&${t.eventHubsAudienceField.name}={{eventHubsAudience}}`,
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

/**
 * Body expressions as REST Client system variables (what has none is evaluated once, at export),
 * and the template's text escaped where JSON allows it: inside strings, braces and the characters
 * some reader takes as a line break become \uXXXX escapes, which a JSON reader reads back as the same
 * characters. Only a JSON body can be written: other text has no escape for a line such as `###`,
 * `POST https://…`, `< /path/to/file` or `{{…}}`, so it is refused (curl and pipeline take it).
 */
function restClientBody(template: string): string {
  if (!/^\s*[[{]/.test(template)) {
    throw new ValidationError(
      'body',
      'is not JSON; a REST Client file has no way to quote other text (a line such as ###, POST https://…, < file or {{…}} would be read as an instruction).',
      'Use a JSON body for the .http export, or export this body as curl or pipeline.',
    );
  }
  let out = '';
  let inString = false;
  let escaped = false;
  const ours = new Set<number>();
  for (const part of parseBody(template)) {
    if ('expression' in part) {
      ours.add(out.length);
      out += variableFor(part.expression, part.source);
      escaped = false;
      continue;
    }
    for (const char of part.text) {
      if (!inString) {
        inString = char === '"';
        // Outside strings only JSON whitespace and punctuation: a lone CR is a line break to VS Code.
        out += char === '\r' ? '\n' : char;
      } else if (escaped) {
        escaped = false;
        // The backslash is already written: `\{` (not JSON anyway) becomes `\u007b`.
        out += /^[{}]$/.test(char) ? unicodeEscape(char).slice(1) : char;
      } else if (char === '\\') {
        escaped = true;
        out += char;
      } else if (char === '"') {
        inString = false;
        out += char;
      } else {
        out += /^[{}\p{Cc}\p{Zl}\p{Zp}]$/u.test(char) ? unicodeEscape(char) : char;
      }
    }
  }
  // Any `{{` left must be one of our variables (a `{` just before one would swallow it).
  for (const match of out.matchAll(/\{\{/g)) {
    if (!ours.has(match.index ?? -1)) {
      throw new ValidationError('body', 'has a brace right before an expression outside a string, which a REST Client file would read as a variable.', 'Put a space between the brace and the expression.');
    }
  }
  // JSON keeps its meaning without blank lines, and REST Client ends a body at the first one.
  return out
    .replace(/\r?\n/g, '\n')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
}

/** `@name = value` on one line; the value is escaped by the caller for where it is used. */
function variable(name: string, value: string): string {
  // A guard, not an escape: a value that still holds any of these is a bug in this file.
  if (/[{}\p{Cc}\p{Zl}\p{Zp}]|^\s|\s$/u.test(value)) {
    throw new Error(`Export bug: the .http variable ${name} was not escaped.`);
  }
  return `@${name} = ${value}`;
}

/**
 * A value substituted inside a JSON string of the body, escaped as the template engine does it,
 * and then braces, line and paragraph separators, the remaining control characters and edge spaces
 * (REST Client trims variable values) as \uXXXX, which JSON reads back as the same characters.
 */
function jsonStringValue(value: string): string {
  return escapeForJsonString(value)
    .replace(/[{}\p{Cc}\p{Zl}\p{Zp}]/gu, unicodeEscape)
    .replace(/^\s+|\s+$/gu, (spaces) => Array.from(spaces, unicodeEscape).join(''));
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
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
