import { parseArgs } from 'node:util';
import { createAzureCliTokenProvider } from '../../core/azure/credentials';
import { proxyFromEnvironment } from '../../core/azure/proxy';
import { AzureDiscovery, filterSubscriptions, type AzureSubscription } from '../../core/discovery/arm';
import { armService, fabricService } from '../../core/discovery/endpoints';
import { FabricDiscovery, type CustomEndpointConnection, type EventstreamNode, type FabricEventstream, type FabricWorkspace } from '../../core/discovery/fabric';
import type { DiscoveryContext } from '../../core/discovery/rest';
import { servicePrincipalTokens } from '../../core/discovery/tokens';
import { explainError, formatExplainedError } from '../../core/errors/explain';
import { isCancelledError, isValidationError, ValidationError, type ExplainedError } from '../../core/errors/errors';
import type { TokenProvider } from '../../core/flow/credentials';
import { Redactor } from '../../core/logging/redact';
import { CLOUDS, type CloudName } from '../../core/model/cloud';
import type { ConnectionProfile } from '../../core/model/profile';
import { toShareableProfile } from '../../core/model/shareable';
import { randomUUID } from 'node:crypto';
import { validateProfile } from '../../core/model/validate';
import type { Sandbox } from '../../sandbox/types';
import { EXIT } from '../exitCodes';
import { SECRET_ENV } from '../profileSource';
import { promptHidden } from '../prompt';
import { writeOutFile } from './export';
import type { CliIo } from './flow';

/**
 * `discover fabric|azure [--json]`: lists Fabric workspaces → eventstreams → custom endpoint sources
 * and destinations (with status), or Azure subscriptions → Key Vaults / Event Hubs namespaces → hubs.
 * `discover fabric --create-profile WORKSPACE/EVENTSTREAM/SOURCE --out FILE` writes a profile for that
 * custom endpoint whose keys are referenced through the environment, never written.
 *
 * Who asks: `--azure-cli` (az login), `--tenant T --client-id C` (a service principal; its secret from
 * EVENTSTREAM_FLOW_CLIENT_SECRET or a hidden prompt), or, with neither, the local sandbox.
 */
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

interface DiscoverArgs {
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
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
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
      },
    });
  } catch (error) {
    // parseArgs' message names the option, never a value that could be a secret.
    throw new ValidationError('discover', (error as Error).message.split('\n')[0] ?? 'bad arguments', 'See `eventstream-flow discover --help`.');
  }
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

/** What a test (or an embedding) may hand in: a running sandbox to discover instead of starting one. */
export interface DiscoverDeps {
  readonly sandbox?: Sandbox;
  readonly signal?: AbortSignal;
}

interface Session {
  readonly context: DiscoveryContext;
  readonly fabricBase?: string;
  readonly armBase?: string;
  readonly sandbox?: Sandbox;
  stop(): Promise<void>;
}

async function openSession(args: DiscoverArgs, io: CliIo, redactor: Redactor, deps: DiscoverDeps, signal: AbortSignal): Promise<Session> {
  const proxy = proxyFromEnvironment(io.env);
  if (args.who.kind === 'sandbox') {
    let sandbox = deps.sandbox;
    let owned = false;
    if (!sandbox) {
      const { startSandbox } = await import('../../sandbox/index');
      sandbox = await startSandbox();
      owned = true;
    }
    const { world, urls } = sandbox;
    for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key, world.listenOnlySas.key]) {
      redactor.add(secret);
    }
    const tokens = servicePrincipalTokens({
      authorityHost: urls.authorityHost,
      tenantId: world.tenantId,
      clientId: world.reader.clientId,
      clientSecret: world.reader.clientSecret,
      trustedCaPem: sandbox.caPem,
      destination: { credential: 'the sandbox client secret', field: 'sandbox', hosts: [new URL(urls.authorityHost).host] },
    });
    const running = sandbox;
    return {
      context: { tokens, tenantId: world.tenantId, signal, trustedCaPem: sandbox.caPem },
      fabricBase: urls.fabricApi,
      armBase: urls.resourceManager,
      sandbox,
      stop: () => (owned ? running.stop() : Promise.resolve()),
    };
  }
  let tokens: TokenProvider;
  let tenantId: string | undefined;
  if (args.who.kind === 'azureCli') {
    tenantId = args.who.tenantId;
    tokens = createAzureCliTokenProvider(tenantId ? { tenantId } : {});
  } else {
    tenantId = args.who.tenantId;
    const secret = io.env[SECRET_ENV.clientSecret] || (process.stdin.isTTY ? await promptHidden('Service principal client secret: ') : '');
    if (!secret) {
      throw new ValidationError(SECRET_ENV.clientSecret, 'The service principal secret is not set.', `Set ${SECRET_ENV.clientSecret} in the environment (or run in a terminal to be prompted).`);
    }
    redactor.add(secret);
    const cloud = CLOUDS[args.cloud];
    tokens = servicePrincipalTokens({
      authorityHost: cloud.authorityHost,
      tenantId,
      clientId: args.who.clientId,
      clientSecret: secret,
      ...(proxy ? { proxy } : {}),
      destination: { credential: 'the client secret', field: '--cloud', hosts: [new URL(cloud.authorityHost).host, ...cloud.authorityAliases] },
    });
  }
  return { context: { tokens, ...(tenantId ? { tenantId } : {}), signal, ...(proxy ? { proxy } : {}) }, stop: () => Promise.resolve() };
}

