/** `discover`'s command line: its help text, and the options read and checked into DiscoverArgs. */
import { ValidationError } from '../../core/errors/errors';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import { parseCommandArgs } from '../optionValues';
import { SECRET_ENV } from '../profileSource';

export const DISCOVER_HELP = `eventstream-flow discover — find Fabric custom endpoints and Azure vaults / namespaces

Usage:
  eventstream-flow discover fabric [--json] [who] [--cloud C]
  eventstream-flow discover azure  [--json] [who] [--cloud C] [--subscription ID]...
  eventstream-flow discover fabric --create-profile WORKSPACE/EVENTSTREAM/SOURCE --out FILE [--read-back DESTINATION]
      [--endpoint-auth sas|entra] [--vault-url URL --client-id-secret NAME --client-secret-secret NAME
      [--kv-tenant T --kv-client-id C]] [--force] [who]

Who (default: the local sandbox, started for this command):
  --azure-cli            your Azure CLI sign-in (az login); --tenant picks its tenant
  --tenant T --client-id C
                         a service principal; its secret from ${SECRET_ENV.clientSecret} or a hidden prompt
  --sandbox              the local sandbox (the default when no Azure sign-in is given)

Options:
  --json                 one JSON document on stdout (no keys, ever)
  --cloud C              public (default), china or usgov: Resource Manager is per cloud; Fabric's REST
                         API exists in the public cloud only
  --subscription ID      azure: only these subscriptions (repeatable; default all you can read)
  --create-profile W/E/S fabric: the custom endpoint source S of eventstream E in workspace W (names or ids)
  --out FILE             where the profile goes (never over a link; an existing file only with --force)
  --read-back D          also read back from custom endpoint destination D of the same eventstream
  --endpoint-auth A      sas (default: the endpoint's key, from ${SECRET_ENV.sasKey} when the flow runs) or
                         entra (the pipeline's service principal read from Key Vault)
  --vault-url URL        the Key Vault holding the pipeline principal's client id and secret, and
  --client-id-secret N, --client-secret-secret N   their secret names; --kv-tenant T and --kv-client-id C:
                         the vault reader (a service principal; default: the Azure CLI). The sandbox's
                         vault is used when discovering the sandbox.
  -h, --help             show this help

Keys are never printed and never written: the profile leaves them empty, and the flow reads them from
${SECRET_ENV.sasKey} (the source) and ${SECRET_ENV.readBackSasKey} (the read back) when it runs.
`;

