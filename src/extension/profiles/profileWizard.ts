// The Add/Edit Profile wizard: one step per value, each checked where it is typed with the core
// validators, with back navigation that keeps every answer. Written against `WizardPrompter`, so
// it has no runtime dependency on vscode and is tested in plain Node with a scripted prompter.
import { parseConnectionString, type ParsedConnectionString } from '../../core/azure/connectionString';
import { connectionStringAdvisory, formatAdvisory, keyNameAdvisory, type PrivilegeAdvisory } from '../../core/diagnostics/leastPrivilege';
import { isValidationError, type ValidationError } from '../../core/errors/errors';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import type { ConnectionProfile, EndpointAuth, KeyVaultAuth, SecretReference, SendProtocol, TokenRequestStyle } from '../../core/model/profile';
import {
  normalizeProfile,
  validateClientId,
  validateClientSecret,
  validateEventHubName,
  validateNamespace,
  validateProfile,
  validateSasKey,
  validateSasKeyName,
  validateSecretName,
  validateSecretVersion,
  validateTenantId,
  validateVaultUrl,
  type Validated,
} from '../../core/model/validate';
import type { ProfileSummary } from '../services';
import { checkProfileName } from './profileCodec';
import { runWizard, type StepAnswer, type StepCheck, type StepFrame, type WizardPrompter } from './wizardPrompter';

/** Preferences read from settings (never identifiers): what a new profile starts with. */
export interface WizardDefaults {
  readonly cloud: CloudName;
  readonly protocol: SendProtocol;
  readonly amqpTransport: 'tcp' | 'websockets';
}

export interface ProfileWizardOptions {
  readonly prompter: WizardPrompter;
  readonly defaults: WizardDefaults;
  /** Every stored profile, so the name stays unique. */
  readonly others: readonly ProfileSummary[];
  /** Edit: the stored profile, whose values prefill every step (secrets are never shown). */
  readonly existing?: ConnectionProfile;
  /** A new profile's id (ignored on edit). */
  readonly newId: () => string;
}

/** Shown in a secret's empty box on edit; Enter keeps the stored value. */
export const KEEP_SECRET_PLACEHOLDER = '(unchanged — press Enter to keep)';
export const PASTED_SECRET_PLACEHOLDER = '(from the pasted connection string — press Enter to use it)';

type KeyVaultAuthKind = KeyVaultAuth['kind'];
type EndpointAuthKind = EndpointAuth['kind'];
type Transport = 'rest' | 'amqp-tcp' | 'amqp-websockets';

/** The answers so far, as typed (normalised where a validator normalises). Secrets '' = keep. */
interface Draft {
  name: string;
  cloud: CloudName;
  vaultUrl: string;
  kvAuth: KeyVaultAuthKind;
  kvTenantId: string;
  kvClientId: string;
  kvClientSecret: string;
  tokenRequest: TokenRequestStyle;
  clientIdSecret: string;
  clientSecretSecret: string;
  endpointSource: 'paste' | 'manual';
  pastedText: string;
  pasted: ParsedConnectionString | undefined;
  namespace: string;
  eventHubName: string;
  endpointAuth: EndpointAuthKind;
  sasKeyName: string;
  sasKey: string;
  connectionString: string;
  ehTenantId: string;
  endpointVersion: 'v1' | 'v2';
  transport: Transport;
}

/** Stored secrets an edit may keep (only non-empty ones: an imported profile has none). */
interface Kept {
  readonly clientSecret?: string;
  readonly sasKey?: string;
  readonly connectionString?: string;
}

type StepId =
  | 'name'
  | 'cloud'
  | 'vaultUrl'
  | 'kvAuth'
  | 'kvTenantId'
  | 'kvClientId'
  | 'kvClientSecret'
  | 'tokenRequest'
  | 'clientIdSecret'
  | 'clientSecretSecret'
  | 'endpointSource'
  | 'pasteConnectionString'
  | 'namespace'
  | 'eventHubName'
  | 'endpointAuth'
  | 'sasKeyName'
  | 'sasKey'
  | 'connectionString'
  | 'ehTenantId'
  | 'endpointVersion'
  | 'transport';

