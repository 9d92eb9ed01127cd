/**
 * Create Profile from Endpoint: on a Fabric custom endpoint source, fetch its connection (namespace,
 * es_… hub, keys: straight into the session redactor), ask only what Fabric cannot know (the Key
 * Vault side, unless the sandbox knows it; Entra ID or the endpoint's key), offer the read back from
 * a custom endpoint destination of the same eventstream, and store the profile, keys included, in
 * SecretStorage (the profile store). Nothing secret reaches a label, a log line or settings.
 */
import { randomUUID } from 'node:crypto';
import type { AzureKeyVault } from '../../core/discovery/arm';
import type { CustomEndpointConnection } from '../../core/discovery/fabric';
import { CancelledError, ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile, EndpointAuth, KeyVaultSettings } from '../../core/model/profile';
import { CLIENT_ID_SECRET_NAME_DEFAULT, CLIENT_SECRET_SECRET_NAME_DEFAULT } from './defaults';
import type { ExtensionServices } from '../services';
import { discoveryAccounts, type DiscoveryAccount } from './accounts';
import { EndpointNode, type EndpointRef } from './discoveryTree';
import { saveOrigin } from './fabricOrigins';
import { coreFabricDiscovery, SatelliteEndpointNode } from '../fabricSatellite/satellite';

const signal = (): AbortSignal => AbortSignal.timeout(60_000);

function cancelled(): never {
  throw new CancelledError();
}

async function pickEndpoint(services: ExtensionServices): Promise<EndpointRef> {
  const accounts = await discoveryAccounts(services);
  if (accounts.length === 0) {
    throw new ValidationError('account', 'No account can discover Fabric: not signed in, and the local sandbox is not running.', 'Sign in to Microsoft (Fabric & Azure view), or start the local sandbox.');
  }
  const account = accounts.length === 1 ? accounts[0] : (await services.input.showQuickPick(accounts.map((a) => ({ label: a.label, account: a })), { placeHolder: 'Which account?', ignoreFocusOut: true }))?.account;
  if (!account) {
    cancelled();
  }
  const fabric = account.fabric(signal()) ?? cancelled();
  const workspaces = await fabric.workspaces();
  const ws = (await services.input.showQuickPick(workspaces.map((w) => ({ label: w.displayName, w })), { placeHolder: 'Fabric workspace', ignoreFocusOut: true }))?.w ?? cancelled();
  const streams = await fabric.eventstreams(ws.id);
  const es = (await services.input.showQuickPick(streams.map((e) => ({ label: e.displayName, e })), { placeHolder: 'Eventstream', ignoreFocusOut: true }))?.e ?? cancelled();
  const topology = await fabric.topology(ws.id, es.id);
  const sources = topology.sources.filter((s) => s.type === 'CustomEndpoint');
  if (sources.length === 0) {
    throw new ValidationError('source', `The eventstream ${es.displayName} has no custom endpoint source.`, 'Add a custom endpoint source to it in Fabric, then refresh.');
  }
  const source = (await services.input.showQuickPick(sources.map((s) => ({ label: s.name, description: s.status, s })), { placeHolder: 'Custom endpoint source', ignoreFocusOut: true }))?.s ?? cancelled();
  return { accountId: account.id, workspaceId: ws.id, workspaceName: ws.displayName, eventstreamId: es.id, eventstreamName: es.displayName, nodeId: source.id, nodeName: source.name, kind: 'source' };
}

export async function accountById(services: ExtensionServices, id: string): Promise<DiscoveryAccount> {
  if (id === 'fabric-core') {
    // The Fabric extension's signed-in account (satellite): Fabric only; the vault is picked or typed.
    const fabric = coreFabricDiscovery();
    if (!fabric) {
      throw new ValidationError('account', 'The Fabric extension is not connected any more.', 'Reload the window, or use the Fabric & Azure view.');
    }
    return {
      id,
      kind: 'microsoft',
      label: 'Fabric extension account',
      cloud: 'public',
      fabric: () => fabric,
      azure: () => {
        throw new ValidationError('account', 'The Fabric extension does not list Azure resources.', 'Type the vault URL.');
      },
    };
  }
  const account = (await discoveryAccounts(services)).find((a) => a.id === id);
  if (!account) {
    throw new ValidationError('account', id === 'sandbox' ? 'The local sandbox is not running.' : 'Not signed in to that Microsoft account any more.', id === 'sandbox' ? 'Start the local sandbox, then retry.' : 'Sign in again (Fabric & Azure view), then retry.');
  }
  return account;
}

/** The Key Vault side: the sandbox knows it; otherwise a pick from Azure (or typing) and the two secret names. */
async function keyVaultSide(services: ExtensionServices, account: DiscoveryAccount): Promise<KeyVaultSettings> {
  const sandbox = services.sandbox.current;
  if (account.kind === 'sandbox' && sandbox) {
    return sandbox.profile().keyVault;
  }
  let vaults: AzureKeyVault[] = [];
  try {
    const azure = account.azure(signal());
    for (const subscription of await azure.subscriptions()) {
      if (subscription.state === 'Enabled') {
        vaults.push(...(await azure.keyVaults(subscription.subscriptionId)));
      }
    }
  } catch (error) {
    services.logger.child('discovery').warn(`Could not list Key Vaults: ${String(error)}`);
    vaults = [];
  }
  const TYPE = 'Type a vault URL…';
  const picked = await services.input.showQuickPick([...vaults.map((v) => ({ label: v.name, description: v.vaultUri, detail: v.rbacAuthorization ? 'Azure RBAC' : 'Access policies', vault: v })), { label: TYPE, vault: undefined }], {
    placeHolder: 'The Key Vault holding the pipeline service principal (Fabric cannot know it)',
    ignoreFocusOut: true,
  });
  if (!picked) {
    cancelled();
  }
  const vaultUrl = picked.vault?.vaultUri ?? (await services.input.showInputBox({ prompt: 'Key Vault URL', placeHolder: 'https://<vault>.vault.azure.net', ignoreFocusOut: true })) ?? cancelled();
  const clientIdSecret = (await services.input.showInputBox({ prompt: 'Name of the secret holding the pipeline principal\'s client id', value: CLIENT_ID_SECRET_NAME_DEFAULT, ignoreFocusOut: true })) ?? cancelled();
  const clientSecretSecret = (await services.input.showInputBox({ prompt: 'Name of the secret holding its client secret', value: CLIENT_SECRET_SECRET_NAME_DEFAULT, ignoreFocusOut: true })) ?? cancelled();
  const tenantId = picked.vault?.tenantId ?? account.tenantId;
  return {
    vaultUrl,
    // The signed-in account reads the vault: it already discovered it.
    auth: { kind: 'signedInUser', ...(tenantId ? { tenantId } : {}) },
    clientIdSecret: { name: clientIdSecret },
    clientSecretSecret: { name: clientSecretSecret },
  };
}

