import type { StageId } from '../flow/types';
import { STAGE_TITLES } from '../flow/types';
import { redact } from '../logging/redact';
import type { ErrorSource, ExplainedError, Explanation, ParsedError } from './errors';
import { isValidationError } from './errors';
import type { EndpointAuthKind, ParseContext } from './parseError';
import { isTlsCode, parseError } from './parseError';

/** The texts of an entry; `{name}` in a `byDetail` variant's text is replaced by that detail of the parsed error. */
export interface ExplanationTexts {
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly docsUrl: string;
}

/** A variant that applies when the parsed error carries `detail` (and it matches `matches`, if given). */
export interface DetailVariant extends Partial<ExplanationTexts> {
  readonly detail: string;
  readonly matches?: RegExp;
}

/**
 * What the table holds for a code. Overrides apply in this order, each over the last:
 * `byStage` (the same code means different things per stage), `byEndpointAuth` (Entra ID and SAS
 * endpoints are fixed differently), then every matching `byDetail` variant (the service's answer
 * names the specifics, e.g. the IP a firewall saw).
 */
export interface ExplanationEntry extends ExplanationTexts {
  readonly byStage?: Partial<Record<StageId, Partial<ExplanationTexts>>>;
  readonly byEndpointAuth?: Partial<Record<EndpointAuthKind, Partial<ExplanationTexts>>>;
  readonly byDetail?: readonly DetailVariant[];
}

