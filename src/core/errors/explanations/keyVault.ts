// The explanation table's Key Vault entries (stages 2 and 3).
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { DOCS } from './docs';


export const KEY_VAULT_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
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
};
