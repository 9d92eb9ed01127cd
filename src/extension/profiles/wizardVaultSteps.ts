// The Add/Edit Profile wizard's first half: the profile's name and cloud, the vault, how its token
// is obtained, and the two secrets the pipeline reads from it.
// Declarative: one entry a step (its words, its check, where the answer goes); the shape repeats, the fields do not.
import { CLOUDS } from '../../core/model/cloud';
import { validateClientId, validateClientSecret, validateTenantId, validateVaultUrl } from '../../core/model/validate';
import { checkProfileName } from './profileCodec';
import { check, error, input, KEEP_SECRET_PLACEHOLDER, pick, secretInput, validatedInput, valueOf } from './steps/prompts';
import { checkSecretRef, formatSecretRef, parseSecretRef } from './steps/secretRefs';
import { offerPicks } from '../discovery/wizardChoices';
import type { Step } from './wizardDraft';

export const VAULT_STEPS: readonly Step[] = [
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
    run: async ({ d, frame, prompter, initialError, options }) => {
      const offered = await offerPicks(prompter, frame, options.choices?.vaults, (v) => ({ label: v.name, description: v.vaultUrl, ...(v.detail ? { detail: v.detail } : {}) }), 'Key Vault holding the pipeline’s client id and secret (from Azure), or type it');
      if (offered !== 'type') {
        if ('picked' in offered) {
          d.vaultUrl = valueOf(validateVaultUrl(offered.picked.vaultUrl, d.cloud), offered.picked.vaultUrl);
          return { kind: 'value', value: d.vaultUrl };
        }
        return offered;
      }
      return validatedInput(prompter, frame, initialError, {
        prompt: 'Key Vault URL (vault → Overview → Vault URI): the vault holding the pipeline’s client id and secret.',
        value: d.vaultUrl,
        placeholder: `https://<vault name>${CLOUDS[d.cloud].keyVaultSuffix}`,
        label: 'The vault URL',
        validator: (v) => validateVaultUrl(v, d.cloud),
        set: (v) => (d.vaultUrl = v),
      });
    },
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
      return validatedInput(prompter, frame, initialError, {
        prompt: optional
          ? 'Tenant to sign in to (optional: leave empty for the account’s default tenant).'
          : 'Directory (tenant) ID of the service principal that reads the vault (app registration → Overview).',
        value: d.kvTenantId,
        placeholder: '00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
        label: 'The tenant',
        validator: (v) => (optional && !v.trim() ? { ok: true, value: '' } : validateTenantId(v)),
        set: (v) => (d.kvTenantId = v),
      });
    },
  },
  {
    id: 'kvClientId',
    when: (d) => d.kvAuth === 'servicePrincipal',
    run: ({ d, frame, prompter, initialError }) =>
      validatedInput(prompter, frame, initialError, {
        prompt: 'Application (client) ID of the service principal that reads the vault.',
        value: d.kvClientId,
        placeholder: '00000000-0000-0000-0000-000000000000',
        label: 'The client id',
        validator: (v) => validateClientId(v),
        set: (v) => (d.kvClientId = v),
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
];