interface StepContext {
  readonly d: Draft;
  readonly kept: Kept;
  readonly frame: StepFrame;
  readonly initialError: string | undefined;
  readonly prompter: WizardPrompter;
  readonly options: ProfileWizardOptions;
}

interface Step {
  readonly id: StepId;
  readonly when?: (d: Draft, kept: Kept) => boolean;
  readonly run: (ctx: StepContext) => Promise<StepAnswer<unknown>>;
}

/**
 * Runs the wizard to the end and returns the profile (not yet stored). The whole profile is
 * validated at the end too; a problem found there reopens the step that owns the field, with the
 * message shown and every other answer kept. Rejects with CancelledError when dismissed.
 */
export async function runProfileWizard(options: ProfileWizardOptions): Promise<ConnectionProfile> {
  const existing = options.existing;
  const d = draftOf(existing, options.defaults);
  const kept = keptOf(existing);
  return runWizard<Step, StepId, ConnectionProfile>({
    title: existing ? `Edit Profile: ${existing.name}` : 'Add Profile',
    steps: STEPS,
    isActive: (step) => !step.when || step.when(d, kept),
    run: (step, frame, initialError) => step.run({ d, kept, frame, initialError, prompter: options.prompter, options }),
    finish: () => {
      const profile = buildProfile(d, kept, options);
      const problem = validateProfile(normalizeProfile(profile))[0];
      if (!problem) {
        return { done: profile };
      }
      const target = stepForField(problem.field, d, kept);
      if (!target || !STEPS.some((s) => s.id === target && (!s.when || s.when(d, kept)))) {
        throw problem;
      }
      return { reopen: target, message: describeProblem(problem) };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The steps, in order

const STEPS: readonly Step[] = [
  {
    id: 'name',
    run: ({ d, frame, prompter, options, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Profile name: the pipeline or environment this profile mirrors.',
        value: d.name,
        placeholder: 'e.g. Orders pipeline (prod)',
        validate: (v) => {
          const problem = checkProfileName(v, options.others, options.existing?.id);
          return problem ? error('The name', problem) : undefined;
        },
        set: (v) => (d.name = v.trim()),
      }),
  },
  {
    id: 'cloud',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'Which Azure cloud? (sets the Entra ID, Key Vault and Event Hubs hosts)',
        options: Object.values(CLOUDS).map((c) => ({ label: c.displayName, description: c.authorityHost.replace('https://', ''), value: c.name })),
        active: d.cloud,
        set: (v) => (d.cloud = v),
      }),
  },
  {
    id: 'vaultUrl',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Key Vault URL (vault → Overview → Vault URI): the vault holding the pipeline’s client id and secret.',
        value: d.vaultUrl,
        placeholder: `https://<vault name>${CLOUDS[d.cloud].keyVaultSuffix}`,
        validate: (v) => check('The vault URL', validateVaultUrl(v, d.cloud)),
        set: (v) => (d.vaultUrl = valueOf(validateVaultUrl(v, d.cloud), v)),
      }),
  },
  {
    id: 'kvAuth',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'How does this profile get its Key Vault token?',
        options: [
          { label: 'Service principal', description: 'tenant, client id and client secret', detail: 'Like the pipeline: an app registration allowed to read the vault.', value: 'servicePrincipal' as const },
          { label: 'Azure CLI', description: 'az login', detail: 'The account signed in to the Azure CLI on this machine.', value: 'azureCli' as const },
          { label: 'Signed-in Microsoft account', description: 'VS Code accounts', detail: 'The Microsoft account signed in to VS Code.', value: 'signedInUser' as const },
        ],
        active: d.kvAuth,
        set: (v) => (d.kvAuth = v),
      }),
  },
  {
    id: 'kvTenantId',
    run: ({ d, frame, prompter, initialError }) => {
      const optional = d.kvAuth !== 'servicePrincipal';
      return input(prompter, frame, initialError, {
        prompt: optional
          ? 'Tenant to sign in to (optional: leave empty for the account’s default tenant).'
          : 'Directory (tenant) ID of the service principal that reads the vault (app registration → Overview).',
        value: d.kvTenantId,
        placeholder: '00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
        validate: (v) => (optional && !v.trim() ? undefined : check('The tenant', validateTenantId(v))),
        set: (v) => (d.kvTenantId = optional && !v.trim() ? '' : valueOf(validateTenantId(v), v)),
      });
    },
  },
  {
    id: 'kvClientId',
    when: (d) => d.kvAuth === 'servicePrincipal',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Application (client) ID of the service principal that reads the vault.',
        value: d.kvClientId,
        placeholder: '00000000-0000-0000-0000-000000000000',
        validate: (v) => check('The client id', validateClientId(v)),
        set: (v) => (d.kvClientId = valueOf(validateClientId(v), v)),
      }),
  },
  {
    id: 'kvClientSecret',
    when: (d) => d.kvAuth === 'servicePrincipal',
    run: ({ d, kept, frame, prompter, initialError }) =>
      secretInput(prompter, frame, initialError, {
        prompt: 'Client secret value of that service principal (Certificates & secrets → Value). Stored in SecretStorage only.',
        typed: d.kvClientSecret,
        fallback: kept.clientSecret,
        fallbackPlaceholder: KEEP_SECRET_PLACEHOLDER,
        placeholder: 'the secret Value, not its Secret ID',
        validate: (v) => check('The client secret', validateClientSecret(v)),
        set: (v, usedFallback) => (d.kvClientSecret = usedFallback ? '' : v),
      }),
  },
  {
    id: 'tokenRequest',
    when: (d) => d.kvAuth === 'servicePrincipal',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'How should the Key Vault token be requested?',
        options: [
          { label: 'Like the pipeline (v1)', description: 'POST /{tenant}/oauth2/token', detail: 'The raw request a Data Factory Web activity sends, with resource=https://vault.azure.net.', value: 'pipeline' as const },
          { label: 'Azure SDK (v2)', description: 'ClientSecretCredential', detail: '@azure/identity with the /.default scope.', value: 'sdk' as const },
        ],
        active: d.tokenRequest,
        set: (v) => (d.tokenRequest = v),
      }),
  },
  {
    id: 'clientIdSecret',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Name of the Key Vault secret that holds the pipeline’s client id (optionally name/version).',
        value: d.clientIdSecret,
        placeholder: 'e.g. pipeline-client-id',
        validate: (v) => checkSecretRef(v, 'The client id secret'),
        set: (v) => (d.clientIdSecret = formatSecretRef(parseSecretRef(v))),
      }),
  },
  {
    id: 'clientSecretSecret',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Name of the Key Vault secret that holds the pipeline’s client secret value (optionally name/version).',
        value: d.clientSecretSecret,
        placeholder: 'e.g. pipeline-client-secret',
        validate: (v) => {
          const problem = checkSecretRef(v, 'The client secret secret');
          if (problem) {
            return problem;
          }
          const ref = parseSecretRef(v);
          const other = parseSecretRef(d.clientIdSecret);
          return ref.name.toLowerCase() === other.name.toLowerCase() && (ref.version ?? '') === (other.version ?? '')
            ? { severity: 'error', message: 'This is the client id secret again. The pipeline reads two secrets: one with the client id, one with the client secret value.' }
            : undefined;
        },
        set: (v) => (d.clientSecretSecret = formatSecretRef(parseSecretRef(v))),
      }),
  },
  {
    id: 'endpointSource',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'Which Eventstream endpoint? (Fabric: Eventstream → custom endpoint source → Keys)',
        options: [
          { label: 'Paste a connection string', description: 'fills the namespace and event hub', detail: 'Endpoint=sb://eventstream-…;SharedAccessKeyName=key_…;SharedAccessKey=…;EntityPath=es_…', value: 'paste' as const },
          { label: 'Enter the namespace and event hub', description: 'eventstream-….servicebus.windows.net, es_…', value: 'manual' as const },
        ],
        active: d.endpointSource,
        set: (v) => (d.endpointSource = v),
      }),
  },
  {
    id: 'pasteConnectionString',
    when: (d) => d.endpointSource === 'paste',
    run: ({ d, kept, frame, prompter, initialError }) =>
      secretInput(prompter, frame, initialError, {
        prompt: 'Connection string of the endpoint. Its namespace and event hub fill the profile; its key is kept only if you choose SAS or connection-string authentication.',
        typed: d.pastedText,
        fallback: kept.connectionString,
        fallbackPlaceholder: KEEP_SECRET_PLACEHOLDER,
        placeholder: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…',
        validate: (v) => checkConnectionString(v, d.cloud) ?? leastPrivilege(connectionStringAdvisory(v), 'If the endpoint authenticates with this key: '),
        set: (v, usedFallback) => {
          const parsed = parseConnectionString(v);
          d.pastedText = usedFallback ? '' : v;
          d.pasted = parsed;
          d.namespace = valueOf(validateNamespace(parsed.namespace, d.cloud), parsed.namespace);
          if (parsed.eventHubName) {
            d.eventHubName = parsed.eventHubName;
          }
          if (parsed.keyName) {
            d.sasKeyName = parsed.keyName;
          }
        },
      }),
  },
  {
    id: 'namespace',
    when: (d) => d.endpointSource === 'manual',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Event Hubs namespace host of the endpoint.',
        value: d.namespace,
        placeholder: `eventstream-xxxxxxxx${CLOUDS[d.cloud].eventHubsSuffix}`,
        validate: (v) => check('The namespace', validateNamespace(v, d.cloud)),
        set: (v) => (d.namespace = valueOf(validateNamespace(v, d.cloud), v)),
      }),
  },
  {
    id: 'eventHubName',
    // Fabric strings carry EntityPath; asked only when the pasted one does not.
    when: (d) => d.endpointSource === 'manual' || (d.pasted !== undefined && !d.pasted.eventHubName),
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Event hub name (Fabric custom endpoints: es_…).',
        value: d.eventHubName,
        placeholder: 'es_xxxxxxxx',
        validate: (v) => check('The event hub name', validateEventHubName(v)),
        set: (v) => (d.eventHubName = v.trim()),
      }),
  },
  {
    id: 'endpointAuth',
    run: ({ d, frame, prompter }) => {
      const fromPaste = d.endpointSource === 'paste' ? 'uses the pasted connection string' : undefined;
      return pick(prompter, frame, {
        placeholder: 'How does the endpoint authenticate the sender?',
        options: [
          {
            label: 'Entra ID (the secure flow)',
            description: 'recommended',
            detail: 'The client id and secret read from Key Vault get an Event Hubs token, as the pipeline does.',
            value: 'entra' as const,
          },
          { label: 'SAS key', description: d.pasted?.key ? 'uses the pasted key' : 'key name and key', value: 'sas' as const },
          { label: 'Connection string', description: fromPaste ?? 'paste it next', value: 'connectionString' as const },
        ],
        active: d.endpointAuth,
        set: (v) => (d.endpointAuth = v),
      });
    },
  },
  {
    id: 'sasKeyName',
    when: (d) => d.endpointAuth === 'sas',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'SAS key (policy) name (Fabric: key_…).',
        value: d.sasKeyName,
        placeholder: 'key_xxxxxxxx',
        validate: (v) => check('The key name', validateSasKeyName(v)) ?? leastPrivilege(keyNameAdvisory(v)),
        set: (v) => (d.sasKeyName = v.trim()),
      }),
  },
  {
    id: 'sasKey',
    when: (d) => d.endpointAuth === 'sas',
    run: ({ d, kept, frame, prompter, initialError }) => {
      const pastedKey = d.endpointSource === 'paste' ? d.pasted?.key : undefined;
      return secretInput(prompter, frame, initialError, {
        prompt: 'SAS key (primary or secondary). Stored in SecretStorage only.',
        typed: d.sasKey,
        fallback: pastedKey ?? kept.sasKey,
        fallbackPlaceholder: pastedKey ? PASTED_SECRET_PLACEHOLDER : KEEP_SECRET_PLACEHOLDER,
        placeholder: 'the key value after SharedAccessKey=',
        validate: (v) => check('The SAS key', validateSasKey(v)),
        set: (v, usedFallback) => (d.sasKey = usedFallback ? '' : v.trim()),
      });
    },
  },
  {
    id: 'connectionString',
    when: (d, kept) => d.endpointAuth === 'connectionString' && !(d.endpointSource === 'paste' && (d.pastedText || kept.connectionString)),
    run: ({ d, kept, frame, prompter, initialError }) =>
      secretInput(prompter, frame, initialError, {
        prompt: `Connection string for ${d.eventHubName || 'the event hub'}. Stored in SecretStorage only.`,
        typed: d.connectionString,
        fallback: kept.connectionString,
        fallbackPlaceholder: KEEP_SECRET_PLACEHOLDER,
        placeholder: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…',
        validate: (v) => checkConnectionString(v, d.cloud) ?? checkMatchesEndpoint(v, d) ?? leastPrivilege(connectionStringAdvisory(v)),
        set: (v, usedFallback) => (d.connectionString = usedFallback ? '' : v),
      }),
  },
  {
    id: 'ehTenantId',
    when: (d) => d.endpointAuth === 'entra',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Tenant of the pipeline’s service principal, for the Event Hubs token (usually the Key Vault tenant).',
        value: d.ehTenantId || d.kvTenantId,
        placeholder: '00000000-0000-0000-0000-000000000000',
        validate: (v) => check('The tenant', validateTenantId(v)),
        set: (v) => (d.ehTenantId = valueOf(validateTenantId(v), v)),
      }),
  },
  {
    id: 'endpointVersion',
    when: (d) => d.endpointAuth === 'entra',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'Which Entra token endpoint for the Event Hubs token?',
        options: [
          { label: 'v1, like the pipeline', description: 'resource=https://eventhubs.azure.net', value: 'v1' as const },
          { label: 'v2', description: 'scope=https://eventhubs.azure.net/.default', value: 'v2' as const },
        ],
        active: d.endpointVersion,
        set: (v) => (d.endpointVersion = v),
      }),
  },
  {
    id: 'transport',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'How are events sent?',
        options: [
          { label: 'REST (HTTPS)', description: 'like a pipeline Web activity', value: 'rest' as const },
          { label: 'AMQP over TLS', description: 'port 5671, like the Event Hubs SDKs', value: 'amqp-tcp' as const },
          { label: 'AMQP over WebSockets', description: 'port 443, through firewalls and proxies', value: 'amqp-websockets' as const },
        ],
        active: d.transport,
        set: (v) => (d.transport = v),
      }),
  },
];

