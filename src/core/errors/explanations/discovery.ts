// The explanation table's entries for discovery: the Fabric REST API (workspaces, eventstreams,
// custom endpoint connections) and Azure Resource Manager (subscriptions, vaults, namespaces).
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';

const FABRIC_DOCS = {
  errors: 'https://learn.microsoft.com/rest/api/fabric/articles/error-codes',
  throttling: 'https://learn.microsoft.com/rest/api/fabric/articles/throttling',
  roles: 'https://learn.microsoft.com/fabric/fundamentals/roles-workspaces',
  identity: 'https://learn.microsoft.com/rest/api/fabric/articles/identity-support',
  spSetting: 'https://learn.microsoft.com/fabric/admin/service-admin-portal-developer',
  connection: 'https://learn.microsoft.com/rest/api/fabric/eventstream/topology/get-eventstream-source-connection',
} as const;
const ARM_DOCS = {
  errors: 'https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors',
  rbac: 'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting',
  throttling: 'https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling',
  apiVersions: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-providers-and-types',
} as const;

export const DISCOVERY_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  // --- Fabric ---------------------------------------------------------------------------------
  InsufficientPrivileges: {
    summary: 'Fabric refused: the signed-in identity lacks the permission this call needs (InsufficientPrivileges).',
    cause:
      "Reading a custom endpoint's connection (its keys) needs read AND write permission on the eventstream: the Contributor, Member or Admin role on its workspace. A Viewer can list the workspace and see the topology, but not the keys.",
    fix: 'Ask a workspace Admin to give you (or the service principal) the Contributor role on the workspace (Workspace → Manage access), or copy the keys from the eventstream\'s custom endpoint in the Fabric portal.',
    docsUrl: FABRIC_DOCS.roles,
  },
  ItemNotFound: {
    summary: 'Fabric has no such item (ItemNotFound).',
    cause: 'The eventstream, source or destination does not exist in that workspace: it was deleted or renamed, or the id belongs to another workspace.',
    fix: 'Refresh the Fabric list and pick it again; if you typed WORKSPACE/EVENTSTREAM/SOURCE, check each name against `eventstream-flow discover fabric`.',
    docsUrl: FABRIC_DOCS.errors,
    byDetail: [{ detail: 'resourceType', cause: 'Fabric found no {resourceType} with that id in the workspace: it was deleted or renamed, or the id belongs to another workspace.' }],
  },
  WorkspaceNotFound: {
    summary: 'Fabric has no such workspace for this identity (WorkspaceNotFound).',
    cause: 'The workspace does not exist, or the identity has no role in it (Fabric hides workspaces you cannot access).',
    fix: 'Ask a workspace Admin to add you (or the service principal) to the workspace; Viewer is enough to list it, Contributor to read custom endpoint keys.',
    docsUrl: FABRIC_DOCS.roles,
  },
  TokenExpired: {
    summary: 'The Fabric token has expired (TokenExpired).',
    cause: 'The access token sent to the Fabric API is past its expiry time.',
    fix: 'Retry: a new token is requested. If it keeps happening, check the computer clock and sign in again.',
    docsUrl: FABRIC_DOCS.errors,
  },
  InvalidToken: {
    summary: 'Fabric rejected the token (InvalidToken).',
    cause: 'The token is not one Fabric accepts: most often it was requested for another resource (its audience is not https://api.fabric.microsoft.com), or it comes from another tenant.',
    fix: 'Request the token with scope https://api.fabric.microsoft.com/.default (v1 resource https://api.fabric.microsoft.com) from the tenant that owns the Fabric workspace.',
    docsUrl: FABRIC_DOCS.identity,
  },
  FabricUnauthorized: {
    summary: 'Fabric refused the caller (Unauthorized).',
    cause: 'The request had no usable token, or the tenant does not let this kind of identity call Fabric APIs.',
    fix: 'Sign in again. For a service principal, a Fabric admin must enable "Service principals can use Fabric APIs" (Admin portal → Tenant settings → Developer settings) for it or a group it is in.',
    docsUrl: FABRIC_DOCS.spSetting,
    byDetail: [
      {
        detail: 'principal',
        summary: 'The tenant does not allow service principals to call Fabric APIs.',
        cause: 'The Fabric tenant setting "Service principals can use Fabric APIs" is off, or does not include this service principal.',
        fix: 'Ask a Fabric admin to enable "Service principals can use Fabric APIs" (Admin portal → Tenant settings → Developer settings) for a security group the service principal is in, or discover as a user (Azure CLI or VS Code sign-in).',
      },
    ],
  },
  FabricInvalidInput: {
    summary: 'Fabric refused the request as invalid.',
    cause: 'Only custom endpoint sources and destinations have a connection (Fabric: "Only custom endpoints sources are supported"); other source types (sample data, Azure Event Hubs…) have none.',
    fix: 'Pick a source or destination of type CustomEndpoint; add a custom endpoint to the eventstream in Fabric if it has none.',
    docsUrl: FABRIC_DOCS.connection,
  },
  FabricInvalidParameter: {
    summary: 'Fabric refused a parameter of the request.',
    cause: 'An id in the request is not in the form Fabric expects (workspace, item and node ids are GUIDs).',
    fix: 'Pick the item from the Fabric list instead of typing its id.',
    docsUrl: FABRIC_DOCS.errors,
  },
  FabricThrottled: {
    summary: 'Fabric is throttling requests (429).',
    cause: 'Too many Fabric API calls were made in a short time by this identity.',
    fix: 'Wait for the time Fabric names (Retry-After), then refresh.',
    docsUrl: FABRIC_DOCS.throttling,
  },
  FabricError: {
    summary: 'The Fabric API refused the request.',
    cause: 'Fabric answered with an error this tool has no specific advice for.',
    fix: 'Read the message below; the request id helps Microsoft support.',
    docsUrl: FABRIC_DOCS.errors,
  },
  // --- Azure Resource Manager ------------------------------------------------------------------
  AuthorizationFailed: {
    summary: 'Azure refused: the identity has no role that allows this read (AuthorizationFailed).',
    cause: 'Listing vaults and Event Hubs namespaces needs a role with read access (Reader or above) on the subscription or resource group.',
    fix: 'Ask a subscription Owner to assign you (or the service principal) the Reader role on the subscription or the resource group, then refresh after a few minutes. You can still type the vault URL and namespace.',
    docsUrl: ARM_DOCS.rbac,
    byDetail: [
      { detail: 'action', cause: "The identity has no role assignment that allows '{action}' there (Reader or above is needed)." },
      { detail: 'scope', fix: 'Ask an Owner of {scope} to assign you (or the service principal) the Reader role there, then refresh after a few minutes. You can still type the vault URL and namespace.' },
    ],
  },
  AuthenticationFailed: {
    summary: 'Azure Resource Manager received no token (AuthenticationFailed).',
    cause: 'The request reached Resource Manager without an Authorization header.',
    fix: 'Sign in again (VS Code accounts or `az login`), then refresh.',
    docsUrl: ARM_DOCS.errors,
  },
  InvalidAuthenticationTokenAudience: {
    summary: 'The Resource Manager token is for the wrong resource (InvalidAuthenticationTokenAudience).',
    cause: "The token was requested for another resource, or for another cloud's Resource Manager.",
    fix: "Request the token for https://management.azure.com/ (v2 scope https://management.azure.com/.default); in Azure China or US Government use that cloud's management endpoint.",
    docsUrl: ARM_DOCS.errors,
  },
  ExpiredAuthenticationToken: {
    summary: 'The Resource Manager token has expired (ExpiredAuthenticationToken).',
    cause: 'The access token is past its expiry time.',
    fix: 'Refresh: a new token is requested. If it keeps happening, check the computer clock and sign in again.',
    docsUrl: ARM_DOCS.errors,
  },
  InvalidAuthenticationToken: {
    summary: 'Resource Manager rejected the token (InvalidAuthenticationToken).',
    cause: 'The token could not be validated: it is malformed or signed by a key Resource Manager does not know.',
    fix: 'Sign in again, then refresh.',
    docsUrl: ARM_DOCS.errors,
  },
  InvalidAuthenticationTokenTenant: {
    summary: "The token comes from a tenant other than the subscription's (InvalidAuthenticationTokenTenant).",
    cause: "Resource Manager only accepts tokens issued by the subscription's tenant.",
    fix: "Sign in to the subscription's tenant (pick the tenant in the account, or `az login --tenant <id>`).",
    docsUrl: ARM_DOCS.errors,
  },
  SubscriptionNotFound: {
    summary: 'Azure has no such subscription for this identity (SubscriptionNotFound).',
    cause: 'The subscription id is wrong, the subscription was moved to another tenant, or it is in another cloud.',
    fix: 'Refresh the subscription list and pick it again.',
    docsUrl: ARM_DOCS.errors,
  },
  ResourceNotFound: {
    summary: 'Azure has no such resource (ResourceNotFound).',
    cause: 'The namespace (or vault) was deleted, renamed or moved to another resource group.',
    fix: 'Refresh the list and pick it again.',
    docsUrl: ARM_DOCS.errors,
  },
  ResourceGroupNotFound: {
    summary: 'Azure has no such resource group (ResourceGroupNotFound).',
    cause: 'The resource group was deleted or renamed, or belongs to another subscription.',
    fix: 'Refresh the subscription and pick the namespace again; its resource group is read from the list.',
    docsUrl: ARM_DOCS.errors,
  },
  MissingApiVersionParameter: {
    summary: 'Resource Manager needs an api-version (MissingApiVersionParameter).',
    cause: 'The request had no ?api-version= query parameter. This is a defect of the tool.',
    fix: 'Report it with the log; meanwhile type the vault URL and namespace.',
    docsUrl: ARM_DOCS.apiVersions,
  },
  NoRegisteredProviderFound: {
    summary: 'Resource Manager does not offer this API version here (NoRegisteredProviderFound).',
    cause: 'The cloud (often a sovereign one) does not support the api-version the tool sent for this resource type.',
    fix: 'Type the vault URL and namespace instead, and report the cloud and message so the tool can use a supported version.',
    docsUrl: ARM_DOCS.apiVersions,
  },
  ArmThrottled: {
    summary: 'Azure Resource Manager is throttling requests (429).',
    cause: 'Too many Resource Manager reads were made in a short time by this identity or tenant.',
    fix: 'Wait for the time Azure names (Retry-After), then refresh.',
    docsUrl: ARM_DOCS.throttling,
  },
  ArmError: {
    summary: 'Azure Resource Manager refused the request.',
    cause: 'Resource Manager answered with an error this tool has no specific advice for.',
    fix: 'Read the message below, then refresh; you can still type the vault URL and namespace.',
    docsUrl: ARM_DOCS.errors,
  },
};