/** A node of the listing; errors stay where they happened, so one unreadable workspace does not hide the rest. */
interface FabricListing {
  readonly workspaces: {
    readonly workspace: FabricWorkspace;
    readonly error?: ExplainedError;
    readonly eventstreams: { readonly eventstream: FabricEventstream; readonly error?: ExplainedError; readonly sources: EventstreamNode[]; readonly destinations: EventstreamNode[] }[];
  }[];
}

async function listFabric(client: FabricDiscovery, secrets: Iterable<string>): Promise<FabricListing> {
  const workspaces: FabricListing['workspaces'][number][] = [];
  for (const workspace of await client.workspaces()) {
    try {
      const eventstreams: FabricListing['workspaces'][number]['eventstreams'][number][] = [];
      for (const eventstream of await client.eventstreams(workspace.id)) {
        try {
          const topology = await client.topology(workspace.id, eventstream.id);
          eventstreams.push({ eventstream, sources: [...topology.sources], destinations: [...topology.destinations] });
        } catch (error) {
          rethrowCancel(error);
          eventstreams.push({ eventstream, error: explainError(error, { secrets }), sources: [], destinations: [] });
        }
      }
      workspaces.push({ workspace, eventstreams });
    } catch (error) {
      rethrowCancel(error);
      workspaces.push({ workspace, error: explainError(error, { secrets }), eventstreams: [] });
    }
  }
  return { workspaces };
}

interface AzureListing {
  readonly subscriptions: {
    readonly subscription: AzureSubscription;
    readonly error?: ExplainedError;
    readonly vaults: { name: string; vaultUri: string; resourceGroup: string; tenantId: string; authorization: 'rbac' | 'accessPolicies' }[];
    readonly namespaces: { name: string; host: string; resourceGroup: string; hubs: string[]; error?: ExplainedError }[];
  }[];
}

async function listAzure(client: AzureDiscovery, selected: readonly string[], secrets: Iterable<string>): Promise<AzureListing> {
  const all = await client.subscriptions();
  const subscriptions: AzureListing['subscriptions'][number][] = [];
  for (const subscription of filterSubscriptions(all, selected)) {
    const entry = { subscription, vaults: [] as AzureListing['subscriptions'][number]['vaults'], namespaces: [] as AzureListing['subscriptions'][number]['namespaces'] };
    if (subscription.state === 'Disabled' || subscription.state === 'Deleted') {
      subscriptions.push(entry);
      continue; // A disabled subscription answers reads with errors; nothing to pick there.
    }
    try {
      for (const vault of await client.keyVaults(subscription.subscriptionId)) {
        entry.vaults.push({ name: vault.name, vaultUri: vault.vaultUri, resourceGroup: vault.resourceGroup, tenantId: vault.tenantId, authorization: vault.rbacAuthorization ? 'rbac' : 'accessPolicies' });
      }
      for (const namespace of await client.eventHubsNamespaces(subscription.subscriptionId)) {
        try {
          const hubs = await client.eventHubs(namespace.id);
          entry.namespaces.push({ name: namespace.name, host: namespace.host, resourceGroup: namespace.resourceGroup, hubs: hubs.map((h) => h.name) });
        } catch (error) {
          rethrowCancel(error);
          entry.namespaces.push({ name: namespace.name, host: namespace.host, resourceGroup: namespace.resourceGroup, hubs: [], error: explainError(error, { secrets }) });
        }
      }
      subscriptions.push(entry);
    } catch (error) {
      rethrowCancel(error);
      subscriptions.push({ ...entry, error: explainError(error, { secrets }) });
    }
  }
  return { subscriptions };
}

