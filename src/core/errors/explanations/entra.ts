// The explanation table's Entra ID entries (stages 1 and 4) and @azure/identity's (SDK, Azure CLI, signed-in user).
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { aadsts, DOCS } from './docs';

/** Where the secret behind each token request comes from, for stage-aware wording. */
const KV_READER = 'the Key Vault reader in this profile (the tenant, client id and client secret stage 1 uses)';
const PIPELINE_SP = 'the pipeline service principal (the client id and secret stages 2 and 3 read from Key Vault)';

export const ENTRA_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
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
    // The stage knew the secret it sent starts or ends with whitespace (flow/stages/secretShape.ts):
    // Entra compares the secret exactly, and its answer does not say why it refused.
    byDetail: [
      {
        detail: 'secretWhitespace',
        summary: 'Entra ID rejected the client secret, which {secretWhitespace} (AADSTS7000215).',
        cause: '{secretWhere} {secretWhitespace}. Entra ID compares a client secret exactly, so that character alone makes a right value wrong; a value copied from a file or written with echo often ends with a line break.',
        fix: "Remove the whitespace from {secretWhere} and rerun (a Key Vault secret: store a new version without it, e.g. az keyvault secret set --name <name> --value '<value>').",
      },
    ],
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
};
