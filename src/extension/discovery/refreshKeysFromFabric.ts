/**
 * Refresh Keys from Fabric: after a key rotation, read the custom endpoint's (and the read-back
 * destination's) connection again and store the new keys in the profile (SecretStorage). Only for
 * profiles made with Create Profile from Endpoint, whose Fabric ids were kept.
 */
import { ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { resolveProfileId } from '../commands/commandContext';
import type { ExtensionServices } from '../services';
import { accountById } from './createProfileFromEndpoint';
import { originOf } from './fabricOrigins';

export async function refreshKeysFromFabric(services: ExtensionServices, node?: unknown): Promise<void> {
  const profileId = await resolveProfileId(services, node, 'Refresh the keys of which profile?');
  if (!profileId) {
    return;
  }
  const profile = await services.profiles.get(profileId);
  const origin = await originOf(services.context.secrets, profileId);
  if (!profile || !origin) {
    throw new ValidationError('profile', 'This profile was not created from a Fabric custom endpoint.', 'Use Create Profile from Endpoint in the Fabric & Azure view, or edit the key by hand.');
  }
  const account = await accountById(services, origin.accountId);
  const fabric = account.fabric(AbortSignal.timeout(60_000));
  if (!fabric) {
    throw new ValidationError('cloud', 'This account\'s cloud has no Fabric REST API.', 'Edit the key by hand.');
  }
  const source = await fabric.sourceConnection(origin.workspaceId, origin.eventstreamId, origin.sourceId);
  let endpoint = profile.endpoint;
  if (endpoint.auth.kind === 'sas') {
    endpoint = { ...endpoint, namespace: source.namespace, eventHubName: source.eventHubName, auth: { kind: 'sas', keyName: source.keyName ?? endpoint.auth.keyName, key: source.keys.primaryKey } };
  } else if (endpoint.auth.kind === 'connectionString') {
    endpoint = { ...endpoint, auth: { kind: 'connectionString', connectionString: source.keys.primaryConnectionString } };
  }
  let readBack = profile.readBack;
  if (origin.destinationId && readBack?.auth?.kind === 'sas') {
    const read = await fabric.destinationConnection(origin.workspaceId, origin.eventstreamId, origin.destinationId);
    readBack = { ...readBack, auth: { kind: 'sas', keyName: read.keyName ?? readBack.auth.keyName, key: read.keys.primaryKey } };
  }
  const updated: ConnectionProfile = { ...profile, endpoint, ...(readBack ? { readBack } : {}) };
  await services.profiles.save(updated);
  services.logger.child('discovery').info(`Refreshed the keys of "${profile.name}" from Fabric`);
  services.tree.refresh();
}
