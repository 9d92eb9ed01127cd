// Links and texts that more than one service's entries quote.

export const aadsts = (n: number): string => `https://login.microsoftonline.com/error?code=${n}`;
export const DOCS = {
  entraCodes: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
  clientCreds: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
  nationalClouds: 'https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud',
  identityTroubleshoot: 'https://learn.microsoft.com/azure/developer/javascript/sdk/authentication/overview',
  azureCli: 'https://learn.microsoft.com/cli/azure/install-azure-cli',
  kvErrors: 'https://learn.microsoft.com/azure/key-vault/general/rest-error-codes',
  kvRbac: 'https://learn.microsoft.com/azure/key-vault/general/rbac-guide',
  kvPolicy: 'https://learn.microsoft.com/azure/key-vault/general/assign-access-policy',
  kvNetwork: 'https://learn.microsoft.com/azure/key-vault/general/network-security',
  kvAccess: 'https://learn.microsoft.com/azure/key-vault/general/troubleshooting-access-issues',
  kvThrottling: 'https://learn.microsoft.com/azure/key-vault/general/overview-throttling',
  kvGetSecret: 'https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret',
  kvRecovery: 'https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery',
  adfKeyVault: 'https://learn.microsoft.com/azure/data-factory/how-to-use-azure-key-vault-secrets-pipeline-activities',
  ehEntra: 'https://learn.microsoft.com/azure/event-hubs/authorize-access-azure-active-directory',
  ehSas: 'https://learn.microsoft.com/azure/event-hubs/authenticate-shared-access-signature',
  ehSend: 'https://learn.microsoft.com/rest/api/eventhub/send-event',
  ehQuotas: 'https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas',
  ehExceptions: 'https://learn.microsoft.com/azure/event-hubs/event-hubs-messaging-exceptions',
  ehTroubleshoot: 'https://learn.microsoft.com/azure/event-hubs/troubleshooting-guide',
  fabricCustomApp: 'https://learn.microsoft.com/fabric/real-time-intelligence/event-streams/add-source-custom-app',
  fabricEntra: 'https://learn.microsoft.com/fabric/real-time-intelligence/event-streams/custom-endpoint-entra-id-auth',
  fabricSpSetting: 'https://learn.microsoft.com/fabric/admin/service-admin-portal-developer',
  nodeErrors: 'https://nodejs.org/api/errors.html#common-system-errors',
  nodeExtraCa: 'https://nodejs.org/api/cli.html#node_extra_ca_certsfile',
} as const;


export const FABRIC_ENTRA_FIX =
  'Fabric Eventstream custom endpoint: (1) a Fabric admin enables the tenant setting "Service principals can call Fabric public APIs" (Admin portal → Tenant settings → Developer settings) for this principal or a group it is in; (2) in the workspace, Manage access → add the pipeline service principal as Contributor (or higher). Azure Event Hubs namespace instead: assign "Azure Event Hubs Data Sender" on the event hub or namespace. Either change can take a few minutes to apply.';
export const SAS_SEND_FIX =
  'Use a SAS policy that has the Send right: in Fabric, the custom endpoint\'s SAS Key Authentication keys; in Event Hubs, add a policy with only Send on the event hub (Shared access policies → Add → Send). A send-only policy is enough: the namespace root key (RootManageSharedAccessKey, Manage) is not needed and should not be used.';

