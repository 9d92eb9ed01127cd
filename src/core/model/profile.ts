import type { CloudName } from './cloud';

/**
 * A connection profile: everything one pipeline's secure flow needs, as the user configured it.
 * Every field may be sensitive (the pipeline even treats the client id as a secret), so the
 * extension keeps whole profiles in SecretStorage and exports only `toShareableProfile` output.
 */
export interface ConnectionProfile {
  /** Stable id (uuid); never shown as a name. */
  readonly id: string;
  readonly name: string;
  readonly cloud: CloudName;
  /**
   * Overrides the cloud's Entra authority host. Only loopback hosts are accepted (the local
   * sandbox, or a private test authority); real clouds always use their own host.
   */
  readonly authorityHost?: string;
  readonly keyVault: KeyVaultSettings;
  readonly eventHubsToken: EventHubsTokenSettings;
  readonly endpoint: EndpointSettings;
  /** Extra certificate authorities (PEM) to trust: the local sandbox's CA. Public data. */
  readonly trustedCaPem?: string;
  /** Where the optional round trip reads the sent event back; absent fields default to the send endpoint. */
  readonly readBack?: ReadBackSettings;
}

/**
 * A consumer endpoint: an Event Hubs consumer group, or a Fabric Eventstream custom-endpoint
 * *destination* (its own namespace, es_… hub, GUID-named consumer group and key, or Entra).
 */
export interface ReadBackSettings {
  /** Default: the send endpoint's namespace. */
  readonly namespace?: string;
  /** Default: the send endpoint's event hub. */
  readonly eventHubName?: string;
  /** Default `$Default`. */
  readonly consumerGroup?: string;
  /** Default: the send endpoint's auth (with Entra, the stage-4 token, which then needs Listen too). */
  readonly auth?: EndpointAuth;
  /** How long to wait for the event, seconds (default 30). */
  readonly timeoutSeconds?: number;
}

export interface KeyVaultSettings {
  /** https://{vault}.vault.azure.net (or the cloud's suffix); loopback allowed for the sandbox. */
  readonly vaultUrl: string;
  readonly auth: KeyVaultAuth;
  /** The secret holding the pipeline service principal's client id. */
  readonly clientIdSecret: SecretReference;
  /** The secret holding the pipeline service principal's client secret *value*. */
  readonly clientSecretSecret: SecretReference;
}

/** How the Key Vault token is obtained (stage 1). */
export type KeyVaultAuth =
  | {
      readonly kind: 'servicePrincipal';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /**
       * `pipeline`: the raw v1 POST /{tenant}/oauth2/token exactly as the Web activity sends it.
       * `sdk`: @azure/identity ClientSecretCredential (MSAL, v2 endpoint).
       */
      readonly tokenRequest?: TokenRequestStyle;
    }
  | { readonly kind: 'azureCli'; readonly tenantId?: string }
  /** The editor's signed-in Microsoft account, handed in as a TokenProvider. */
  | { readonly kind: 'signedInUser'; readonly tenantId?: string };

export type TokenRequestStyle = 'pipeline' | 'sdk';

export interface SecretReference {
  /** ^[0-9a-zA-Z-]{1,127}$ */
  readonly name: string;
  /** 32 hex characters; absent means latest. */
  readonly version?: string;
}

/** Stage 4: the Event Hubs token the pipeline requests with the two values read from Key Vault. */
export interface EventHubsTokenSettings {
  /** The tenant of the pipeline's service principal. */
  readonly tenantId: string;
  /** v1 sends `resource=https://eventhubs.azure.net` (like the pipeline); v2 sends `scope=…/.default`. */
  readonly endpointVersion: 'v1' | 'v2';
}

export interface EndpointSettings {
  /** Namespace FQDN, e.g. eventstream-1234abcd.servicebus.windows.net (host[:port] for loopback). */
  readonly namespace: string;
  /** Event hub name, e.g. es_… for a Fabric custom endpoint. */
  readonly eventHubName: string;
  readonly auth: EndpointAuth;
  readonly protocol: SendProtocol;
  /** AMQP transport: TLS on 5671, or WebSockets on 443 (firewalls, custom CAs). */
  readonly amqpTransport?: 'tcp' | 'websockets';
}

export type SendProtocol = 'rest' | 'amqp';

export type EndpointAuth =
  /** Entra ID with the client id and secret read from Key Vault: the secure flow. */
  | { readonly kind: 'entra' }
  | { readonly kind: 'sas'; readonly keyName: string; readonly key: string }
  /** Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=… (Fabric's es_… form too). */
  | { readonly kind: 'connectionString'; readonly connectionString: string };