export interface DiscoverArgs {
  readonly target: 'fabric' | 'azure';
  readonly json: boolean;
  readonly cloud: CloudName;
  readonly who: { kind: 'sandbox' } | { kind: 'azureCli'; tenantId?: string } | { kind: 'servicePrincipal'; tenantId: string; clientId: string };
  readonly subscriptions: readonly string[];
  readonly createProfile?: { workspace: string; eventstream: string; source: string };
  readonly out?: string;
  readonly readBack?: string;
  readonly endpointAuth: 'sas' | 'entra';
  readonly keyVault?: { vaultUrl: string; clientIdSecret: string; clientSecretSecret: string; tenantId?: string; clientId?: string };
  readonly force: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseDiscoverArgs(argv: readonly string[]): DiscoverArgs | 'help' {
  const parsed = parseCommandArgs('discover', 'See `eventstream-flow discover --help`.', argv, {
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    cloud: { type: 'string' },
    'azure-cli': { type: 'boolean', default: false },
    sandbox: { type: 'boolean', default: false },
    tenant: { type: 'string' },
    'client-id': { type: 'string' },
    subscription: { type: 'string', multiple: true },
    'create-profile': { type: 'string' },
    out: { type: 'string' },
    'read-back': { type: 'string' },
    'endpoint-auth': { type: 'string' },
    'vault-url': { type: 'string' },
    'client-id-secret': { type: 'string' },
    'client-secret-secret': { type: 'string' },
    'kv-tenant': { type: 'string' },
    'kv-client-id': { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  const v = parsed.values;
  if (v.help) {
    return 'help';
  }
  const [target, ...extra] = parsed.positionals;
  if (target !== 'fabric' && target !== 'azure') {
    throw new ValidationError('discover', target === undefined ? 'needs what to discover.' : `'${target}' is not fabric or azure.`, 'Write `eventstream-flow discover fabric` or `eventstream-flow discover azure`.');
  }
  if (extra.length > 0) {
    throw new ValidationError('discover', `Unexpected argument '${extra[0]}'.`, 'See `eventstream-flow discover --help`.');
  }
  const cloud = (v.cloud ?? 'public') as CloudName;
  if (!Object.hasOwn(CLOUDS, cloud)) {
    throw new ValidationError('--cloud', `'${v.cloud}' is not a cloud.`, `Use one of: ${Object.keys(CLOUDS).join(', ')}.`);
  }
  for (const [name, value] of [['--tenant', v.tenant], ['--client-id', v['client-id']], ['--kv-tenant', v['kv-tenant']], ['--kv-client-id', v['kv-client-id']], ...(v.subscription ?? []).map((s) => ['--subscription', s])] as const) {
    if (value !== undefined && !GUID.test(value) && !(name.endsWith('tenant') && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value))) {
      throw new ValidationError(name, `'${value}' is not a GUID${name.endsWith('tenant') ? ' or a tenant domain' : ''}.`, 'Copy it from the Azure portal or `az account show`.');
    }
  }
  let who: DiscoverArgs['who'];
  if (v['client-id'] !== undefined) {
    if (v.tenant === undefined) {
      throw new ValidationError('--tenant', 'A service principal needs its tenant.', 'Add --tenant <tenant id> with --client-id.');
    }
    who = { kind: 'servicePrincipal', tenantId: v.tenant, clientId: v['client-id'] };
  } else if (v['azure-cli']) {
    who = { kind: 'azureCli', ...(v.tenant ? { tenantId: v.tenant } : {}) };
  } else {
    if (v.tenant !== undefined) {
      throw new ValidationError('--tenant', 'applies to --azure-cli or --client-id.', 'Add --azure-cli, or --client-id for a service principal.');
    }
    who = { kind: 'sandbox' };
  }
  if ([v.sandbox, who.kind !== 'sandbox'].filter(Boolean).length > 1) {
    throw new ValidationError('--sandbox', 'cannot be combined with --azure-cli or --client-id.', 'Pick one.');
  }
  const endpointAuth = v['endpoint-auth'] ?? 'sas';
  if (endpointAuth !== 'sas' && endpointAuth !== 'entra') {
    throw new ValidationError('--endpoint-auth', `'${endpointAuth}' is not sas or entra.`, 'Use --endpoint-auth sas (the endpoint key) or entra (the service principal from Key Vault).');
  }
  let createProfile: DiscoverArgs['createProfile'];
  const profileOnly = ['out', 'read-back', 'endpoint-auth', 'vault-url', 'client-id-secret', 'client-secret-secret', 'kv-tenant', 'kv-client-id', 'force'] as const;
  if (v['create-profile'] !== undefined) {
    if (target !== 'fabric') {
      throw new ValidationError('--create-profile', 'applies to discover fabric.', 'Write `eventstream-flow discover fabric --create-profile W/E/S --out FILE`.');
    }
    const parts = v['create-profile'].split('/');
    if (parts.length !== 3 || parts.some((p) => p.trim() === '')) {
      throw new ValidationError('--create-profile', `'${v['create-profile']}' is not WORKSPACE/EVENTSTREAM/SOURCE.`, 'Give three names (or ids) separated by /, e.g. "Contoso Streaming/es-orders/orders-in".');
    }
    const [workspace = '', eventstream = '', source = ''] = parts.map((p) => p.trim());
    createProfile = { workspace, eventstream, source };
    if (v.out === undefined) {
      throw new ValidationError('--out', 'is needed with --create-profile.', 'Add --out profile.json.');
    }
  } else {
    const stray = profileOnly.find((name) => v[name] !== undefined && v[name] !== false);
    if (stray) {
      throw new ValidationError(`--${stray}`, 'applies only with --create-profile.', 'Add --create-profile WORKSPACE/EVENTSTREAM/SOURCE, or leave it out.');
    }
  }
  let keyVault: DiscoverArgs['keyVault'];
  const kvGiven = [v['vault-url'], v['client-id-secret'], v['client-secret-secret']];
  if (kvGiven.some((x) => x !== undefined)) {
    if (kvGiven.some((x) => x === undefined)) {
      throw new ValidationError('--vault-url', 'needs --client-id-secret and --client-secret-secret with it.', 'Give the vault URL and the names of the two secrets holding the pipeline principal.');
    }
    keyVault = {
      vaultUrl: v['vault-url'] ?? '',
      clientIdSecret: v['client-id-secret'] ?? '',
      clientSecretSecret: v['client-secret-secret'] ?? '',
      ...(v['kv-tenant'] ? { tenantId: v['kv-tenant'] } : {}),
      ...(v['kv-client-id'] ? { clientId: v['kv-client-id'] } : {}),
    };
  } else if (createProfile && who.kind !== 'sandbox') {
    throw new ValidationError('--vault-url', 'Fabric cannot know the Key Vault side of the flow.', 'Add --vault-url, --client-id-secret and --client-secret-secret (the vault holding the pipeline principal).');
  }
  if (v['kv-client-id'] !== undefined && v['kv-tenant'] === undefined) {
    throw new ValidationError('--kv-tenant', 'The vault reader needs its tenant.', 'Add --kv-tenant with --kv-client-id.');
  }
  return {
    target,
    json: v.json,
    cloud,
    who,
    subscriptions: v.subscription ?? [],
    ...(createProfile ? { createProfile } : {}),
    ...(v.out !== undefined ? { out: v.out } : {}),
    ...(v['read-back'] !== undefined ? { readBack: v['read-back'] } : {}),
    endpointAuth,
    ...(keyVault ? { keyVault } : {}),
    force: v.force,
  };
}
