import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import {
  ATOM_CONTENT_TYPE,
  bodyParameters,
  bodyTemplateOf,
  FORM_CONTENT_TYPE,
  flowTargets,
  parseBody,
  tokenUrl,
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
        url: tokenUrl(targets.authority, tenantId),
        headers: { 'Content-Type': FORM_CONTENT_TYPE },
        body: `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=@{encodeUriComponent(pipeline().parameters.${READER_SECRET_PARAMETER})}&resource=${targets.keyVaultResource}`,
      }),
    );
    keyVaultAccess = { headers: { Authorization: `Bearer @{activity('${ACTIVITY.keyVaultToken}').output.access_token}` } };
    keyVaultDependsOn = [succeeded(ACTIVITY.keyVaultToken)];
  }

  activities.push(
    webActivity(ACTIVITY.clientId, `Stage 2: read secret '${targets.clientIdSecretName}' (the pipeline service principal's client id).`, keyVaultDependsOn, {
      method: 'GET',
      url: targets.clientIdSecretUrl,
      ...keyVaultAccess,
    }),
    webActivity(ACTIVITY.clientSecret, `Stage 3: read secret '${targets.clientSecretSecretName}' (its client secret value).`, keyVaultDependsOn, {
      method: 'GET',
      url: targets.clientSecretSecretUrl,
      ...keyVaultAccess,
    }),
    webActivity(
      ACTIVITY.eventHubsToken,
      'Stage 4: an Entra ID token for Event Hubs with the client id and secret just read.',
      [succeeded(ACTIVITY.clientId), succeeded(ACTIVITY.clientSecret)],
      {
        method: 'POST',
        url: targets.eventHubsTokenUrl,
        headers: { 'Content-Type': FORM_CONTENT_TYPE },
        body:
          `grant_type=client_credentials&client_id=@{activity('${ACTIVITY.clientId}').output.value}` +
          `&client_secret=@{encodeUriComponent(activity('${ACTIVITY.clientSecret}').output.value)}` +
          `&${targets.eventHubsAudienceField.name}=${targets.eventHubsAudienceField.value}`,
      },
    ),
    {
      ...webActivity(ACTIVITY.send, `Stage 5: send the event to ${targets.eventHubName}.`, [succeeded(ACTIVITY.eventHubsToken)], {
        method: 'POST',
        url: targets.sendUrl,
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
    parameters[name] = value === undefined ? { type: 'String' } : { type: 'String', defaultValue: value };
  }
  return {
    name: targets.name,
    properties: {
      description: describe(targets, keyVaultAuth),
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
  return { name, type: 'WebActivity', description, dependsOn, policy: POLICY, userProperties: [], typeProperties };
}

function succeeded(activity: string): WebActivity['dependsOn'][number] {
  return { activity, dependencyConditions: ['Succeeded'] };
}

/** The template already speaks Data Factory; only `eventIndex()` (this tool's own) has no equivalent in a one-event send. */
function pipelineBody(template: string): string {
  return parseBody(template)
    .map((part) => ('text' in part ? part.text : part.expression.kind === 'eventIndex' ? '0' : part.source))
    .join('');
}

function describe(targets: FlowTargets, keyVaultAuth: 'msi' | 'servicePrincipal'): string {
  const who = keyVaultAuth === 'msi' ? "the factory's (or workspace's) managed identity" : 'the Key Vault reader service principal';
  return [
    `Exported by Eventstream Flow from the tested profile "${targets.profileName}".`,
    `Grant ${who} the Key Vault Secrets User role on the vault.`,
    'The pipeline service principal whose id and secret the vault holds needs Azure Event Hubs Data Sender on the event hub (Fabric: Contributor on the workspace, and the tenant setting that lets service principals use Fabric APIs).',
    'Every activity has secure input and output on, so no secret or token appears in the run history.',
    ...targets.notes,
  ].join(' ');
}
