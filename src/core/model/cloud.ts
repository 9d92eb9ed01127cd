/**
 * The Azure clouds a profile can target. Hosts and audiences come from the wire facts (§8):
 * Key Vault rejects an audience with a trailing slash, so the v1 resources below have none.
 */
export type CloudName = 'public' | 'china' | 'usgov';

export interface Cloud {
  readonly name: CloudName;
  readonly displayName: string;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com */
  readonly authorityHost: string;
  /**
   * Other names of the cloud's Entra instance. MSAL sends requests to the instance's preferred
   * network host, which is not always the authority configured (China: login.chinacloudapi.cn is
   * answered by login.partner.microsoftonline.cn). From MSAL's instance discovery metadata
   * (@azure/msal-common authority/AuthorityMetadata).
   */
  readonly authorityAliases: readonly string[];
  /** DNS suffix of vaults, with its leading dot. */
  readonly keyVaultSuffix: string;
  /** v1 `resource` for Key Vault tokens (v2 scope is this + "/.default"). */
  readonly keyVaultResource: string;
  /** DNS suffix of Event Hubs namespaces, with its leading dot. */
  readonly eventHubsSuffix: string;
  /** v1 `resource` for Event Hubs tokens (v2 scope is this + "/.default"). */
  readonly eventHubsResource: string;
  /**
   * What v1 tokens (the kind Azure resources get) carry as `iss`, before `{tenant}/`. Per cloud:
   * learn.microsoft.com/answers/questions/1190472 (US Government shares the public STS).
   */
  readonly tokenIssuerV1: string;
  /** Provider id for VS Code's built-in Microsoft sign-in. */
  readonly vscodeAuthProvider: 'microsoft' | 'microsoft-sovereign-cloud';
  /**
   * Azure Resource Manager endpoint (no trailing slash). Its token audience is this plus `/`
   * (v2 scope: this + `/.default`); ARM also accepts the older `https://{armLegacyAudienceHost}/`.
   * From Azure CLI `az cloud show` (endpoints.resourceManager, endpoints.management).
   */
  readonly armEndpoint: string;
  readonly armLegacyAudienceHost: string;
  /**
   * Fabric REST API endpoint (no trailing slash), where the cloud has one. Fabric's REST API is
   * documented for the public cloud only (learn.microsoft.com/rest/api/fabric: host
   * api.fabric.microsoft.com); Azure China and US Government have none here.
   */
  readonly fabricApiEndpoint?: string;
}

export const CLOUDS: Readonly<Record<CloudName, Cloud>> = {
  public: {
    name: 'public',
    displayName: 'Azure (public)',
    authorityHost: 'https://login.microsoftonline.com',
    authorityAliases: ['login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
    keyVaultSuffix: '.vault.azure.net',
    keyVaultResource: 'https://vault.azure.net',
    eventHubsSuffix: '.servicebus.windows.net',
    eventHubsResource: 'https://eventhubs.azure.net',
    tokenIssuerV1: 'https://sts.windows.net/',
    vscodeAuthProvider: 'microsoft',
    armEndpoint: 'https://management.azure.com',
    armLegacyAudienceHost: 'management.core.windows.net',
    fabricApiEndpoint: 'https://api.fabric.microsoft.com',
  },
  china: {
    name: 'china',
    displayName: 'Azure China (21Vianet)',
    authorityHost: 'https://login.chinacloudapi.cn',
    authorityAliases: ['login.partner.microsoftonline.cn'],
    keyVaultSuffix: '.vault.azure.cn',
    keyVaultResource: 'https://vault.azure.cn',
    eventHubsSuffix: '.servicebus.chinacloudapi.cn',
    // Docs conflict (wire facts §8); the Event Hubs docs say the resource is the same in every cloud.
    eventHubsResource: 'https://eventhubs.azure.net',
    tokenIssuerV1: 'https://sts.chinacloudapi.cn/',
    vscodeAuthProvider: 'microsoft-sovereign-cloud',
    armEndpoint: 'https://management.chinacloudapi.cn',
    armLegacyAudienceHost: 'management.core.chinacloudapi.cn',
  },
  usgov: {
    name: 'usgov',
    displayName: 'Azure US Government',
    authorityHost: 'https://login.microsoftonline.us',
    authorityAliases: ['login.usgovcloudapi.net'],
    keyVaultSuffix: '.vault.usgovcloudapi.net',
    keyVaultResource: 'https://vault.usgovcloudapi.net',
    eventHubsSuffix: '.servicebus.usgovcloudapi.net',
    eventHubsResource: 'https://eventhubs.azure.net',
    tokenIssuerV1: 'https://sts.windows.net/',
    vscodeAuthProvider: 'microsoft-sovereign-cloud',
    armEndpoint: 'https://management.usgovcloudapi.net',
    armLegacyAudienceHost: 'management.core.usgovcloudapi.net',
  },
};

export function cloudOf(name: CloudName): Cloud {
  return CLOUDS[name];
}
