// One realistic Fabric / Resource Manager answer per discovery entry of the explanation table, for
// test/unit/core/explain.test.ts (every entry reachable through parseError), and the details the
// discovery parser reads per code (for the table's {placeholders}).
import { HttpResponseError } from '../../../src/core/errors/errors';

const fabric = (status: number, errorCode: string, message = 'x', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResponseError =>
  new HttpResponseError('fabric', status, headers, JSON.stringify({ requestId: '5b7a9d3c-0000-4000-8000-000000000001', errorCode, message, ...extra }));
const arm = (status: number, code: string, message = 'x', headers: Record<string, string> = {}): HttpResponseError =>
  new HttpResponseError('arm', status, headers, JSON.stringify({ error: { code, message } }));

export const DISCOVERY_SAMPLES: Record<string, unknown> = {
  InsufficientPrivileges: fabric(403, 'InsufficientPrivileges', 'The caller does not have sufficient permissions.'),
  ItemNotFound: fabric(404, 'ItemNotFound', 'The requested item was not found.', { relatedResource: { resourceId: 'x', resourceType: 'Eventstream' } }),
  WorkspaceNotFound: fabric(404, 'WorkspaceNotFound', 'The requested workspace was not found.'),
  TokenExpired: fabric(401, 'TokenExpired', 'Access token has expired, resubmit with a new access token'),
  InvalidToken: fabric(401, 'InvalidToken', 'The access token is invalid.'),
  FabricUnauthorized: fabric(401, 'Unauthorized', 'The tenant does not allow service principals to use Fabric APIs.'),
  FabricInvalidInput: fabric(400, 'InvalidInput', 'Only custom endpoint sources have a connection.'),
  FabricInvalidParameter: fabric(400, 'InvalidParameter', "The parameter 'workspaceId' must be a GUID."),
  FabricThrottled: fabric(429, 'RequestBlocked', 'Request is blocked by the upstream service.', {}, { 'retry-after': '30' }),
  FabricError: new HttpResponseError('fabric', 500, {}, 'upstream failure'),
  AuthorizationFailed: arm(
    403,
    'AuthorizationFailed',
    "The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.KeyVault/vaults/read' over scope '/subscriptions/00000000-0000-0000-0000-000000000000' or the scope is invalid.",
  ),
  AuthenticationFailed: arm(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
  InvalidAuthenticationTokenAudience: arm(401, 'InvalidAuthenticationTokenAudience', 'The access token has been obtained for wrong audience or resource.'),
  ExpiredAuthenticationToken: arm(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.'),
  InvalidAuthenticationToken: arm(401, 'InvalidAuthenticationToken', 'The access token is invalid.'),
  InvalidAuthenticationTokenTenant: arm(401, 'InvalidAuthenticationTokenTenant', 'The access token is from the wrong issuer.'),
  SubscriptionNotFound: arm(404, 'SubscriptionNotFound', "The subscription 'x' could not be found."),
  ResourceNotFound: arm(404, 'ResourceNotFound', "The Resource 'Microsoft.EventHub/namespaces/x' was not found."),
  ResourceGroupNotFound: arm(404, 'ResourceGroupNotFound', "Resource group 'x' could not be found."),
  MissingApiVersionParameter: arm(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'),
  NoRegisteredProviderFound: arm(400, 'NoRegisteredProviderFound', "No registered resource provider found for location 'x' and API version 'y' for type 'vaults'."),
  ArmThrottled: arm(429, 'TooManyRequests', 'The request is being throttled.', { 'retry-after': '20' }),
  ArmError: arm(500, 'InternalServerError', 'x'),
};

export const DISCOVERY_DETAIL_NAMES: Record<string, readonly string[]> = {
  ItemNotFound: ['resourceType', 'requestId'],
  AuthorizationFailed: ['action', 'scope'],
  FabricUnauthorized: ['principal', 'requestId'],
};