function sasOf(connection: CustomEndpointConnection): EndpointAuth {
  if (!connection.keyName || !connection.keys.primaryKey) {
    throw new ValidationError('endpoint', 'Fabric returned the endpoint without a usable key.', 'Check the custom endpoint in Fabric (Keys), or use Entra ID.');
  }
  return { kind: 'sas', keyName: connection.keyName, key: connection.keys.primaryKey };
}

export async function createProfileFromEndpoint(services: ExtensionServices, node?: unknown): Promise<void> {
  const endpoint = node instanceof EndpointNode || node instanceof SatelliteEndpointNode ? node.endpoint : await pickEndpoint(services);
  if (endpoint.kind !== 'source') {
    throw new ValidationError('endpoint', `'${endpoint.nodeName}' is a destination: pipelines send to a source.`, 'Run Create Profile from Endpoint on a custom endpoint source; its destinations are offered for the read back.');
  }
  const account = await accountById(services, endpoint.accountId);
  const fabric = account.fabric(signal()) ?? cancelled();
  const connection = await fabric.sourceConnection(endpoint.workspaceId, endpoint.eventstreamId, endpoint.nodeId);
  const name = (await services.input.showInputBox({ prompt: 'Profile name', value: `${endpoint.eventstreamName} / ${endpoint.nodeName}`, ignoreFocusOut: true })) ?? cancelled();
  const ENTRA = 'Entra ID (the pipeline\'s service principal, read from Key Vault)';
  const SAS = "The endpoint's key (SAS)";
  const authChoice = (await services.input.showQuickPick([{ label: ENTRA }, { label: SAS }], { placeHolder: 'How does the flow authenticate to the endpoint?', ignoreFocusOut: true }))?.label ?? cancelled();
  const keyVault = await keyVaultSide(services, account);

  // Read back from a custom endpoint destination of the same eventstream.
  const topology = await fabric.topology(endpoint.workspaceId, endpoint.eventstreamId);
  const destinations = topology.destinations.filter((d) => d.type === 'CustomEndpoint');
  let readBack: ConnectionProfile['readBack'];
  let destinationId: string | undefined;
  if (destinations.length > 0) {
    const NONE = 'No read back';
    const choice = await services.input.showQuickPick([...destinations.map((d) => ({ label: `Read back from ${d.name}`, description: d.status, id: d.id })), { label: NONE, id: undefined }], {
      placeHolder: 'Read the sent event back from a destination of this eventstream?',
      ignoreFocusOut: true,
    });
    if (!choice) {
      cancelled();
    }
    if (choice.id) {
      const read = await fabric.destinationConnection(endpoint.workspaceId, endpoint.eventstreamId, choice.id);
      readBack = { namespace: read.namespace, eventHubName: read.eventHubName, consumerGroup: read.consumerGroupName ?? '$Default', auth: sasOf(read) };
      destinationId = choice.id;
    }
  }
  const sandbox = services.sandbox.current;
  let tenantId = keyVault.auth.kind === 'servicePrincipal' ? keyVault.auth.tenantId : (keyVault.auth.tenantId ?? account.tenantId ?? '');
  if (authChoice === ENTRA && !tenantId) {
    // Entra ID needs the pipeline principal's tenant, which neither Fabric nor this account names.
    tenantId = (await services.input.showInputBox({ prompt: "Directory (tenant) ID of the pipeline's service principal", placeHolder: '00000000-0000-0000-0000-000000000000', ignoreFocusOut: true })) ?? cancelled();
  }
  const profile: ConnectionProfile = {
    id: randomUUID(),
    name,
    cloud: account.cloud,
    ...(account.kind === 'sandbox' && sandbox ? { authorityHost: sandbox.urls.authorityHost, trustedCaPem: sandbox.caPem } : {}),
    keyVault,
    eventHubsToken: { tenantId, endpointVersion: 'v1' },
    endpoint: { namespace: connection.namespace, eventHubName: connection.eventHubName, protocol: 'rest', auth: authChoice === SAS ? sasOf(connection) : { kind: 'entra' } },
    ...(readBack ? { readBack } : {}),
  };
  await services.profiles.save(profile);
  await saveOrigin(services.context.secrets, profile.id, {
    accountId: account.id,
    workspaceId: endpoint.workspaceId,
    eventstreamId: endpoint.eventstreamId,
    sourceId: endpoint.nodeId,
    ...(destinationId ? { destinationId } : {}),
  });
  services.logger.child('discovery').info(`Created profile "${name}" from ${endpoint.eventstreamName} / ${endpoint.nodeName}`);
  services.tree.refresh();
}
