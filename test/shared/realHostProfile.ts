// The sandbox's demo world addressed by a cloud's real host names ({vault}.vault.azure.net,
// {ns}.servicebus.windows.net, or a sovereign cloud's suffixes): no authority override and no extra
// CA in the profile, so the stages reach the peers only through the sandbox's proxy, whose
// certificate names those hosts. Shared by the unit tests (flow, CLI) and the in-host tests.
import { randomUUID } from 'node:crypto';
import { CLOUDS, type CloudName } from '../../src/core/model/cloud';
import type { ConnectionProfile, EndpointSettings, TokenRequestStyle } from '../../src/core/model/profile';
import type { DemoWorld } from '../../src/sandbox/types';

export interface RealHosts {
  /** Vault host name, e.g. esf-demo.vault.azure.net. */
  readonly vault: string;
  /** Event Hubs namespace host name, e.g. eventstream-1234.servicebus.windows.net. */
  readonly namespace: string;
}

/** A cloud's authority host and its vault and namespace host names for the given first labels. */
export function cloudHosts(cloud: CloudName, vaultLabel: string, namespaceLabel: string): RealHosts & { readonly authority: string } {
  const c = CLOUDS[cloud];
  return {
    authority: new URL(c.authorityHost).hostname,
    vault: `${vaultLabel}${c.keyVaultSuffix}`,
    namespace: `${namespaceLabel}${c.eventHubsSuffix}`,
  };
}

export interface RealHostProfileOptions {
  readonly name: string;
  readonly hosts: RealHosts;
  /** Default: public. */
  readonly cloud?: CloudName;
  /** Default: a random UUID. */
  readonly id?: string;
  /** Default: rest. */
  readonly protocol?: EndpointSettings['protocol'];
  /** Default: pipeline (the raw v1 POST). */
  readonly tokenRequest?: TokenRequestStyle;
  /** Default: v1. */
  readonly endpointVersion?: 'v1' | 'v2';
  /** More endpoint settings, e.g. the AMQP transport. */
  readonly endpoint?: Partial<EndpointSettings>;
}

/** The demo world's profile (reader service principal, Entra endpoint auth) on real host names. */
export function realHostProfile(world: DemoWorld, options: RealHostProfileOptions): ConnectionProfile {
  return {
    id: options.id ?? randomUUID(),
    name: options.name,
    cloud: options.cloud ?? 'public',
    keyVault: {
      vaultUrl: `https://${options.hosts.vault}/`,
      auth: {
        kind: 'servicePrincipal',
        tenantId: world.tenantId,
        clientId: world.reader.clientId,
        clientSecret: world.reader.clientSecret,
        tokenRequest: options.tokenRequest ?? 'pipeline',
      },
      clientIdSecret: { name: world.secrets.clientIdName },
      clientSecretSecret: { name: world.secrets.clientSecretName },
    },
    eventHubsToken: { tenantId: world.tenantId, endpointVersion: options.endpointVersion ?? 'v1' },
    endpoint: {
      namespace: options.hosts.namespace,
      eventHubName: world.eventHubName,
      auth: { kind: 'entra' },
      protocol: options.protocol ?? 'rest',
      ...options.endpoint,
    },
  };
}

/** The profile as a CLI profile file holds it: no reader secret (that comes from EVENTSTREAM_FLOW_CLIENT_SECRET). */
export function withoutReaderSecret(profile: ConnectionProfile): object {
  const auth = profile.keyVault.auth;
  if (auth.kind !== 'servicePrincipal') {
    return profile;
  }
  const { clientSecret: _notInTheFile, ...rest } = auth;
  return { ...profile, keyVault: { ...profile.keyVault, auth: rest } };
}
