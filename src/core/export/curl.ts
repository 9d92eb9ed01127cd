import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import { ATOM_CONTENT_TYPE, bodyParameters, bodyTemplateOf, flowTargets, parseBody, singleLine, tokenUrl, type BodyExpression, type ExportOptions } from './targets';
import { EXPORT_ENV } from './restClient';

/**
 * The tested flow as a bash script of curl calls. Secrets come from the environment (a missing one
 * stops the script with a clear message) and reach curl on its standard input as a config (`-K -`),
 * so no secret or token is ever on a command line (`ps`) or echoed; there is no `set -x`.
 * Every value from the profile or the options is one quoted word on one line (see `quote`), and
 * comments get them with line breaks removed; nothing else of the script comes from the input.
 */
export function curlScript(profile: ConnectionProfile, options: ExportOptions = {}): string {
  const t = flowTargets(profile, options);
  const template = bodyTemplateOf(options);
  const kv = t.keyVault;
  const secretEnv = EXPORT_ENV.readerClientSecret;
  const lines: string[] = [
    '#!/usr/bin/env bash',
    `# Eventstream Flow: the secure flow of profile "${singleLine(t.profileName)}" as curl calls.`,
    '# No secret is stored here. Set before running:',
    kv.kind === 'servicePrincipal'
      ? `#   ${secretEnv}  the Key Vault reader's client secret`
      : `#   ${EXPORT_ENV.keyVaultToken}  a Key Vault token (optional: otherwise the Azure CLI is asked for one)`,
    '# Secrets and tokens reach curl on its standard input (-K -), never on its command line.',
    '# Needs bash, curl 7.76+ (--fail-with-body) and jq. A private CA: export CURL_CA_BUNDLE=/path/ca.pem.',
    ...t.notes.map((note) => `# Note: ${singleLine(note)}`),
    'set -euo pipefail',
    '',
    "command -v curl >/dev/null 2>&1 || { echo 'error: curl is not installed; install it and run this script again.' >&2; exit 2; }",
    "command -v jq >/dev/null 2>&1 || { echo 'error: jq is not installed; it reads the JSON answers. Install it (https://jqlang.org/download/) and run this script again.' >&2; exit 2; }",
    kv.kind === 'servicePrincipal'
      ? // No apostrophe in the message: bash reads quotes inside "${…:?…}".
        `: "\${${secretEnv}:?Set ${secretEnv} to the client secret of the Key Vault reader; it is read from the environment and never stored in this script.}"`
      : `[[ -n "\${${EXPORT_ENV.keyVaultToken}:-}" ]] || command -v az >/dev/null 2>&1 || { echo 'error: set ${EXPORT_ENV.keyVaultToken}, or install the Azure CLI and run az login.' >&2; exit 2; }`,
    '',
    ...(kv.kind === 'servicePrincipal'
      ? // The whole URL, its tenant percent-encoded: a tenant is never joined into a URL by the shell.
        [`KEY_VAULT_TOKEN_URL=${quote(tokenUrl(t.authority, kv.tenantId))}`, `KEY_VAULT_READER_CLIENT_ID=${quote(kv.clientId)}`]
      : kv.tenantId
        ? [`KEY_VAULT_TENANT=${quote(kv.tenantId)}`]
        : []),
    `KEY_VAULT_RESOURCE=${quote(t.keyVaultResource)}`,
    `CLIENT_ID_SECRET_URL=${quote(t.clientIdSecretUrl)}`,
    `CLIENT_SECRET_SECRET_URL=${quote(t.clientSecretSecretUrl)}`,
    `EVENT_HUBS_TOKEN_URL=${quote(t.eventHubsTokenUrl)}`,
    `EVENT_HUBS_AUDIENCE=${quote(t.eventHubsAudienceField.value)}`,
    `SEND_URL=${quote(t.sendUrl)}`,
    `PIPELINE_NAME=${quote(t.name)}`,
  ];
  const parameters = bodyParameters(template, options);
  if (parameters.length > 0) {
    lines.push('# Pipeline parameters of the event body; each can be overridden from the environment.');
    for (const { name, value } of parameters) {
      const variable = parameterVariable(name);
      // The default as a quoted word of its own, not inside "${…-…}", where quotes nest unreliably.
      lines.push(value === undefined ? `${variable}=\${${variable}-}` : `if [[ -z "\${${variable}+set}" ]]; then ${variable}=${quote(value)}; fi`);
    }
  }
  lines.push(
    '',
    '# One option line for `curl -K -`, quoted so the value is read back verbatim; a line break in a',
    '# value (a secret read from the vault, say) is escaped, so it cannot start an option line of its own.',
    'curl_option() {',
    '  local value=${2//\\\\/\\\\\\\\}',
    '  value=${value//\\"/\\\\\\"}',
    "  value=${value//$'\\n'/\\\\n}",
    "  value=${value//$'\\r'/\\\\r}",
    '  printf \'%s = "%s"\\n\' "$1" "$value"',
    '}',
    '',
    '# One stage: options carrying secrets arrive on stdin. On failure the service\'s own answer',
    "# (Entra ID and Key Vault say what is wrong) is printed with the stage's name, and the script stops.",
    'stage() {',
    '  local name=$1 answer',
    '  shift',
    '  if ! answer=$(curl --fail-with-body -sS --max-time 60 -K - "$@"); then',
    '    echo "error: stage \'$name\' failed${answer:+: $answer}" >&2',
    '    exit 1',
    '  fi',
    '  echo "ok: $name" >&2',
    '  printf \'%s\' "$answer"',
    '}',
    '',
    "json_escape() { jq -rn --arg value \"$1\" '$value | @json | .[1:-1]'; }",
    "new_uuid() { if [[ -r /proc/sys/kernel/random/uuid ]]; then cat /proc/sys/kernel/random/uuid; else uuidgen | tr '[:upper:]' '[:lower:]'; fi; }",
    'RUN_ID=$(new_uuid)',
    '',
  );

  if (kv.kind === 'servicePrincipal') {
    lines.push(
      '# Stage 1: Key Vault token for the reader service principal',
      `kv_token=$(curl_option data-urlencode "client_secret=$${secretEnv}" |`,
      "  stage 'Key Vault token' \"$KEY_VAULT_TOKEN_URL\" \\",
      "    --data-urlencode 'grant_type=client_credentials' \\",
      '    --data-urlencode "client_id=$KEY_VAULT_READER_CLIENT_ID" \\',
      '    --data-urlencode "resource=$KEY_VAULT_RESOURCE" | jq -er \'.access_token\')',
    );
  } else {
    lines.push(
      '# Stage 1: Key Vault token from the environment or the Azure CLI',
      `kv_token=\${${EXPORT_ENV.keyVaultToken}:-$(az account get-access-token --resource "$KEY_VAULT_RESOURCE"${kv.tenantId ? ' --tenant "$KEY_VAULT_TENANT"' : ''} --query accessToken -o tsv)}`,
    );
  }
  lines.push(
    '',
    '# Stages 2 and 3: read the client id and the client secret from Key Vault',
    "client_id=$(curl_option header \"Authorization: Bearer $kv_token\" | stage 'Read client id' \"$CLIENT_ID_SECRET_URL\" | jq -er '.value')",
    "client_secret=$(curl_option header \"Authorization: Bearer $kv_token\" | stage 'Read client secret' \"$CLIENT_SECRET_SECRET_URL\" | jq -er '.value')",
    '',
    '# Stage 4: Event Hubs token with the two values just read',
    'eh_token=$({ curl_option data-urlencode "client_id=$client_id"; curl_option data-urlencode "client_secret=$client_secret"; } |',
    "  stage 'Event Hubs token' \"$EVENT_HUBS_TOKEN_URL\" \\",
    "    --data-urlencode 'grant_type=client_credentials' \\",
    `    --data-urlencode "${t.eventHubsAudienceField.name}=$EVENT_HUBS_AUDIENCE" | jq -er '.access_token')`,
    '',
    '# Stage 5: send the event',
    `BODY=${bashBody(template)}`,
    'curl_option header "Authorization: Bearer $eh_token" |',
    `  stage 'Send event' "$SEND_URL" -H ${quote(`Content-Type: ${ATOM_CONTENT_TYPE}`)} --data-binary @<(printf '%s' "$BODY") >/dev/null`,
    "echo 'The event was sent: the endpoint answered 201 Created.'",
    '',
  );
  return lines.join('\n');
}