const aadsts = (n: number): string => `https://login.microsoftonline.com/error?code=${n}`;
const DOCS = {
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

/** What Fabric needs before a service principal may send to a custom endpoint with Entra ID (wire facts §6). */
const FABRIC_ENTRA_FIX =
  'Fabric Eventstream custom endpoint: (1) a Fabric admin enables the tenant setting "Service principals can call Fabric public APIs" (Admin portal → Tenant settings → Developer settings) for this principal or a group it is in; (2) in the workspace, Manage access → add the pipeline service principal as Contributor (or higher). Azure Event Hubs namespace instead: assign "Azure Event Hubs Data Sender" on the event hub or namespace. Either change can take a few minutes to apply.';
const SAS_SEND_FIX =
  'Use a SAS policy that has the Send right: in Fabric, the custom endpoint\'s SAS Key Authentication keys; in Event Hubs, add a policy with only Send on the event hub (Shared access policies → Add → Send). A send-only policy is enough: the namespace root key (RootManageSharedAccessKey, Manage) is not needed and should not be used.';

/** DNS: the host of the stage that failed, and where to correct it (ENOTFOUND and EAI_AGAIN alike). */
const DNS_FIX_BY_STAGE: ExplanationEntry['byStage'] = {
  keyVaultToken: { fix: "Check the profile's cloud and authority host: the login host could not be resolved." },
  readClientId: { fix: 'Check the vault URL (https://<vault>.vault.azure.net for public Azure) and the profile cloud.' },
  readClientSecret: { fix: 'Check the vault URL (https://<vault>.vault.azure.net for public Azure) and the profile cloud.' },
  eventHubsToken: { fix: "Check the profile's cloud and authority host: the login host could not be resolved." },
  send: { fix: 'Check the namespace (eventstream-xxxxxxxx.servicebus.windows.net for Fabric) and the profile cloud.' },
  probe: { fix: 'Check the namespace (eventstream-xxxxxxxx.servicebus.windows.net for Fabric) and the profile cloud.' },
};

/** Where the secret behind each token request comes from, for stage-aware wording. */
const KV_READER = 'the Key Vault reader in this profile (the tenant, client id and client secret stage 1 uses)';
const PIPELINE_SP = 'the pipeline service principal (the client id and secret stages 2 and 3 read from Key Vault)';

const UNKNOWN_ENTRY: ExplanationEntry = {
  summary: 'Something went wrong.',
  cause: 'An unexpected error occurred.',
  fix: 'Open the log for the full error and cause chain.',
  docsUrl: DOCS.adfKeyVault,
};

/**
 * The ONE explanation table: code → cause and remedy for this flow. Codes come from `parseError`
 * (AADSTS numbers, Key Vault inner codes, Event Hubs detail prefixes, AMQP codes, errno).
 */
export const EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  // --- Entra ID (stages 1 and 4) -------------------------------------------------------------
  AADSTS7000215: {
    summary: 'Entra ID rejected the client secret (AADSTS7000215).',
    cause: 'The client secret sent with the token request is not a valid secret of that app registration.',
    fix: 'Use the secret *value* (shown once when it is created), not its Secret ID, and check it belongs to the same app registration.',
    docsUrl: aadsts(7000215),
    byStage: {
      keyVaultToken: {
        summary: 'The Key Vault reader client secret in this profile is wrong (AADSTS7000215).',
        cause: `Entra ID rejected the client secret of ${KV_READER}.`,
        fix: 'Edit the profile and paste the client secret *value* of the reader app (Certificates & secrets → Value column, not Secret ID); create a new secret if the value is lost.',
      },
      eventHubsToken: {
        summary: 'The client secret stored in Key Vault is wrong (AADSTS7000215).',
        cause: `Key Vault returned a secret, but Entra ID rejected it as the client secret of ${PIPELINE_SP}. Usually the Secret ID (a GUID) was stored instead of the secret value, or the value belongs to another app.`,
        fix: "Store the client secret *value* in the Key Vault secret the pipeline reads (az keyvault secret set --name <client-secret-name> --value '<value>'), then rerun.",
      },
    },
  },
  AADSTS7000222: {
    summary: 'The client secret has expired (AADSTS7000222).',
    cause: 'The app registration still knows this secret, but its expiry date has passed.',
    fix: 'Create a new client secret in the app registration (Certificates & secrets) and put its value where the flow reads it.',
    docsUrl: aadsts(7000222),
    byStage: {
      keyVaultToken: { fix: 'Create a new client secret for the Key Vault reader app and update this profile with its value.' },
      eventHubsToken: {
        fix: "Create a new client secret for the pipeline's app registration and store its *value* as a new version of the Key Vault secret the pipeline reads; the pipeline picks up the latest version.",
      },
    },
  },
  AADSTS7000218: {
    summary: 'The token request had no client secret (AADSTS7000218).',
    cause: 'Entra ID received a client_credentials request without client_secret or client_assertion, i.e. the secret was empty.',
    fix: 'Make sure a non-empty client secret is sent.',
    docsUrl: aadsts(7000218),
    byStage: {
      keyVaultToken: { fix: 'Enter the Key Vault reader client secret in the profile.' },
      eventHubsToken: { fix: 'The client secret read from Key Vault was empty: check the secret has a value and that the profile reads the right secret name.' },
    },
  },
  AADSTS700016: {
    summary: 'No app with this client id exists in the tenant (AADSTS700016).',
    cause: 'The client id is not an application in the tenant the request was sent to: a typo, the wrong tenant, or client id and tenant id swapped.',
    fix: 'Copy the Application (client) ID and Directory (tenant) ID from the same app registration overview page.',
    docsUrl: aadsts(700016),
    byStage: {
      keyVaultToken: {
        fix: "Check the Key Vault reader's client id and tenant id in the profile: both come from the same app registration's Overview page (Application (client) ID and Directory (tenant) ID); a client id equal to the tenant id means the two were swapped.",
      },
      eventHubsToken: {
        cause: `The client id of ${PIPELINE_SP} is not an app in the tenant the Event Hubs token was requested from.`,
        fix: "Check the Key Vault secret holding the client id contains the pipeline app's Application (client) ID, and that the profile's Event Hubs tenant is that app's tenant.",
      },
    },
  },
  AADSTS90002: {
    summary: 'The tenant was not found (AADSTS90002).',
    cause: 'The tenant id does not exist in this cloud: a typo in the GUID, a deleted tenant, or a tenant that lives in a sovereign cloud.',
    fix: "Copy the Directory (tenant) ID from the app registration's Overview page, and pick the profile's cloud (public, China, US Gov) the tenant belongs to.",
    docsUrl: aadsts(90002),
  },
  AADSTS900023: {
    summary: 'The tenant id is malformed (AADSTS900023).',
    cause: 'The tenant segment of the token URL is neither a GUID nor a domain, e.g. an unresolved {{tenantId}} placeholder, "undefined", or a whole URL.',
    fix: 'Enter only the tenant GUID (or its domain, e.g. contoso.onmicrosoft.com), not a URL or a pipeline expression.',
    docsUrl: aadsts(900023),
  },
  AADSTS90038: {
    summary: 'The tenant belongs to a national cloud (AADSTS90038).',
    cause: 'The request went to the public login.microsoftonline.com, but the tenant is in Azure US Government or Azure China.',
    fix: "Change the profile's cloud to the tenant's cloud so the matching authority host, vault suffix and namespace suffix are used.",
    docsUrl: aadsts(90038),
  },
  AADSTS500011: {
    summary: 'Entra ID does not know the requested resource (AADSTS500011).',
    cause: 'The resource in the token request is not a service principal in the tenant: a typo, or a v2 scope ending in /.default sent as a v1 `resource`.',
    fix: 'With the v1 endpoint send resource=https://vault.azure.net or https://eventhubs.azure.net (no /.default, no trailing slash); with v2 send scope=<resource>/.default.',
    docsUrl: aadsts(500011),
    byStage: {
      keyVaultToken: {
        fix: 'Request the Key Vault token for resource https://vault.azure.net (v1) or scope https://vault.azure.net/.default (v2); never "…/.default" as a v1 resource.',
      },
      eventHubsToken: {
        fix: 'Request the Event Hubs token for resource https://eventhubs.azure.net (v1) or scope https://eventhubs.azure.net/.default (v2). The error "https://eventhubs.azure.net/.default was not found" means /.default was sent to the v1 endpoint: switch the profile to v2 or drop /.default.',
      },
    },
    byDetail: [
      {
        detail: 'resource',
        matches: /\/\.default$/i,
        summary: 'A v2 scope (…/.default) was sent as a v1 resource (AADSTS500011).',
        cause:
          'The token request sent resource={resource} to the v1 endpoint (/oauth2/token). /.default belongs to v2 scopes only; as a v1 resource Entra ID looks for a service principal literally named {resource} and finds none.',
        fix: 'Drop /.default for the v1 endpoint: resource={resourceWithoutDefault}. Or use the v2 endpoint (/oauth2/v2.0/token) with scope={resourceWithoutDefault}/.default.',
      },
    ],
  },
  AADSTS70011: {
    summary: 'The requested scope is invalid (AADSTS70011).',
    cause: 'The v2 scope is not a client-credentials scope, e.g. a specific permission instead of <resource>/.default, or scopes for two resources.',
    fix: 'Request exactly one scope of the form <resource>/.default.',
    docsUrl: aadsts(70011),
  },
  AADSTS1002012: {
    summary: 'Client-credentials scopes must end in /.default (AADSTS1002012).',
    cause: 'The v2 token request sent a scope without the /.default suffix.',
    fix: 'Send scope=https://vault.azure.net/.default (Key Vault) or https://eventhubs.azure.net/.default (Event Hubs), or use the v1 endpoint with `resource`.',
    docsUrl: aadsts(1002012),
  },
  AADSTS901002: {
    summary: "The v2 endpoint does not accept 'resource' (AADSTS901002).",
    cause: 'A v1-style `resource` parameter was sent to the /oauth2/v2.0/ endpoint.',
    fix: 'Either post to /{tenant}/oauth2/token with resource=…, or to /{tenant}/oauth2/v2.0/token with scope=<resource>/.default.',
    docsUrl: aadsts(901002),
  },
  AADSTS900144: {
    summary: 'The token request is missing a required field (AADSTS900144).',
    cause: 'Entra ID did not find a field such as grant_type in the form body: the body was JSON, or the fields were in the query string.',
    fix: 'POST a form-encoded body (Content-Type: application/x-www-form-urlencoded) with grant_type=client_credentials, client_id, client_secret and resource (v1) or scope (v2).',
    docsUrl: aadsts(900144),
  },
  AADSTS9001023: {
    summary: 'Client credentials are not allowed on /common or /consumers (AADSTS9001023).',
    cause: 'The token request used a multi-tenant authority instead of a specific tenant.',
    fix: 'Use the tenant id (GUID) or the tenant domain in the profile, never common, consumers or organizations.',
    docsUrl: aadsts(9001023),
  },
  AADSTS50034: {
    summary: 'The signed-in account does not exist in this tenant (AADSTS50034).',
    cause: 'Only the signed-in-user path reaches this: the account used to read Key Vault is not a member or guest of the tenant.',
    fix: "Sign in with an account of the vault's tenant, or set the tenant in the profile to one the account belongs to.",
    docsUrl: aadsts(50034),
  },
  AADSTS50076: {
    summary: 'Multi-factor authentication is required (AADSTS50076).',
    cause: 'The signed-in user must complete MFA for this resource; a silent token request cannot do that.',
    fix: 'Sign in again interactively (VS Code Accounts menu, or az login --tenant <tenant> --scope https://vault.azure.net/.default).',
    docsUrl: aadsts(50076),
  },
  AADSTS53003: {
    summary: 'Conditional Access blocked the sign-in (AADSTS53003).',
    cause: 'A Conditional Access policy denies this user, device or location (policies can also target workload identities).',
    fix: 'Ask the tenant admin which policy applies (Sign-in logs → Conditional Access) or use a compliant device/network.',
    docsUrl: aadsts(53003),
  },
  AADSTS700027: {
    summary: 'Entra ID rejected the client assertion (AADSTS700027).',
    cause: 'A certificate credential was used and the signed assertion does not match a certificate registered on the app (wrong certificate, expired, or wrong thumbprint).',
    fix: "Upload the certificate's public key to the app registration (Certificates & secrets → Certificates), or use a client secret value instead.",
    docsUrl: aadsts(700027),
  },
  AADSTS70003: {
    summary: 'Entra ID does not support this grant type here (AADSTS70003).',
    cause: 'The token request used a grant_type other than client_credentials.',
    fix: 'Send grant_type=client_credentials in the form body, as the pipeline Web activity does.',
    docsUrl: aadsts(70003),
  },
  EntraUnavailable: {
    summary: 'Entra ID is temporarily unavailable.',
    cause: 'Entra ID answered temporarily_unavailable (a transient service problem).',
    fix: 'Retry in a moment; if it persists, check the Azure status page.',
    docsUrl: DOCS.entraCodes,
  },
  AADSTS50196: {
    summary: 'Entra ID detected a request loop (AADSTS50196).',
    cause: 'The same token was requested too many times in a short period.',
    fix: 'Wait a minute and retry; reuse tokens until they expire instead of requesting one per event (this extension caches tokens unless the cache is bypassed).',
    docsUrl: aadsts(50196),
  },
  AADSTS65001: {
    summary: 'Consent is missing for the signed-in user (AADSTS65001).',
    cause: 'The app used to sign in has not been granted consent for Key Vault in this tenant.',
    fix: 'Sign in again and accept the consent prompt, or ask an admin to grant consent.',
    docsUrl: aadsts(65001),
  },
  EntraThrottled: {
    summary: 'Entra ID is throttling token requests.',
    cause: 'Too many token requests were sent in a short time.',
    fix: 'Wait for the Retry-After period and reuse cached tokens.',
    docsUrl: DOCS.entraCodes,
  },
  EntraError: {
    summary: 'Entra ID refused the token request.',
    cause: 'Entra ID answered with an error this extension has no specific advice for.',
    fix: 'Look up the AADSTS code in the message on the linked page; check the tenant id, client id and secret.',
    docsUrl: DOCS.entraCodes,
  },
  // --- @azure/identity (SDK, Azure CLI, signed-in user) ----------------------------------------
  AzureCliNotFound: {
    summary: 'The Azure CLI was not found.',
    cause: 'The profile reads Key Vault with Azure CLI credentials, but `az` is not installed or not on PATH.',
    fix: 'Install the Azure CLI, run az login, and restart VS Code so it sees the new PATH.',
    docsUrl: DOCS.azureCli,
  },
  AzureCliLoginRequired: {
    summary: 'The Azure CLI is not signed in.',
    cause: 'The profile reads Key Vault with Azure CLI credentials, and no CLI login is available for that tenant.',
    fix: 'Run az login --tenant <tenant id> (and az account show to check), then retry.',
    docsUrl: DOCS.azureCli,
  },
  TenantNotAllowed: {
    summary: 'The credential refused a token for another tenant.',
    cause: "The vault's 401 challenge named a tenant different from the credential's, and the credential is not allowed to cross tenants.",
    fix: "Set the profile's tenant to the vault's tenant (the one in the Key Vault challenge).",
    docsUrl: DOCS.identityTroubleshoot,
  },
  CredentialUnavailableError: {
    summary: 'No credential was available to get a token.',
    cause: 'The chosen credential cannot run here (missing settings, no sign-in, or an unreachable authority).',
    fix: 'Check the profile has a tenant, client id and secret (or sign in), and that the authority host is reachable.',
    docsUrl: DOCS.identityTroubleshoot,
  },
  IdentityError: {
    summary: 'Getting a token failed.',
    cause: 'The identity library reported an error without an Entra error code.',
    fix: 'Read the message and the log; check the tenant, credentials and network.',
    docsUrl: DOCS.identityTroubleshoot,
  },
  // --- Key Vault (stages 2 and 3) --------------------------------------------------------------
  AKV10000: {
    summary: 'Key Vault received no token (AKV10000).',
    cause: 'The request reached Key Vault without a usable Authorization header.',
    fix: 'Send Authorization: Bearer <token from stage 1>; if the token came from Entra, check it was not empty.',
    docsUrl: DOCS.kvErrors,
  },
  AKV10022: {
    summary: 'The Key Vault token has the wrong audience (AKV10022).',
    cause: 'The stage-1 token was issued for another resource: https://vault.azure.net/ with a trailing slash, the vault-specific host (https://<vault>.vault.azure.net), or the management API.',
    fix: 'Request the token for exactly resource=https://vault.azure.net (v1, no trailing slash) or scope=https://vault.azure.net/.default (v2); in sovereign clouds use that cloud\'s vault resource.',
    docsUrl: DOCS.kvErrors,
    byDetail: [
      { detail: 'foundAudience', cause: "The stage-1 token's audience is {foundAudience}; Key Vault accepts only tokens for its own resource, compared exactly." },
      {
        detail: 'foundAudience',
        matches: /^https:\/\/vault\.[a-z.]+\/$/i,
        summary: 'The Key Vault token audience has a trailing slash (AKV10022).',
        cause: "The stage-1 token's audience is {foundAudience}: the vault resource with a trailing slash, which Key Vault rejects (it compares the audience exactly).",
        fix: 'Request the Key Vault token with resource={expectedAudience} (v1, no trailing slash) or scope={expectedAudience}/.default (v2).',
      },
    ],
  },
  AKV10032: {
    summary: "The token comes from a different tenant than the vault's (AKV10032).",
    cause: "Key Vault only accepts tokens issued by the tenant that owns the vault's subscription.",
    fix: "Put the vault's tenant id in the profile (Key Vault's 401 WWW-Authenticate header names it), and make sure the reader app exists in that tenant.",
    docsUrl: DOCS.kvErrors,
    byDetail: [
      {
        detail: 'tokenTenant',
        cause: "The stage-1 token was issued by tenant {tokenTenant}, but Key Vault only accepts tokens issued by the tenant that owns the vault's subscription.",
      },
      {
        detail: 'vaultTenant',
        fix: "Set the Key Vault tenant in the profile to {vaultTenant} (the vault's tenant), and make sure the reader app has a service principal there (a multi-tenant app needs consent in that tenant).",
      },
    ],
  },
  ForbiddenByRbac: {
    summary: 'The Key Vault reader lacks the role "Key Vault Secrets User" (ForbiddenByRbac).',
    cause: "The vault uses Azure RBAC and the identity from stage 1 has no role that allows 'Microsoft.KeyVault/vaults/secrets/getSecret/action' on this vault or secret.",
    fix: 'Assign the role "Key Vault Secrets User" to the reader (app or user) on the vault (Access control (IAM) → Add role assignment), then retry after a few minutes: role assignments take minutes to apply.',
    docsUrl: DOCS.kvRbac,
    byDetail: [
      { detail: 'scope', cause: "The vault uses Azure RBAC and the identity from stage 1 has no role assignment allowing '{action}' on {scope}." },
      {
        detail: 'vaultScope',
        fix: 'Assign the role "Key Vault Secrets User" to the reader on the scope {vaultScope} (the vault; or only the secret), e.g. az role assignment create --role "Key Vault Secrets User" --assignee <reader client id> --scope {vaultScope}. Role assignments take minutes to apply: retry after a few minutes.',
      },
    ],
  },
  AccessDenied: {
    summary: 'The vault access policy does not allow reading secrets (AccessDenied).',
    cause: "The vault uses access policies and the reader's policy lacks the secret Get permission.",
    fix: 'In the vault → Access policies, give the reader (app or user) the secret permission Get (List too, to browse secrets), and save.',
    docsUrl: DOCS.kvPolicy,
  },
  ForbiddenByFirewall: {
    summary: "The vault's firewall blocked this machine (ForbiddenByFirewall).",
    cause: "Key Vault networking allows only selected networks, and this client's public IP is not one of them.",
    fix: "Add this machine's IP (shown in the message as Client address) to the vault's firewall, use a private endpoint, or test from an allowed network. Fabric Key Vault references need public access.",
    docsUrl: DOCS.kvNetwork,
    byDetail: [
      {
        detail: 'clientAddress',
        summary: "The vault's firewall blocked this machine's address {clientAddress} (ForbiddenByFirewall).",
        cause: 'Key Vault networking allows only selected networks, and the vault saw this client at {clientAddress}, which is not one of them (the caller is not a trusted service either).',
        fix: "Add {clientAddress} to the vault's firewall (Networking → Firewalls and virtual networks → IP address or CIDR), use a private endpoint, or run from an allowed network. Behind a proxy or NAT the vault sees that public address, not this machine's. Fabric Key Vault references need public access.",
      },
    ],
  },
  KeyVaultTokenExpired: {
    summary: 'Key Vault refused the token as expired or not yet valid.',
    cause: "The stage-1 token's validity window (nbf to exp) does not include Key Vault's current time: a token cached past its expiry, or this machine's clock is off.",
    fix: "Request a fresh token (Refresh clears the token cache) and check the system clock is synchronised; tokens are valid about an hour.",
    docsUrl: DOCS.kvErrors,
  },
  AKV10046: {
    summary: 'Key Vault could not verify the token signature (AKV10046).',
    cause: 'The token was not signed by a key of the Entra ID instance Key Vault trusts: it comes from another cloud or authority, or it was altered.',
    fix: "Request the token from the authority of the vault's cloud (the profile's cloud), and pass it unchanged.",
    docsUrl: DOCS.kvErrors,
  },
  BadParameter: {
    summary: 'Key Vault rejected a parameter of the request (BadParameter).',
    cause: 'The request URL or body is not valid for Key Vault, e.g. a missing or unknown api-version or an invalid secret name.',
    fix: 'Read the secret with GET {vault}/secrets/{name}[/{version}]?api-version=7.0, as the pipeline does; secret names use letters, digits and - only.',
    docsUrl: DOCS.kvGetSecret,
  },
  ForbiddenByPolicy: {
    summary: 'A vault policy forbids this caller (ForbiddenByPolicy).',
    cause: 'An Azure Policy or vault rule (for example one requiring on-behalf-of tokens) denied the request.',
    fix: 'Ask the vault owner which policy applies; the message names the requirement.',
    docsUrl: DOCS.kvAccess,
  },
  Forbidden: {
    summary: 'Key Vault refused the request (403).',
    cause: 'The reader authenticated but is not allowed to read this secret (RBAC role or access policy missing).',
    fix: 'Give the reader "Key Vault Secrets User" (RBAC vault) or the secret Get permission (access-policy vault).',
    docsUrl: DOCS.kvAccess,
  },
  SecretNotFound: {
    summary: 'The secret does not exist in this vault (SecretNotFound).',
    cause: 'No secret with this name (and version, if set) exists in the vault, or it was deleted.',
    fix: 'Check the secret name and version in the profile against the vault (names are case-insensitive, letters, digits and - only); recover it if it was soft-deleted.',
    docsUrl: DOCS.kvGetSecret,
    byStage: {
      readClientId: { fix: "Check the name of the secret holding the pipeline's client id (profile → Key Vault → client id secret), and its version if pinned." },
      readClientSecret: { fix: "Check the name of the secret holding the pipeline's client secret value (profile → Key Vault → client secret secret), and its version if pinned." },
    },
  },
  SecretDisabled: {
    summary: 'The secret (version) is disabled (SecretDisabled).',
    cause: 'Key Vault does not return disabled secret versions.',
    fix: 'Enable the version in the vault, or point the profile at an enabled version (leave the version empty to use the latest).',
    docsUrl: DOCS.kvGetSecret,
  },
  SecretExpired: {
    summary: 'The secret has expired.',
    cause: "The secret's expiration date (exp) has passed; the pipeline would use a stale value.",
    fix: 'Add a new version with the current value and a later expiry, or update the expiration date.',
    docsUrl: DOCS.kvGetSecret,
  },
  Throttled: {
    summary: 'Key Vault is throttling requests (429).',
    cause: 'Too many requests reached the vault in a short time (the per-vault limit is about 4,000 requests per 10 seconds, lower for some operations).',
    fix: 'Wait for the Retry-After period, then retry; read secrets once per run rather than per event.',
    docsUrl: DOCS.kvThrottling,
  },
  KeyVaultError: {
    summary: 'Key Vault returned an error.',
    cause: 'Key Vault answered with an error this extension has no specific advice for.',
    fix: 'Read the code and message, and check the vault URL, the secret name and the reader permissions.',
    docsUrl: DOCS.kvErrors,
  },
  // --- Event Hubs / Eventstream, REST (stage 5) ------------------------------------------------
  InvalidAudience: {
    summary: 'The Event Hubs token has the wrong audience (InvalidAudience).',
    cause: 'An Entra token was not issued for https://eventhubs.azure.net, or a SAS token was signed for another namespace or hub (`sr`).',
    fix: 'For Entra, request resource=https://eventhubs.azure.net (v1) or scope https://eventhubs.azure.net/.default (v2). For SAS, sign sr=sb://<namespace>/<event hub> with the namespace and hub you send to.',
    docsUrl: DOCS.ehEntra,
  },
  InvalidSignature: {
    summary: 'The SAS signature is invalid (InvalidSignature).',
    cause: 'The SAS token was signed with the wrong key, for another key name (skn), or for a different `sr` than the endpoint expects.',
    fix: "Copy the primary key and key name again from the custom endpoint's Keys page (Fabric key names look like key_…), and make sure sr is sb://<namespace>/<event hub>.",
    docsUrl: DOCS.ehSas,
  },
  ExpiredToken: {
    summary: 'The token sent to Event Hubs has expired (ExpiredToken).',
    cause: "The Entra or SAS token's expiry is in the past, or this machine's clock is wrong.",
    fix: 'Request a fresh token (clear the token cache) and check the system clock; SAS tokens need a future se=.',
    docsUrl: DOCS.ehSas,
  },
  MissingSendClaim: {
    summary: "The identity may not send to this event hub ('Send' claim missing).",
    cause: 'The token is valid but carries no Send permission for this entity.',
    byEndpointAuth: {
      entra: {
        summary: "The pipeline service principal may not send to this endpoint ('Send' claim missing).",
        cause: 'The Entra ID token is valid, but the service principal has no Send permission on the event hub: for a Fabric custom endpoint it is not Contributor on the workspace, or service principals may not use Fabric APIs in this tenant.',
        fix: FABRIC_ENTRA_FIX,
        docsUrl: DOCS.fabricEntra,
      },
      sas: {
        summary: "The SAS policy has no Send right ('Send' claim missing).",
        cause: 'The SAS key is valid, but its policy does not include Send (e.g. a Listen-only policy).',
        fix: SAS_SEND_FIX,
        docsUrl: DOCS.ehSas,
      },
      connectionString: {
        summary: "The connection string's SAS policy has no Send right ('Send' claim missing).",
        cause: "The connection string's key is valid, but its policy (SharedAccessKeyName) does not include Send (e.g. a Listen-only policy).",
        fix: SAS_SEND_FIX,
        docsUrl: DOCS.ehSas,
      },
    },
    fix: 'Fabric Eventstream: add the pipeline service principal as Contributor (or higher) on the workspace (Manage access), and have a tenant admin enable "Service principals can call Fabric public APIs". Azure Event Hubs: assign "Azure Event Hubs Data Sender" on the hub or namespace (propagation takes up to 5 minutes). SAS: use a policy with Send.',
    docsUrl: DOCS.fabricEntra,
  },
  EventHubsUnauthorized: {
    summary: 'The endpoint rejected the credentials (401).',
    cause: 'The token or SAS was not accepted; the response gave no more detail.',
    fix: 'With Entra, check the token resource is https://eventhubs.azure.net and the principal has send rights; with SAS, recopy the key name and key.',
    docsUrl: DOCS.ehSend,
    byEndpointAuth: {
      entra: { fix: `Check the Event Hubs token was requested for https://eventhubs.azure.net, then the send rights. ${FABRIC_ENTRA_FIX}`, docsUrl: DOCS.fabricEntra },
      sas: { fix: `Recopy the SAS key name and key; check the policy has Send. ${SAS_SEND_FIX}`, docsUrl: DOCS.ehSas },
      connectionString: { fix: `Recopy the connection string; check its policy has Send. ${SAS_SEND_FIX}`, docsUrl: DOCS.ehSas },
    },
  },
  EventHubsForbidden: {
    summary: 'The endpoint refused the send (403).',
    cause: 'The gateway answers 403 for quota exceeded or a message too large, and for principals without send rights.',
    fix: 'Check the event is under 1 MB and the namespace is not over quota; then check the Send permission (Fabric workspace Contributor, or "Azure Event Hubs Data Sender").',
    docsUrl: DOCS.ehQuotas,
    byEndpointAuth: {
      entra: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the send rights. ${FABRIC_ENTRA_FIX}` },
      sas: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the policy's rights. ${SAS_SEND_FIX}` },
      connectionString: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the policy's rights. ${SAS_SEND_FIX}` },
    },
  },
  EntityNotFound: {
    summary: 'The event hub does not exist on this namespace (404/410).',
    cause: 'The event hub name is wrong or the namespace is another one; Fabric custom-endpoint hubs are named es_… and live on eventstream-….servicebus.windows.net.',
    fix: "Copy the Event hub name (es_…) and namespace from the custom endpoint's details (Event hub or Entra ID tab).",
    docsUrl: DOCS.fabricCustomApp,
  },
  MessageTooLarge: {
    summary: 'The event is larger than the endpoint accepts (1 MB).',
    cause: 'Event Hubs Standard/Premium (and Eventstream) reject publications over 1 MB (Basic: 256 KB), headers and properties included.',
    fix: 'Send a smaller event or split the payload into several events.',
    docsUrl: DOCS.ehQuotas,
  },
  EventHubsBadRequest: {
    summary: 'The endpoint rejected the request as malformed (400).',
    cause: 'A header (BrokerProperties, a custom property) or the URL is not valid for Event Hubs.',
    fix: 'Check the partition key, custom property names and values, and the event hub name.',
    docsUrl: DOCS.ehSend,
  },
  EventHubsInternalError: {
    summary: 'The endpoint answered 500.',
    cause: 'Event Hubs REST returns 500 for a malformed SAS token (bad sr encoding or format) as well as for real service errors.',
    fix: 'If you use SAS, check the token format (SharedAccessSignature sr=…&sig=…&se=…&skn=…) and let this extension build it; otherwise retry later.',
    docsUrl: DOCS.ehSas,
  },
  EventHubsRestError: {
    summary: 'The Event Hubs endpoint returned an error.',
    cause: 'The REST endpoint answered with a status this extension has no specific advice for.',
    fix: 'Read the status and detail; try the AMQP protocol to compare.',
    docsUrl: DOCS.ehSend,
  },
  // --- Event Hubs / Eventstream, AMQP (stage 5, probe) -----------------------------------------
  UnauthorizedError: {
    summary: 'The endpoint rejected the credentials on AMQP (UnauthorizedError).',
    cause: 'The CBS put-token was refused: wrong SAS key or name, a token for another audience, or no Send right.',
    fix: "Recheck the SAS key name and key (or the connection string) from the custom endpoint's Keys page; with Entra, give the principal send rights (Fabric workspace Contributor, or \"Azure Event Hubs Data Sender\").",
    docsUrl: DOCS.ehExceptions,
    byEndpointAuth: {
      entra: { fix: `Check the Event Hubs token was requested for https://eventhubs.azure.net, then the send rights. ${FABRIC_ENTRA_FIX}`, docsUrl: DOCS.fabricEntra },
      sas: { fix: `Recopy the SAS key name and key from the endpoint's Keys page. ${SAS_SEND_FIX}` },
      connectionString: { fix: `Recopy the connection string from the endpoint's Keys page. ${SAS_SEND_FIX}` },
    },
  },
  MessagingEntityNotFoundError: {
    summary: 'The event hub was not found (MessagingEntityNotFoundError).',
    cause: 'The namespace exists but has no event hub with this name (AMQP calls it the entity name).',
    fix: "Copy the entity / event hub name (es_…) from the custom endpoint's AMQP or Event hub tab; a connection string's EntityPath wins over the profile.",
    docsUrl: DOCS.fabricCustomApp,
  },
  MessagingEntityDisabledError: {
    summary: 'The event hub is disabled.',
    cause: 'The entity exists but is disabled, or the eventstream (or its source) is paused.',
    fix: 'Enable the event hub, or resume the eventstream and its custom endpoint source.',
    docsUrl: DOCS.ehExceptions,
  },
  MessageTooLargeError: {
    summary: 'The event exceeds the AMQP link maximum size (MessageTooLargeError).',
    cause: "The encoded event (body, properties and annotations) is larger than the link's max-message-size, 1 MB on Standard.",
    fix: 'Send a smaller event or split it.',
    docsUrl: DOCS.ehQuotas,
  },
  ServerBusyError: {
    summary: 'The endpoint is busy or throttling (ServerBusyError / 429).',
    cause: 'The namespace is over its throughput units or the eventstream throughput level.',
    fix: 'Wait (see Retry-After) and retry; for sustained load raise the throughput units or the eventstream throughput setting.',
    docsUrl: DOCS.ehExceptions,
  },
  ServiceUnavailableError: {
    summary: 'The endpoint is temporarily unavailable (503 / ServiceUnavailableError).',
    cause: 'The service (or a network path to it) could not handle the request right now.',
    fix: 'Retry in a minute; if it persists, check Azure status and that the eventstream is running.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  QuotaExceededError: {
    summary: 'A quota was exceeded (QuotaExceededError).',
    cause: 'The namespace hit a limit such as connections, links or throughput.',
    fix: 'Close unused clients, reduce concurrency, or raise the namespace capacity.',
    docsUrl: DOCS.ehQuotas,
  },
  ConnectionForcedError: {
    summary: 'The endpoint closed the AMQP connection (ConnectionForcedError).',
    cause: 'The service or a proxy ended the connection (idle, upgrade, or a refused connection).',
    fix: 'Retry; behind a firewall that blocks port 5671 switch the AMQP transport to WebSockets (443).',
    docsUrl: DOCS.ehTroubleshoot,
  },
  OperationTimeoutError: {
    summary: 'The AMQP operation timed out (OperationTimeoutError).',
    cause: 'The service did not answer in time, often because port 5671 is blocked and the connection hangs.',
    fix: 'Check outbound TCP 5671 (or use AMQP over WebSockets on 443), then retry.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  ServiceCommunicationError: {
    summary: 'Could not communicate with the Event Hubs endpoint (ServiceCommunicationError).',
    cause: 'The namespace host could not be reached: a DNS typo, the wrong cloud suffix, or a blocked network.',
    fix: 'Check the namespace host (eventstream-….servicebus.windows.net) and that ports 5671/443 are open.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  ArgumentError: {
    summary: 'The endpoint rejected an argument (ArgumentError).',
    cause: 'Event Hubs refused a value of the request, e.g. a partition id that does not exist or a partition key that is too long.',
    fix: "Check the partition id against the hub's partitions (probe the endpoint) and keep partition keys to 128 characters.",
    docsUrl: DOCS.ehExceptions,
  },
  MessagingError: {
    summary: 'The AMQP client reported an error.',
    cause: 'The Event Hubs AMQP client failed with an error this extension has no specific advice for.',
    fix: 'Read the message and the log; try the REST protocol to compare.',
    docsUrl: DOCS.ehExceptions,
  },
  // --- Round trip: reading the sent event back from a consumer group (roundTrip.ts) --------------
  MissingListenClaim: {
    summary: "The identity may not read events from this consumer group ('Listen' claim missing).",
    cause: 'The read-back consumer authenticated, but its token or SAS policy carries no Listen right for this event hub.',
    fix: 'Fabric Eventstream: read from a destination custom endpoint with its own key or Entra, and give the principal Contributor on the workspace. Azure Event Hubs: assign "Azure Event Hubs Data Receiver" on the hub or namespace (takes up to 5 minutes), or use a SAS policy with Listen; the send-only policy is right for sending, not for reading back.',
    docsUrl: DOCS.ehEntra,
  },
  ConsumerGroupNotFound: {
    summary: 'The consumer group to read back from does not exist.',
    cause: 'The event hub has no consumer group with this name (names are compared case-insensitively).',
    fix: 'Use $Default or a consumer group listed on the event hub; for a Fabric destination custom endpoint, copy the consumer group from its details (Event hub tab).',
    docsUrl: DOCS.fabricCustomApp,
  },
  ReadBackTimeout: {
    summary: 'The sent event did not come back from the consumer group in time.',
    cause: 'The send was accepted, but no event with this correlation id reached the consumer: the consumer group reads another hub or destination, the eventstream routes or filters the event elsewhere (or is paused), or delivery is slower than the timeout.',
    fix: 'Check that the consumer endpoint is fed by the endpoint you send to (Fabric: the eventstream connects this source to the destination custom endpoint and is running), then retry with a longer --read-back-timeout.',
    docsUrl: DOCS.fabricCustomApp,
  },
  // --- Network and TLS (any stage) -------------------------------------------------------------
  ECONNREFUSED: {
    summary: 'The connection was refused.',
    cause: 'Nothing is listening at that host and port: a stopped local sandbox, a wrong port, or a proxy.',
    fix: 'Check the host and port; for the local sandbox, start it and use the address it prints.',
    docsUrl: DOCS.nodeErrors,
  },
  ENOTFOUND: {
    summary: 'The host name does not exist (DNS).',
    cause: 'DNS has no record for the host: a typo in the vault or namespace name, or the wrong cloud suffix (e.g. .vault.azure.net vs .vault.azure.cn).',
    fix: 'Check the host name and the profile cloud.',
    docsUrl: DOCS.nodeErrors,
    byStage: DNS_FIX_BY_STAGE,
  },
  EAI_AGAIN: {
    summary: 'The host name could not be resolved (DNS).',
    cause:
      'No DNS answer for the host: the DNS server was unreachable (offline, VPN or proxy), or it could not resolve the name, which also happens for a typo in the vault or namespace name or the wrong cloud suffix.',
    fix: 'Check the host name and the profile cloud, then the network connection and DNS, and retry.',
    docsUrl: DOCS.nodeErrors,
    byStage: DNS_FIX_BY_STAGE,
  },
  ECONNRESET: {
    summary: 'The connection was reset.',
    cause: 'The server, a proxy or a firewall closed the connection abruptly (TLS inspection often does this).',
    fix: 'Retry; if it repeats, check proxies and firewalls between this machine and Azure.',
    docsUrl: DOCS.nodeErrors,
  },
  ETIMEDOUT: {
    summary: 'The connection timed out.',
    cause: 'The host did not answer: a firewall drops the traffic or the network is unreachable.',
    fix: 'Check outbound HTTPS (443) and AMQP (5671) access, proxies and VPN, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
  TlsCertificateError: {
    summary: "The server's TLS certificate is not trusted.",
    cause: 'The certificate chain does not lead to a trusted CA: the local sandbox\'s self-signed CA, or a corporate TLS-inspecting proxy.',
    fix: "For the local sandbox, trust its CA (the profile's trusted CA, or NODE_EXTRA_CA_CERTS=<sandbox ca.pem>). For a corporate proxy, add its root CA the same way. Never disable certificate checks.",
    docsUrl: DOCS.nodeExtraCa,
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    summary: "The server's certificate does not match the host name.",
    cause: 'The host you connect to is not among the names in its certificate: a wrong host, an IP address, or a proxy.',
    fix: 'Connect with the host name the certificate was issued for (e.g. localhost for the sandbox, not 127.0.0.1).',
    docsUrl: DOCS.nodeErrors,
  },
  // --- HTTP proxy (the core's CONNECT tunnel, src/core/azure/proxy.ts) ----------------------------
  ProxyAuthenticationRequired: {
    summary: 'The HTTP proxy asked for credentials (407 Proxy Authentication Required).',
    cause: 'The proxy in use (HTTPS_PROXY, or VS Code\'s http.proxy) requires authentication, and none or wrong credentials were given.',
    fix: 'Put the proxy credentials in the proxy URL (http://user:password@proxy:port), or ask your administrator which proxy and account to use.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  ProxyConnectFailed: {
    summary: 'The HTTP proxy could not open a tunnel to the host (CONNECT refused).',
    cause: 'The proxy answered CONNECT with an error (502 Bad Gateway: it cannot reach or resolve the host; 403: its policy blocks the host or port).',
    fix: 'Check the host name, and ask your administrator to allow it through the proxy on port 443; or exclude the host with NO_PROXY / http.noProxy if it is reachable directly.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  ProxyUnreachable: {
    summary: 'The HTTP proxy could not be reached.',
    cause: 'Nothing answered at the proxy address (refused, reset or timed out): a wrong proxy URL or port, or a proxy that is down.',
    fix: 'Check the proxy URL in HTTPS_PROXY (CLI) or http.proxy (VS Code settings), or remove it if this network needs no proxy.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  AmqpTcpUnreachable: {
    summary: 'AMQP over TCP (port 5671) could not connect.',
    cause: 'The connection to port 5671 was refused, reset or timed out: firewalls and proxies often block outbound 5671. The profile pins the TCP transport, so WebSockets on 443 was not tried.',
    fix: "Set the profile's AMQP transport to WebSockets (port 443), or leave it unset to fall back automatically; or ask for outbound TCP 5671 to *.servicebus.windows.net to be opened.",
    docsUrl: DOCS.ehTroubleshoot,
  },
  // --- The core HTTP client's own limits (src/core/azure/http.ts) ---------------------------------
  UnexpectedRedirect: {
    summary: 'The service answered with a redirect, which was not followed.',
    cause:
      "An HTTP 3xx came back instead of the service's answer: a wrong host or cloud in the profile, a captive portal, or a proxy or gateway rewriting requests. Following it would hand the token, SAS or client secret to another host.",
    fix: 'Check the hosts in the profile (authority host, vault URL, namespace) and its cloud, and any proxy between this machine and Azure, then retry.',
    docsUrl: DOCS.nodeErrors,
    byDetail: [{ detail: 'location', summary: 'The service redirected to {location}; the redirect was not followed.' }],
  },
  ResponseTooLarge: {
    summary: 'The service answered with far more data than expected; the answer was not read.',
    cause:
      'The answer exceeded the size limit for this request (4 MiB by default) and the connection was closed. Token, secret and send answers are a few KiB: a larger one comes from something else answering, such as a proxy, a captive portal or a wrong host.',
    fix: 'Check the hosts in the profile and any proxy between this machine and Azure, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
  NetworkError: {
    summary: 'A network error occurred.',
    cause: 'The connection failed before the service answered.',
    fix: 'Check the host name, network access and proxies, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
  // --- The flow itself --------------------------------------------------------------------------
  NotSignedIn: {
    summary: 'Sign in to a Microsoft account in VS Code to read Key Vault with this profile.',
    cause:
      'The profile reads Key Vault as the account signed in to VS Code, and VS Code has no session for it (or, for sovereign clouds, microsoft-sovereign-cloud.environment is not set).',
    fix: 'Run "Sign In to Microsoft for Key Vault…" (or use the Accounts menu), then retry. Or switch the profile to a service principal or the Azure CLI.',
    docsUrl: 'https://code.visualstudio.com/docs/configure/accounts',
  },
  StageTimeout: {
    summary: 'The stage did not finish in time.',
    cause: 'No answer arrived within the stage timeout: the host may be unreachable, blocked by a firewall, or retrying internally.',
    fix: 'Check network access to the host of this stage, then retry or raise the stage timeout in settings.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  Cancelled: {
    summary: 'The run was cancelled.',
    cause: 'The run was cancelled before this stage finished.',
    fix: 'Run it again when ready.',
    docsUrl: DOCS.adfKeyVault,
  },
  ValidationError: {
    summary: 'The profile has an invalid value.',
    cause: 'A value was rejected before anything was sent.',
    fix: 'Correct the named field in the profile.',
    docsUrl: DOCS.adfKeyVault,
  },
  Unknown: UNKNOWN_ENTRY,
};

/** Codes that share an entry: older numbers, status-derived names, errno variants. */
const ALIASES: Readonly<Record<string, string>> = {
  Unauthorized: 'AKV10000',
  AADSTS90014: 'AADSTS900144',
  AADSTS90124: 'AADSTS9001023',
  AADSTS90130: 'AADSTS9001023',
  AADSTS50079: 'AADSTS50076',
  AADSTS50012: 'AADSTS700027',
  AADSTS90055: 'EntraThrottled',
  AADSTS90033: 'EntraUnavailable',
  '40103': 'InvalidSignature',
  '40104': 'InvalidAudience',
  '40105': 'InvalidSignature',
  InvalidIssuer: 'InvalidAudience',
  MalformedToken: 'EventHubsInternalError',
  TooManyRequests: 'Throttled',
  ENETUNREACH: 'ETIMEDOUT',
  EHOSTUNREACH: 'ETIMEDOUT',
  ENETDOWN: 'ETIMEDOUT',
  ESOCKETTIMEDOUT: 'ETIMEDOUT',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  EPIPE: 'ECONNRESET',
  ECONNABORTED: 'ECONNRESET',
};

const FALLBACK_BY_SOURCE: Readonly<Record<ErrorSource, string>> = {
  entra: 'EntraError',
  identity: 'IdentityError',
  keyVault: 'KeyVaultError',
  eventHubsRest: 'EventHubsRestError',
  amqp: 'MessagingError',
  network: 'NetworkError',
  validation: 'ValidationError',
  timeout: 'StageTimeout',
  cancelled: 'Cancelled',
  unknown: 'Unknown',
};

/** The table key that explains `code` (after aliases), or undefined if only the source fallback applies. */
export function explanationKeyFor(code: string): string | undefined {
  if (Object.hasOwn(EXPLANATIONS, code)) {
    return code;
  }
  const alias = ALIASES[code];
  if (alias) {
    return alias;
  }
  if (code !== 'ERR_TLS_CERT_ALTNAME_INVALID' && isTlsCode(code)) {
    return 'TlsCertificateError';
  }
  return undefined;
}

/** What explain needs beyond the error: facts of the run that decide between fixes. */
export interface ExplainContext {
  readonly endpointAuth?: EndpointAuthKind;
}

/** The `byDetail` variants that apply, in table order, with their `{name}` placeholders filled in. */
function detailVariants(entry: ExplanationEntry, details: Readonly<Record<string, string>>): Partial<ExplanationTexts>[] {
  return (entry.byDetail ?? [])
    .filter((variant) => {
      const value = details[variant.detail];
      return value !== undefined && (variant.matches === undefined || variant.matches.test(value));
    })
    .map(({ summary, cause, fix, docsUrl }) => ({
      ...(summary !== undefined ? { summary: interpolate(summary, details) } : {}),
      ...(cause !== undefined ? { cause: interpolate(cause, details) } : {}),
      ...(fix !== undefined ? { fix: interpolate(fix, details) } : {}),
      ...(docsUrl !== undefined ? { docsUrl } : {}),
    }));
}

/** `{name}` → the detail's value (only in `byDetail` variants: other texts may show `{tenant}` literally). */
function interpolate(text: string, details: Readonly<Record<string, string>>): string {
  return text.replace(/(?<!\{)\{([A-Za-z]+)\}(?!\})/g, (whole, name: string) => details[name] ?? whole);
}

/** Cause and remedy for a parsed error, specific to the stage, the endpoint's auth and the service's own specifics. */
export function explain(parsed: ParsedError, stage?: StageId, context: ExplainContext = {}): Explanation {
  const key = explanationKeyFor(parsed.code);
  const fallbackKey = FALLBACK_BY_SOURCE[parsed.source];
  const entry = EXPLANATIONS[key ?? fallbackKey] ?? UNKNOWN_ENTRY;
  const details = parsed.details ?? {};
  const overrides: Partial<ExplanationTexts>[] = [
    (stage ? entry.byStage?.[stage] : undefined) ?? {},
    (context.endpointAuth ? entry.byEndpointAuth?.[context.endpointAuth] : undefined) ?? {},
    ...detailVariants(entry, details),
  ];
  const merged = overrides.reduce<ExplanationTexts>((texts, override) => ({ ...texts, ...override }), {
    summary: entry.summary,
    cause: entry.cause,
    fix: entry.fix,
    docsUrl: entry.docsUrl,
  });
  let { summary, cause, fix, docsUrl } = merged;
  if (!key) {
    // Generic advice: let the service's own words carry the specifics.
    cause = parsed.message && parsed.message !== parsed.code ? `${cause} It said: ${parsed.message}` : cause;
    const aad = /^AADSTS(\d+)$/.exec(parsed.code)?.[1];
    if (aad) {
      summary = `Entra ID refused the token request (${parsed.code}).`;
      docsUrl = aadsts(Number(aad));
    }
  }
  if (parsed.retryAfterSeconds !== undefined) {
    fix = `${fix} The service asked to wait ${parsed.retryAfterSeconds} s.`;
  }
  return { code: parsed.code, summary, cause, fix, docsUrl };
}

/** parse + explain: the single entry point the flow, the CLI and the extension use. */
export function explainError(error: unknown, context: ParseContext = {}): ExplainedError {
  const parsed = parseError(error, context);
  let explanation = explain(parsed, context.stage, context.endpointAuth ? { endpointAuth: context.endpointAuth } : {});
  if (isValidationError(error)) {
    // A ValidationError already says what is wrong and how to fix it.
    const secrets = context.secrets ?? [];
    explanation = {
      ...explanation,
      summary: redact(`${error.field}: ${error.problem}`, secrets),
      cause: redact(error.problem, secrets),
      fix: redact(error.fix, secrets),
    };
  }
  return { ...parsed, ...(context.stage ? { stage: context.stage } : {}), explanation };
}

/** Multi-line text for the log, the CLI and "Show details": summary, stage, cause, fix, docs, details. */
export function formatExplainedError(e: ExplainedError): string {
  const status = e.status !== undefined ? `, HTTP ${e.status}` : '';
  const lines = [`${e.explanation.summary} [${e.code}${status}]`];
  if (e.stage) {
    lines.push(`Stage: ${STAGE_TITLES[e.stage]}`);
  }
  lines.push(`Cause: ${e.explanation.cause}`, `Fix: ${e.explanation.fix}`);
  for (const likely of e.likelyCauses ?? []) {
    lines.push(`Likely cause (${STAGE_TITLES[likely.tokenStage]}, ${likely.claim}): ${likely.reason} Fix: ${likely.fix}`);
  }
  if (e.tried && e.tried.length > 0) {
    lines.push(`Tried: ${e.tried.join('; ')}`);
  }
  if (e.explanation.docsUrl) {
    lines.push(`Docs: ${e.explanation.docsUrl}`);
  }
  if (e.message && e.message !== e.code && !e.explanation.cause.includes(e.message)) {
    lines.push(`Details: ${e.message}`);
  }
  return lines.join('\n');
}
