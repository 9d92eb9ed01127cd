// Discovery answers: Fabric's ErrorResponse `{ requestId, errorCode, message, relatedResource?,
// moreDetails? }` (microsoft/fabric-rest-api-specs common/definitions.json) and Azure Resource
// Manager's `{ error: { code, message } }` (Azure/azure-rest-api-specs common-types ErrorResponse).
import { type Bag, type Draft, headerValue, retryAfter, str } from './shapes';

export function readDiscoveryResponse(
  service: 'fabric' | 'arm',
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  bodyText: string,
): Draft {
  const retryAfterSeconds = retryAfter(headerValue(headers, 'retry-after'));
  let body: Bag | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    body = typeof parsed === 'object' && parsed !== null ? (parsed as Bag) : undefined;
  } catch {
    body = undefined;
  }
  const draft = service === 'fabric' ? readFabric(body, status, headers) : readArm(body, status);
  return { ...draft, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}

function byStatus(status: number): string | undefined {
  return status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : undefined;
}

/** Fabric codes whose names other services use too: prefixed so they reach Fabric's entries. */
const GENERIC_FABRIC_CODES = new Set(['Unauthorized', 'EntityNotFound', 'InvalidInput', 'InvalidParameter', 'ServiceUnavailable', 'Forbidden', 'BadRequest']);

function readFabric(body: Bag | undefined, status: number, headers: Readonly<Record<string, string | undefined>>): Draft {
  // Fabric also names the code in x-ms-public-api-error-code when the body is missing.
  const raw = str(body?.['errorCode']) ?? str(headerValue(headers, 'x-ms-public-api-error-code')) ?? byStatus(status) ?? 'FabricError';
  const code = GENERIC_FABRIC_CODES.has(raw) ? `Fabric${raw}` : raw;
  const message = str(body?.['message']) ?? `HTTP ${status}`;
  const related = body?.['relatedResource'] as Bag | undefined;
  const details: Record<string, string> = {};
  if (status === 401 && /service principal/i.test(message)) {
    details['principal'] = 'servicePrincipal';
  }
  const resourceType = str(related?.['resourceType']);
  if (resourceType) {
    details['resourceType'] = resourceType;
  }
  const requestId = str(body?.['requestId']);
  if (requestId) {
    details['requestId'] = requestId;
  }
  return { source: 'fabric', code: status === 429 ? 'FabricThrottled' : code, innerCode: status === 429 || code !== raw ? raw : undefined, message, details };
}

function readArm(body: Bag | undefined, status: number): Draft {
  const error = body?.['error'] as Bag | undefined;
  const code = str(error?.['code']) ?? byStatus(status) ?? 'ArmError';
  const message = str(error?.['message']) ?? `HTTP ${status}`;
  const details: Record<string, string> = {};
  // AuthorizationFailed: "… perform action '<action>' over scope '<scope>' …"
  const action = /perform action '([^']+)'/.exec(message)?.[1];
  const scope = /over scope '([^']+)'/.exec(message)?.[1];
  if (action) {
    details['action'] = action;
  }
  if (scope) {
    details['scope'] = scope;
  }
  return { source: 'arm', code: status === 429 ? 'ArmThrottled' : code, innerCode: status === 429 ? code : undefined, message, details };
}
