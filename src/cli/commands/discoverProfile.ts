/**
 * `discover fabric --create-profile W/E/S`: the profile for one custom endpoint source (and an optional
 * read-back destination), picked by name or id, validated and written with every key left empty; the
 * flow reads the keys from the environment when it runs.
 */
import { randomUUID } from 'node:crypto';
import type { CustomEndpointConnection, FabricDiscovery } from '../../core/discovery/fabric';
import { ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { toShareableProfile } from '../../core/model/shareable';
import { validateProfile } from '../../core/model/validate';
import type { DiscoverArgs } from './discoverArgs';
import { isCustomEndpoint } from './discoverListing';
import type { DiscoverSession } from './discoverSession';
import { writeOutFile } from './export';

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

export async function createProfile(args: DiscoverArgs, client: FabricDiscovery, session: DiscoverSession): Promise<{ profile: ConnectionProfile; connection: CustomEndpointConnection; readBack?: CustomEndpointConnection; names: string[] }> {
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