function rethrowCancel(error: unknown): void {
  if (isCancelledError(error)) {
    throw error;
  }
}

const oneLine = (e: ExplainedError): string => `${e.explanation.summary} [${e.code}] ${e.explanation.fix}`;
const isCustomEndpoint = (node: EventstreamNode): boolean => node.type === 'CustomEndpoint';

function fabricText(listing: FabricListing, where: string): string {
  const lines = [`Fabric (${where})`];
  if (listing.workspaces.length === 0) {
    lines.push('  No workspace this identity can see.');
  }
  for (const { workspace, error, eventstreams } of listing.workspaces) {
    lines.push(`  ${workspace.displayName}   workspace ${workspace.id}`);
    if (error) {
      lines.push(`    ! ${oneLine(error)}`);
      continue;
    }
    if (eventstreams.length === 0) {
      lines.push('    (no eventstreams)');
    }
    for (const { eventstream, error: esError, sources, destinations } of eventstreams) {
      lines.push(`    ${eventstream.displayName}   eventstream ${eventstream.id}`);
      if (esError) {
        lines.push(`      ! ${oneLine(esError)}`);
        continue;
      }
      const endpoints = [...sources.filter(isCustomEndpoint).map((n) => ['source', n] as const), ...destinations.filter(isCustomEndpoint).map((n) => ['destination', n] as const)];
      for (const [kind, node] of endpoints) {
        lines.push(`      ${kind.padEnd(11)} ${node.name.padEnd(24)} ${node.status}${node.errorMessage ? `  (${node.errorMessage})` : ''}`);
      }
      const others = sources.length + destinations.length - endpoints.length;
      if (endpoints.length === 0) {
        lines.push('      (no custom endpoint)');
      }
      if (others > 0) {
        lines.push(`      + ${others} other source${others === 1 ? '' : 's'}/destination${others === 1 ? '' : 's'} (not custom endpoints)`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function azureText(listing: AzureListing, where: string): string {
  const lines = [`Azure (${where})`];
  if (listing.subscriptions.length === 0) {
    lines.push('  No subscription this identity can read (or none matched --subscription).');
  }
  for (const { subscription, error, vaults, namespaces } of listing.subscriptions) {
    lines.push(`  ${subscription.displayName}   subscription ${subscription.subscriptionId}   ${subscription.state}`);
    if (error) {
      lines.push(`    ! ${oneLine(error)}`);
      continue;
    }
    for (const vault of vaults) {
      lines.push(`    vault      ${vault.name.padEnd(24)} ${vault.vaultUri}   ${vault.authorization === 'rbac' ? 'Azure RBAC' : 'access policies'}   tenant ${vault.tenantId}`);
    }
    for (const namespace of namespaces) {
      lines.push(`    namespace  ${namespace.name.padEnd(24)} ${namespace.host}`);
      if (namespace.error) {
        lines.push(`      ! ${oneLine(namespace.error)}`);
      }
      for (const hub of namespace.hubs) {
        lines.push(`      hub      ${hub}`);
      }
    }
    if (vaults.length === 0 && namespaces.length === 0) {
      lines.push('    (no Key Vaults or Event Hubs namespaces)');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A workspace, eventstream or node by id or by name (names are compared case-insensitively; an ambiguous name is refused). */
function pick<T>(items: readonly T[], wanted: string, id: (t: T) => string, name: (t: T) => string, what: string, field: string): T {
  const byId = items.find((t) => id(t).toLowerCase() === wanted.toLowerCase());
  if (byId) {
    return byId;
  }
  const byName = items.filter((t) => name(t).toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1 && byName[0] !== undefined) {
    return byName[0];
  }
  const choices = items.map(name).slice(0, 10).join(', ') || 'none';
  throw new ValidationError(
    field,
    byName.length > 1 ? `${byName.length} ${what}s are named '${wanted}'.` : `No ${what} '${wanted}'.`,
    byName.length > 1 ? `Give the ${what}'s id instead (eventstream-flow discover fabric lists them).` : `Pick one of: ${choices}.`,
  );
}

async function createProfile(args: DiscoverArgs, client: FabricDiscovery, session: Session): Promise<{ profile: ConnectionProfile; connection: CustomEndpointConnection; readBack?: CustomEndpointConnection; names: string[] }> {
  const wanted = args.createProfile;
  if (!wanted) {
    throw new Error('no --create-profile');
  }
  const field = '--create-profile';
  const workspace = pick(await client.workspaces(), wanted.workspace, (w) => w.id, (w) => w.displayName, 'workspace', field);
  const eventstream = pick(await client.eventstreams(workspace.id), wanted.eventstream, (e) => e.id, (e) => e.displayName, 'eventstream', field);
  const topology = await client.topology(workspace.id, eventstream.id);
  const source = pick(topology.sources, wanted.source, (n) => n.id, (n) => n.name, 'source', field);
  if (!isCustomEndpoint(source)) {
    throw new ValidationError(field, `'${source.name}' is a ${source.type} source, not a custom endpoint.`, `Pick a custom endpoint source: ${topology.sources.filter(isCustomEndpoint).map((n) => n.name).join(', ') || 'this eventstream has none'}.`);
  }
  const connection = await client.sourceConnection(workspace.id, eventstream.id, source.id);
  let readBack: CustomEndpointConnection | undefined;
  let destinationName: string | undefined;
  if (args.readBack !== undefined) {
    const destination = pick(topology.destinations, args.readBack, (n) => n.id, (n) => n.name, 'destination', '--read-back');
    if (!isCustomEndpoint(destination)) {
      throw new ValidationError('--read-back', `'${destination.name}' is a ${destination.type} destination, not a custom endpoint.`, 'Pick a custom endpoint destination of the same eventstream.');
    }
    readBack = await client.destinationConnection(workspace.id, eventstream.id, destination.id);
    destinationName = destination.name;
  }
  const sandbox = session.sandbox;
  const keyVault: ConnectionProfile['keyVault'] = args.keyVault
    ? {
        vaultUrl: args.keyVault.vaultUrl,
        auth: args.keyVault.clientId && args.keyVault.tenantId
          ? { kind: 'servicePrincipal', tenantId: args.keyVault.tenantId, clientId: args.keyVault.clientId, clientSecret: '', tokenRequest: 'pipeline' }
          : { kind: 'azureCli', ...(args.keyVault.tenantId ? { tenantId: args.keyVault.tenantId } : {}) },
        clientIdSecret: { name: args.keyVault.clientIdSecret },
        clientSecretSecret: { name: args.keyVault.clientSecretSecret },
      }
    : (sandbox?.profile().keyVault ?? (() => {
        throw new Error('no Key Vault side');
      })());
  const tenantId = keyVault.auth.kind === 'servicePrincipal' ? keyVault.auth.tenantId : (keyVault.auth.tenantId ?? sandbox?.world.tenantId ?? args.keyVault?.tenantId ?? '');
  const name = `${eventstream.displayName} / ${source.name}`;
  const profile: ConnectionProfile = {
    id: randomUUID(),
    name,
    cloud: args.cloud,
    ...(sandbox ? { authorityHost: sandbox.urls.authorityHost, trustedCaPem: sandbox.caPem } : {}),
    keyVault,
    eventHubsToken: { tenantId, endpointVersion: 'v1' },
    endpoint: {
      namespace: connection.namespace,
      eventHubName: connection.eventHubName,
      protocol: 'rest',
      // The key itself is never written: EVENTSTREAM_FLOW_SAS_KEY supplies it when the flow runs.
      auth: args.endpointAuth === 'entra' ? { kind: 'entra' } : { kind: 'sas', keyName: connection.keyName ?? '', key: connection.keys.primaryKey },
    },
    ...(readBack
      ? {
          readBack: {
            namespace: readBack.namespace,
            eventHubName: readBack.eventHubName,
            consumerGroup: readBack.consumerGroupName ?? '$Default',
            auth: { kind: 'sas', keyName: readBack.keyName ?? '', key: readBack.keys.primaryKey },
          },
        }
      : {}),
  };
  // What is written is validated like any profile; only the secret fields may be empty.
  const shareable = toShareableProfile(profile);
  const problems = validateProfile(profile).filter((p) => !p.field.endsWith('clientSecret'));
  if (problems.length > 0) {
    throw problems[0] as ValidationError;
  }
  const out = args.out ?? '';
  await writeOutFile(out, `${JSON.stringify(shareable, null, 2)}\n`, 0o600, args.force);
  return { profile: shareable, connection, ...(readBack ? { readBack } : {}), names: [workspace.displayName, eventstream.displayName, source.name, ...(destinationName ? [destinationName] : [])] };
}

export async function runDiscoverCommand(argv: readonly string[], io: CliIo, deps: DiscoverDeps = {}): Promise<number> {
  const redactor = new Redactor(Object.values(SECRET_ENV).map((name) => io.env[name]));
  let args: DiscoverArgs | 'help';
  try {
    args = parseDiscoverArgs(argv);
  } catch (error) {
    return report(error, io, redactor);
  }
  if (args === 'help') {
    io.stdout(DISCOVER_HELP);
    return EXIT.ok;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const external = deps.signal;
  external?.addEventListener('abort', onSignal, { once: true });
  process.once('SIGINT', onSignal);
  let session: Session | undefined;
  try {
    session = await openSession(args, io, redactor, deps, controller.signal);
    const where = args.who.kind === 'sandbox' ? 'the local sandbox' : args.who.kind === 'azureCli' ? 'Azure CLI sign-in' : `service principal ${args.who.clientId}`;
    if (args.target === 'fabric') {
      const client = new FabricDiscovery(fabricService(args.cloud, session.fabricBase), session.context, (secret) => redactor.add(secret));
      if (args.createProfile) {
        const made = await createProfile(args, client, session);
        const envLines = [
          ...(made.profile.endpoint.auth.kind === 'sas' ? [`${SECRET_ENV.sasKey}: the source's key (Fabric: ${made.names[1]} → ${made.names[2]} → Keys)`] : []),
          ...(made.readBack ? [`${SECRET_ENV.readBackSasKey}: the destination's key (Fabric: ${made.names[1]} → ${made.names[3]} → Keys)`] : []),
          ...(made.profile.keyVault.auth.kind === 'servicePrincipal' ? [`${SECRET_ENV.clientSecret}: the Key Vault reader's client secret`] : []),
        ];
        if (args.json) {
          io.stdout(
            redactor.redactJson({
              type: 'profile',
              out: args.out,
              profile: made.profile.name,
              namespace: made.connection.namespace,
              eventHubName: made.connection.eventHubName,
              ...(made.readBack ? { readBack: { namespace: made.readBack.namespace, eventHubName: made.readBack.eventHubName, consumerGroup: made.readBack.consumerGroupName } } : {}),
              secretsFromEnvironment: envLines.map((l) => l.split(':')[0]),
            }) + '\n',
          );
        } else {
          io.stdout(
            redactor.redact(
              [
                `Wrote profile "${made.profile.name}" to ${args.out} (no key in it).`,
                `  Endpoint   ${made.connection.namespace} / ${made.connection.eventHubName}   ${made.profile.endpoint.auth.kind === 'sas' ? `SAS rule ${made.connection.keyName ?? '?'}` : 'Entra ID'}`,
                ...(made.readBack ? [`  Read back  ${made.readBack.namespace} / ${made.readBack.eventHubName}   consumer group ${made.readBack.consumerGroupName ?? '$Default'}`] : []),
                ...(envLines.length > 0 ? ['Before running it, set:', ...envLines.map((l) => `  ${l}`)] : []),
                `Then: eventstream-flow run --profile ${args.out}${made.readBack ? ' --read-back' : ''}`,
                ...(session.sandbox && !deps.sandbox ? ['(This profile points at a sandbox started for this command; it stopped when the command ended.)'] : []),
                '',
              ].join('\n'),
            ),
          );
        }
        return EXIT.ok;
      }
      const listing = await listFabric(client, []);
      io.stdout(args.json ? redactor.redactJson({ type: 'fabric', workspaces: listing.workspaces }) + '\n' : redactor.redact(fabricText(listing, where)));
      return EXIT.ok;
    }
    const client = new AzureDiscovery(armService(args.cloud, session.armBase), session.context);
    const listing = await listAzure(client, args.subscriptions, []);
    io.stdout(args.json ? redactor.redactJson({ type: 'azure', subscriptions: listing.subscriptions }) + '\n' : redactor.redact(azureText(listing, where)));
    return EXIT.ok;
  } catch (error) {
    return report(error, io, redactor);
  } finally {
    process.off('SIGINT', onSignal);
    external?.removeEventListener('abort', onSignal);
    await session?.stop();
  }
}

/** Bad input: exit 2; a cancel: 130; a service refusal: explained, exit 1. Never a stack, never a key. */
function report(error: unknown, io: CliIo, redactor: Redactor): number {
  if (isValidationError(error)) {
    io.stderr(redactor.redact(`error: ${error.field}: ${error.problem}\n  fix: ${error.fix}\n`));
    return EXIT.usage;
  }
  if (isCancelledError(error)) {
    io.stderr('Cancelled.\n');
    return EXIT.cancelled;
  }
  const explained = explainError(error, { secrets: [] });
  io.stderr(redactor.redact(`error: ${formatExplainedError(explained)}\n`));
  return EXIT.internal;
}