/** The step that owns a field path from `validateProfile` (longest prefix wins). */
function stepForField(field: string, d: Draft, kept: Kept): StepId | undefined {
  const pasted = d.endpointSource === 'paste';
  const owners: [string, StepId][] = [
    ['name', 'name'],
    ['cloud', 'cloud'],
    ['keyVault.vaultUrl', 'vaultUrl'],
    ['keyVault.auth.tenantId', 'kvTenantId'],
    ['keyVault.auth.clientId', 'kvClientId'],
    ['keyVault.auth.clientSecret', 'kvClientSecret'],
    ['keyVault.clientIdSecret', 'clientIdSecret'],
    ['keyVault.clientSecretSecret', 'clientSecretSecret'],
    ['eventHubsToken.tenantId', 'ehTenantId'],
    ['endpoint.namespace', pasted ? 'pasteConnectionString' : 'namespace'],
    ['endpoint.eventHubName', 'eventHubName'],
    ['endpoint.auth.keyName', 'sasKeyName'],
    ['endpoint.auth.key', 'sasKey'],
    ['endpoint.auth.connectionString', pasted && (d.pastedText || kept.connectionString) ? 'pasteConnectionString' : 'connectionString'],
  ];
  const match = owners.filter(([prefix]) => field === prefix || field.startsWith(`${prefix}.`)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!match) {
    return undefined;
  }
  const step = STEPS.find((s) => s.id === match[1]);
  return step && (!step.when || step.when(d, kept)) ? step.id : undefined;
}