/** The body as one bash word: literal text single-quoted, expressions as command substitutions. */
function bashBody(template: string): string {
  return parseBody(template)
    .map((part) => ('text' in part ? quote(part.text) : `"${bashFor(part.expression)}"`))
    .join('');
}

function bashFor(expression: BodyExpression): string {
  switch (expression.kind) {
    case 'parameter':
      return `$(json_escape "$${parameterVariable(expression.name)}")`;
    case 'runId':
      return '$RUN_ID';
    case 'pipelineName':
      return '$(json_escape "$PIPELINE_NAME")';
    case 'guid':
      return '$(new_uuid)';
    case 'utcNow':
      return '$(date -u +%Y-%m-%dT%H:%M:%SZ)';
    case 'ticks':
      // .NET ticks: 100 ns intervals since 0001-01-01.
      return '$(( $(date -u +%s) * 10000000 + 621355968000000000 ))';
    case 'rand':
      // min inclusive, max exclusive, like Data Factory's rand(); two RANDOMs give 30 bits.
      return `$(( ${expression.min} + (RANDOM * 32768 + RANDOM) % (${expression.max - expression.min}) ))`;
    case 'eventIndex':
      return '0';
  }
}

function parameterVariable(name: string): string {
  return `PARAM_${name}`;
}

/**
 * One bash word on one line whose value is exactly `text`: single-quoted (nothing inside is
 * expanded; a ' is written '\\''), and control characters and line or paragraph separators as
 * ANSI-C `$'\\xHH'` pieces, so the script has no line that a value started. bash cannot hold NUL.
 */
export function quote(text: string): string {
  if (text.includes('\0')) {
    throw new ValidationError('value', 'contains a NUL character, which a bash variable cannot hold.', 'Remove the NUL character.');
  }
  if (text === '') {
    return "''";
  }
  return text
    .split(/([\p{Cc}\p{Zl}\p{Zp}]+)/u)
    .filter((piece) => piece !== '')
    .map((piece) =>
      /^[\p{Cc}\p{Zl}\p{Zp}]/u.test(piece)
        ? `$'${Array.from(Buffer.from(piece, 'utf8'), (byte) => (byte === 0x0a ? '\\n' : `\\x${byte.toString(16).padStart(2, '0')}`)).join('')}'`
        : `'${piece.replace(/'/g, `'\\''`)}'`,
    )
    .join('');
}
