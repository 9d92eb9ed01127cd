import { destinationsOf } from '../../azure/credentialGuard';
import { readSecret } from '../../azure/keyVault';
import { PIPELINE_KEY_VAULT_API_VERSION } from '../../azure/keyVaultRaw';
import { APP_SECRET_EXPIRY_NOTE, assessSecret, DEFAULT_EXPIRY_WARNING_DAYS } from '../../diagnostics/secretHygiene';
import { edgeWhitespace } from '../../model/identity';
import type { SecretReference } from '../../model/profile';
import { SecretCache } from '../secretCache';
import { need, type StageRun } from '../stage';
import type { SecretValue, StageContext, StageOutputs } from '../types';
import { keyVaultResourceOf } from './authority';
import { endpointFor, tryingEndpoint } from './network';

// Stages 2 and 3: reading the pipeline's client id and secret from Key Vault, with warnings about the value's shape and expiry.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stages 2 and 3: GET {vault}/secrets/{name}/{version} with the stage-1 token. The value is
 * registered with the redactor the moment it arrives; summaries carry name, version and state only.
 */
export async function readPipelineSecret(
  ctx: StageContext,
  inputs: Partial<StageOutputs>,
  reference: SecretReference,
  purpose: 'clientId' | 'clientSecret',
): Promise<StageRun<SecretValue>> {
  const token = need(inputs, 'keyVaultToken');
  const endpoint = endpointFor(ctx, ctx.profile.keyVault.vaultUrl);
  const cacheKey = SecretCache.keyOf(ctx.profile.keyVault.vaultUrl, reference.name, reference.version);
  const reused = ctx.services.secretCache?.get(cacheKey);
  const secret = reused ?? await tryingEndpoint(endpoint, () => readSecret({
    vaultUrl: ctx.profile.keyVault.vaultUrl,
    name: reference.name,
    version: reference.version,
    token,
    audience: keyVaultResourceOf(ctx.profile),
    destination: destinationsOf(ctx.profile).keyVault,
    signal: ctx.signal,
    trustedCaPem: ctx.profile.trustedCaPem,
    ...(ctx.services.proxy ? { proxy: ctx.services.proxy } : {}),
    // By default the Web activity's own request: one GET with stage 1's token (issue #8.6, measured
    // by `npm run bench`: a new process spent ~650 ms loading @azure/keyvault-secrets and building a
    // SecretClient for two reads that a plain GET does in one round trip each). The SDK stays where it
    // earns its place: listing secrets and versions (paging), the challenge handshake when no token
    // is at hand (Reveal Secret Value), and `keyVaultApiVersion: 'sdk'` to compare the two.
    ...(ctx.services.keyVaultApiVersion === 'sdk' ? {} : { via: 'pipeline' as const, apiVersion: ctx.services.keyVaultApiVersion ?? PIPELINE_KEY_VAULT_API_VERSION }),
  }));
  ctx.redactor.add(secret.value);
  ctx.redactor.add(secret.value.trim());
  if (!reused) {
    ctx.services.secretCache?.set(cacheKey, secret);
  }
  const warnings = [warningFor(secret, purpose), expiryWarning(ctx, secret, reference, purpose)].filter((w): w is string => w !== undefined);
  const version = reference.version ? `version ${short(secret.version)}` : `latest version ${short(secret.version)}`;
  const expiry = secret.expiresOn ? `, expires ${secret.expiresOn.toISOString().slice(0, 10)}` : '';
  const via = reused ? ' (reused from the last run)' : `${ctx.services.keyVaultApiVersion === 'sdk' ? ' (@azure/keyvault-secrets)' : ` (api-version ${ctx.services.keyVaultApiVersion ?? PIPELINE_KEY_VAULT_API_VERSION})`} from ${endpoint}`;
  return { output: secret, ...(reused ? { cached: true } : {}), summary: `secret ${secret.name}, ${version}${expiry}${via}${warnings.map((w) => ` — warning: ${w}`).join('')}` };
}

/**
 * The vault a read will call, unless it reuses a secret from the last run or goes through the SDK
 * (whose own HTTP pipeline cannot take an early connection).
 */
export function vaultToConnect(ctx: StageContext, reference: SecretReference): string | undefined {
  const { vaultUrl } = ctx.profile.keyVault;
  const reused = ctx.services.secretCache?.get(SecretCache.keyOf(vaultUrl, reference.name, reference.version));
  return reused || ctx.services.keyVaultApiVersion === 'sdk' ? undefined : vaultUrl;
}

/**
 * The read succeeded, but the secret is due: expired (the sandbox refuses those; Key Vault may still
 * serve them) or expiring within the warning window. The client secret gets the note that the app
 * registration's own expiry is a separate date.
 */
function expiryWarning(ctx: StageContext, secret: SecretValue, reference: SecretReference, purpose: 'clientId' | 'clientSecret'): string | undefined {
  const verdict = assessSecret(
    { enabled: secret.enabled, ...(secret.expiresOn ? { expiresOn: secret.expiresOn } : {}) },
    {
      now: ctx.services.now(),
      warningDays: ctx.services.secretExpiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
      role: purpose,
      name: secret.name,
      ...(reference.version ? { pinnedVersion: reference.version } : {}),
    },
  );
  if (verdict.severity === 'ok') {
    return undefined;
  }
  const note = purpose === 'clientSecret' ? ` (${APP_SECRET_EXPIRY_NOTE})` : '';
  return `${verdict.message.charAt(0).toLowerCase()}${verdict.message.slice(1)}; ${verdict.fix ?? ''}${note}`;
}

/**
 * Mistakes that Entra only reports one stage later (as AADSTS700016 or 7000215) are visible here
 * already, from the value's shape: flag them where the user can fix them.
 */
function warningFor(secret: SecretValue, purpose: 'clientId' | 'clientSecret'): string | undefined {
  const value = secret.value.trim();
  if (value.length === 0) {
    return 'the secret is empty';
  }
  if (purpose === 'clientId' && !GUID.test(value)) {
    return 'the value is not a GUID; the client id is the application (client) id of the app registration';
  }
  if (purpose === 'clientSecret' && GUID.test(value)) {
    return 'the value looks like a client secret *ID* (a GUID); store the secret *value* instead, or Entra answers AADSTS7000215';
  }
  const edges = edgeWhitespace(secret.value);
  if (edges) {
    // Stage 4 sends the value as read, as the pipeline does; Entra compares a client secret exactly.
    return purpose === 'clientSecret'
      ? `the value ${edges}; Entra ID compares the client secret exactly and will answer AADSTS7000215: store the value again without it`
      : `the value ${edges}`;
  }
  return undefined;
}

function short(version: string): string {
  return version.length > 8 ? `${version.slice(0, 8)}…` : version;
}