// ---------------------------------------------------------------------------------------------
// Draft ⇄ profile

function draftOf(p: ConnectionProfile | undefined, defaults: WizardDefaults): Draft {
  const kvAuth = p?.keyVault.auth;
  const ep = p?.endpoint;
  const transport: Transport = (ep?.protocol ?? defaults.protocol) === 'rest' ? 'rest' : (ep?.amqpTransport ?? defaults.amqpTransport) === 'websockets' ? 'amqp-websockets' : 'amqp-tcp';
  return {
    name: p?.name ?? '',
    cloud: p?.cloud ?? defaults.cloud,
    vaultUrl: p?.keyVault.vaultUrl ?? '',
    kvAuth: kvAuth?.kind ?? 'servicePrincipal',
    kvTenantId: kvAuth?.tenantId ?? '',
    kvClientId: kvAuth?.kind === 'servicePrincipal' ? kvAuth.clientId : '',
    kvClientSecret: '',
    tokenRequest: (kvAuth?.kind === 'servicePrincipal' ? kvAuth.tokenRequest : undefined) ?? 'pipeline',
    clientIdSecret: p ? formatSecretRef(p.keyVault.clientIdSecret) : '',
    clientSecretSecret: p ? formatSecretRef(p.keyVault.clientSecretSecret) : '',
    // A new profile starts from the Fabric connection string; an edit shows the stored addresses.
    endpointSource: p ? 'manual' : 'paste',
    pastedText: '',
    pasted: undefined,
    namespace: ep?.namespace ?? '',
    eventHubName: ep?.eventHubName ?? '',
    endpointAuth: ep?.auth.kind ?? 'entra',
    sasKeyName: ep?.auth.kind === 'sas' ? ep.auth.keyName : '',
    sasKey: '',
    connectionString: '',
    ehTenantId: p?.eventHubsToken.tenantId ?? '',
    endpointVersion: p?.eventHubsToken.endpointVersion ?? 'v1',
    transport,
  };
}

function keptOf(p: ConnectionProfile | undefined): Kept {
  const kv = p?.keyVault.auth;
  const ep = p?.endpoint.auth;
  return {
    ...(kv?.kind === 'servicePrincipal' && kv.clientSecret ? { clientSecret: kv.clientSecret } : {}),
    ...(ep?.kind === 'sas' && ep.key ? { sasKey: ep.key } : {}),
    ...(ep?.kind === 'connectionString' && ep.connectionString ? { connectionString: ep.connectionString } : {}),
  };
}

function buildProfile(d: Draft, kept: Kept, options: ProfileWizardOptions): ConnectionProfile {
  const existing = options.existing;
  const tenant = d.kvTenantId.trim();
  const keyVaultAuth: KeyVaultAuth =
    d.kvAuth === 'servicePrincipal'
      ? { kind: 'servicePrincipal', tenantId: tenant, clientId: d.kvClientId, clientSecret: d.kvClientSecret || kept.clientSecret || '', tokenRequest: d.tokenRequest }
      : { kind: d.kvAuth, ...(tenant ? { tenantId: tenant } : {}) };
  const pasted = d.endpointSource === 'paste';
  let endpointAuth: EndpointAuth;
  switch (d.endpointAuth) {
    case 'entra':
      endpointAuth = { kind: 'entra' };
      break;
    case 'sas':
      endpointAuth = { kind: 'sas', keyName: d.sasKeyName, key: d.sasKey || (pasted ? d.pasted?.key : undefined) || kept.sasKey || '' };
      break;
    case 'connectionString':
      endpointAuth = { kind: 'connectionString', connectionString: d.connectionString || (pasted ? d.pastedText : '') || kept.connectionString || '' };
      break;
  }
  const protocol: SendProtocol = d.transport === 'rest' ? 'rest' : 'amqp';
  return {
    id: existing?.id ?? options.newId(),
    name: d.name,
    cloud: d.cloud,
    // The wizard does not ask for these (sandbox-only); an edit keeps them.
    ...(existing?.authorityHost !== undefined ? { authorityHost: existing.authorityHost } : {}),
    keyVault: {
      vaultUrl: d.vaultUrl,
      auth: keyVaultAuth,
      clientIdSecret: parseSecretRef(d.clientIdSecret),
      clientSecretSecret: parseSecretRef(d.clientSecretSecret),
    },
    eventHubsToken: {
      // Not asked without Entra endpoint auth: keep what there was, or the Key Vault tenant.
      tenantId: d.endpointAuth === 'entra' ? d.ehTenantId : d.ehTenantId || tenant,
      endpointVersion: d.endpointVersion,
    },
    endpoint: {
      namespace: d.namespace,
      eventHubName: d.eventHubName,
      auth: endpointAuth,
      protocol,
      ...(protocol === 'amqp' ? { amqpTransport: d.transport === 'amqp-websockets' ? ('websockets' as const) : ('tcp' as const) } : {}),
    },
    ...(existing?.trustedCaPem !== undefined ? { trustedCaPem: existing.trustedCaPem } : {}),
    // Asked by Configure Read Back…, not here: an edit keeps it.
    ...(existing?.readBack !== undefined ? { readBack: existing.readBack } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Secret references: "name" or "name/version" (a full secret URL is read too)

export function parseSecretRef(text: string): SecretReference {
  let value = text.trim();
  const fromUrl = /\/secrets\/([^/?#]+)(?:\/([^/?#]+))?/.exec(value);
  if (fromUrl) {
    value = fromUrl[2] ? `${fromUrl[1]}/${fromUrl[2]}` : (fromUrl[1] as string);
  }
  const slash = value.indexOf('/');
  const name = slash < 0 ? value : value.slice(0, slash);
  const version = slash < 0 ? '' : value.slice(slash + 1).trim();
  const checked = validateSecretVersion(version);
  return version ? { name: name.trim(), version: checked.ok && checked.value ? checked.value : version } : { name: name.trim() };
}

export function formatSecretRef(ref: SecretReference): string {
  return ref.version ? `${ref.name}/${ref.version}` : ref.name;
}

function checkSecretRef(text: string, label: string): StepCheck {
  const ref = parseSecretRef(text);
  const name = validateSecretName(ref.name);
  if (!name.ok) {
    return error(label, name.error);
  }
  const version = validateSecretVersion(ref.version);
  if (!version.ok) {
    return error(`${label}'s version`, version.error);
  }
  return /\/secrets\//.test(text) ? { severity: 'info', message: `Read from the secret URL: ${formatSecretRef(ref)}.` } : undefined;
}

export function checkConnectionString(text: string, cloud: CloudName): StepCheck {
  let parsed: ParsedConnectionString;
  try {
    parsed = parseConnectionString(text);
  } catch (e) {
    if (isValidationError(e)) {
      return error('The connection string', e);
    }
    throw e;
  }
  return check('The connection string’s namespace', validateNamespace(parsed.namespace, cloud));
}

/** A key broader than sending needs is accepted, with a warning naming the smaller one that is enough. */
export function leastPrivilege(advisory: PrivilegeAdvisory | undefined, prefix = ''): StepCheck {
  return advisory ? { severity: 'warning', message: `${prefix}${formatAdvisory(advisory)}` } : undefined;
}

function checkMatchesEndpoint(text: string, d: Draft): StepCheck {
  const parsed = parseConnectionString(text);
  if (parsed.eventHubName && d.eventHubName && parsed.eventHubName !== d.eventHubName) {
    return { severity: 'error', message: `This connection string is for ${parsed.eventHubName}, but the profile's event hub is ${d.eventHubName}. Paste the string of that event hub, or go back and change the event hub.` };
  }
  if (d.namespace && parsed.namespace !== d.namespace.toLowerCase()) {
    return { severity: 'error', message: `This connection string is for ${parsed.namespace}, but the profile's namespace is ${d.namespace}. Paste the string of that namespace, or go back and change it.` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Prompt helpers (shared with Configure Read Back…, so both check values the same way)

export function describeProblem(problem: ValidationError): string {
  return `${problem.problem} ${problem.fix}`;
}

export function error(label: string, problem: ValidationError): StepCheck {
  return { severity: 'error', message: `${label} ${problem.problem} ${problem.fix}` };
}

export function check<T>(label: string, result: Validated<T>): StepCheck {
  if (!result.ok) {
    return error(label, result.error);
  }
  return result.note ? { severity: 'info', message: result.note } : undefined;
}

export function valueOf(result: Validated<string>, fallback: string): string {
  return result.ok ? result.value : fallback.trim();
}

interface InputSpec {
  readonly prompt: string;
  readonly value: string;
  readonly placeholder: string;
  readonly validate: (value: string) => StepCheck;
  readonly set: (value: string) => void;
}

export async function input(prompter: WizardPrompter, frame: StepFrame, initialError: string | undefined, spec: InputSpec): Promise<StepAnswer<unknown>> {
  const answer = await prompter.input({
    ...frame,
    prompt: spec.prompt,
    value: spec.value,
    placeholder: spec.placeholder,
    validate: spec.validate,
    ...(initialError ? { initialError } : {}),
  });
  if (answer.kind === 'value') {
    spec.set(answer.value);
  }
  return answer;
}

interface SecretSpec {
  readonly prompt: string;
  /** What was typed earlier in this wizard run (shown again after Back: it is the user's own). */
  readonly typed: string;
  /** The stored (or pasted) value that an empty answer keeps; never displayed. */
  readonly fallback: string | undefined;
  readonly fallbackPlaceholder: string;
  readonly placeholder: string;
  readonly validate: (value: string) => StepCheck;
  readonly set: (value: string, usedFallback: boolean) => void;
}

/** A `password` box. Empty keeps `fallback` when there is one; the fallback is never put in the box. */
export async function secretInput(prompter: WizardPrompter, frame: StepFrame, initialError: string | undefined, spec: SecretSpec): Promise<StepAnswer<unknown>> {
  const fallback = spec.fallback;
  const answer = await prompter.input({
    ...frame,
    prompt: spec.prompt,
    value: spec.typed,
    password: true,
    placeholder: fallback ? spec.fallbackPlaceholder : spec.placeholder,
    validate: (v) => (fallback && v === '' ? undefined : spec.validate(v)),
    ...(initialError ? { initialError } : {}),
  });
  if (answer.kind === 'value') {
    const usedFallback = answer.value === '' && fallback !== undefined;
    spec.set(usedFallback ? fallback : answer.value, usedFallback);
  }
  return answer;
}

interface PickSpec<T> {
  readonly placeholder: string;
  readonly options: readonly { label: string; description?: string; detail?: string; value: T }[];
  readonly active: T;
  readonly set: (value: T) => void;
}

export async function pick<T>(prompter: WizardPrompter, frame: StepFrame, spec: PickSpec<T>): Promise<StepAnswer<unknown>> {
  const answer = await prompter.pick<T>({ ...frame, placeholder: spec.placeholder, options: spec.options, active: spec.active });
  if (answer.kind === 'value') {
    spec.set(answer.value);
  }
  return answer;
}
