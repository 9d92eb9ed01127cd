import type { StageId } from '../flow/types';
import { redact } from '../logging/redact';
import type { ErrorSource, ParsedError } from './errors';
import { isCancelledError, isHttpResponseError, isValidationError } from './errors';

export interface ParseContext {
  readonly stage?: StageId;
  /** Secret values known to the run; removed from the message along with the built-in patterns. */
  readonly secrets?: Iterable<string>;
  /** How the endpoint authenticates: the same refusal (no 'Send' claim, 401) has different fixes for Entra ID and SAS. */
  readonly endpointAuth?: EndpointAuthKind;
}

export type EndpointAuthKind = 'entra' | 'sas' | 'connectionString';

/** Fields before redaction; `finish` redacts the message and drops empty fields. */
interface Draft {
  source: ErrorSource;
  code: string;
  status?: number | undefined;
  innerCode?: string | undefined;
  message: string;
  retryAfterSeconds?: number | undefined;
  details?: Record<string, string> | undefined;
}

type Bag = Record<string, unknown>;

/** Node errno / undici codes that mean "could not talk to the host at all". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'EPROTO',
  'EADDRNOTAVAIL',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  // The core's HTTP proxy tunnel (src/core/azure/proxy.ts): 407, any other CONNECT answer, proxy down.
  'ProxyAuthenticationRequired',
  'ProxyConnectFailed',
  'ProxyUnreachable',
  // AMQP over TCP pinned by the profile could not connect (src/core/azure/amqpClient.ts).
  'AmqpTcpUnreachable',
]);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isNetworkCode(code: string): boolean {
  return NETWORK_CODES.has(code) || isTlsCode(code);
}

export function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_');
}

/** Event Hubs gateway detail prefixes (`InvalidAudience: …`) worth their own explanation. */
const EVENT_HUBS_DETAIL_CODES = new Set(['InvalidAudience', 'InvalidSignature', 'ExpiredToken', 'InvalidIssuer', 'TokenExpired', 'MalformedToken', '40103', '40104', '40105']);

/**
 * The ONE place that reads error shapes: Entra JSON, @azure/identity errors, Key Vault JSON and
 * RestError, Event Hubs REST XML, AMQP MessagingError, Node network/TLS errors, our own
 * HttpResponseError/ValidationError/CancelledError, and timeouts. SDK errors are recognised by
 * shape (name, fields), never `instanceof`, so no SDK is loaded. The message is always redacted.
 */
export function parseError(error: unknown, context: ParseContext = {}): ParsedError {
  return withEndpointsTried(finish(read(error, 0), context.secrets), error, context.secrets);
}

function finish(draft: Draft, secrets: Iterable<string> | undefined): ParsedError {
  const known = [...(secrets ?? [])];
  const message = redact(draft.message.trim() || draft.code, known);
  const found = { ...detailsFor(draft.code, draft.message), ...draft.details };
  const details = Object.fromEntries(Object.entries(found).map(([name, value]) => [name, redact(value, known)]));
  return {
    source: draft.source,
    code: draft.code,
    ...(draft.status !== undefined ? { status: draft.status } : {}),
    ...(draft.innerCode !== undefined && draft.innerCode !== draft.code ? { innerCode: draft.innerCode } : {}),
    message,
    ...(draft.retryAfterSeconds !== undefined ? { retryAfterSeconds: draft.retryAfterSeconds } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

/**
 * The specifics an explanation quotes, read from the service's own text (wire facts §1.4, §1.5,
 * §2.3, §4.4): what the user must act on is in there, e.g. the IP a vault firewall saw.
 */
export function detailsFor(code: string, message: string): Record<string, string> {
  const found: Record<string, string> = {};
  const take = (name: string, pattern: RegExp): string | undefined => {
    const value = pattern.exec(message)?.[1]?.trim();
    if (value) {
      found[name] = value;
    }
    return value;
  };
  switch (code) {
    case 'AADSTS500011': {
      // "The resource principal named https://eventhubs.azure.net/.default was not found in the tenant named …"
      const resource = take('resource', /resource principal named (\S+) was not found/i);
      if (resource) {
        found.resourceWithoutDefault = resource.replace(/\/\.default$/i, '');
      }
      break;
    }
    case 'AKV10022':
      // "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://vault.azure.net/."
      take('expectedAudience', /Expected (\S+?),/);
      take('foundAudience', /found:\s*(\S+?)\.?(?:\s|$)/);
      break;
    case 'AKV10032': {
      // "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/<vault tid>/, … found https://sts.windows.net/<tid>/."
      const expected = take('expectedIssuer', /Expected one of (\S+?),/);
      const foundIssuer = take('tokenIssuer', /found (\S+?)\.?(?:\s|$)/);
      const tenant = (issuer: string | undefined): string | undefined => (issuer ? /\/([0-9a-f-]{36})\/?/i.exec(issuer)?.[1] : undefined);
      const vaultTenant = tenant(expected);
      const tokenTenant = tenant(foundIssuer);
      if (vaultTenant) {
        found.vaultTenant = vaultTenant;
      }
      if (tokenTenant) {
        found.tokenTenant = tokenTenant;
      }
      break;
    }
    case 'ForbiddenByRbac': {
      // "…Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/…/vaults/kv/secrets/x'…"
      take('action', /Action:\s*'([^']+)'/);
      const scope = take('scope', /Resource:\s*'([^']+)'/);
      const vaultScope = scope ? /^(.*\/providers\/microsoft\.keyvault\/vaults\/[^/]+)/i.exec(scope)?.[1] : undefined;
      if (vaultScope) {
        found.vaultScope = vaultScope;
      }
      take('vault', /Vault:\s*([^;\s]+)/);
      break;
    }
    case 'ForbiddenByFirewall':
      // "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\n…"
      take('clientAddress', /Client address:\s*(\S+)/i);
      take('vault', /Vault:\s*([^;\s]+)/);
      break;
    case 'MissingSendClaim':
      // "Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: 'sb://ns/hub'."
      take('entity', /Resource:\s*'([^']+)'/);
      break;
    default:
      break;
  }
  return found;
}

function read(error: unknown, depth: number): Draft {
  if (error === undefined || error === null) {
    return { source: 'unknown', code: 'Unknown', message: 'An unknown error occurred.' };
  }
  if (typeof error === 'string') {
    return readText(error) ?? { source: 'unknown', code: 'Unknown', message: error };
  }
  if (typeof error !== 'object') {
    return { source: 'unknown', code: 'Unknown', message: safeStringify(error) };
  }
  const e = error as Bag;
  const name = str(e.name);
  const code = str(e.code);
  const message = str(e.message) ?? '';

  // Timeouts first: a stage timeout arrives as an AbortSignal reason, and AbortSignal.timeout() as a DOMException.
  if (code === 'StageTimeout' || name === 'StageTimeoutError') {
    return { source: 'timeout', code: 'StageTimeout', message };
  }
  if (name === 'TimeoutError') {
    return { source: 'timeout', code: 'StageTimeout', message: message || 'The operation timed out.' };
  }
  if (isCancelledError(error) || code === 'ABORT_ERR') {
    // An abort whose reason is a timeout is a timeout, not a user cancel.
    const reason = e.cause ?? e.reason;
    if (reason && typeof reason === 'object' && depth < 4) {
      const inner = read(reason, depth + 1);
      if (inner.source === 'timeout') {
        return inner;
      }
    }
    return { source: 'cancelled', code: 'Cancelled', message: message || 'Cancelled.' };
  }
  if (isValidationError(error)) {
    return { source: 'validation', code: 'ValidationError', innerCode: str(e.field), message };
  }
  if (isHttpResponseError(error)) {
    return readHttpResponse(error.service, error.status, error.headers, error.bodyText);
  }
  // The core HTTP client's own refusals (azure/http.ts): a 3xx it does not follow, an answer over its size cap.
  if (code === 'UnexpectedRedirect' || code === 'ResponseTooLarge') {
    const location = str(e.location);
    return { source: 'network', code, status: num(e.status), message, ...(location ? { details: { location } } : {}) };
  }
  if (name === 'MessagingError') {
    return readMessagingError(e, message);
  }
  if (name === 'AuthenticationError' || name === 'AuthenticationRequiredError' || name === 'CredentialUnavailableError') {
    return readIdentityError(e, name, message);
  }
  if (name === 'RestError') {
    return readRestError(e, message, depth);
  }
  if (code && isNetworkCode(code)) {
    return { source: 'network', code, message: networkMessage(e, code, message) };
  }
  if (name === 'ServerError' || name === 'ClientAuthError' || (typeof e.errorCode === 'string' && 'errorMessage' in e)) {
    // A bare MSAL error (identity normally wraps it, but a caller may use MSAL directly).
    return readIdentityError(e, name ?? 'MsalError', message);
  }
  // A plain object that is a service body: {error:"invalid_client",…} or {error:{code…}}.
  const body = readBody(e, undefined, undefined);
  if (body) {
    return body;
  }
  // fetch() throws TypeError("fetch failed") with the real cause (ENOTFOUND, certificates…) underneath.
  if (e.cause !== undefined && depth < 4) {
    const inner = read(e.cause, depth + 1);
    if (inner.source !== 'unknown') {
      return inner.source === 'network' && message && !inner.message.includes(message) ? { ...inner, message: `${message}: ${inner.message}` } : inner;
    }
  }
  const fromText = readText(message);
  if (fromText) {
    return fromText;
  }
  return { source: 'unknown', code: code ?? name ?? 'Unknown', message: message || safeStringify(error) };
}

// ---------------------------------------------------------------------------------------------
// Hand-written requests: the body decides, the service only breaks ties.

function readHttpResponse(
  service: 'entra' | 'keyVault' | 'eventHubsRest',
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  bodyText: string,
): Draft {
  const retryAfterSeconds = retryAfter(headerValue(headers, 'retry-after'));
  const parsed = readBody(bodyText, status, service);
  const draft: Draft = parsed ?? byStatus(service, status, bodyText);
  return { ...withNetworkInfo(draft, headers), status, retryAfterSeconds: draft.retryAfterSeconds ?? retryAfterSeconds };
}

/** A response body (text or already-parsed JSON) → Draft, or undefined if it is no known shape. */
function readBody(body: unknown, status: number | undefined, service: 'entra' | 'keyVault' | 'eventHubsRest' | undefined): Draft | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        return readBody(JSON.parse(text) as unknown, status, service);
      } catch {
        return undefined;
      }
    }
    if (text.startsWith('<')) {
      return readEventHubsXml(text, status);
    }
    return undefined;
  }
  if (!body || typeof body !== 'object') {
    return undefined;
  }
  const b = body as Bag;
  // Entra: {"error":"invalid_client","error_description":"AADSTS7000215: …","error_codes":[7000215]}
  if (typeof b.error === 'string') {
    return readEntraBody(b, status);
  }
  // Key Vault: {"error":{"code":"Forbidden","message":"…","innererror":{"code":"ForbiddenByRbac"}}}
  if (b.error && typeof b.error === 'object') {
    return readKeyVaultBody(b.error as Bag, status);
  }
  return undefined;
}

function readEntraBody(b: Bag, status: number | undefined): Draft {
  const error = str(b.error) ?? 'unknown_error';
  const description = str(b.error_description) ?? str(b.errorDescription) ?? '';
  const codes = Array.isArray(b.error_codes) ? b.error_codes : Array.isArray(b.errorCodes) ? b.errorCodes : [];
  const first: unknown = codes[0];
  const number = typeof first === 'number' || typeof first === 'string' ? String(first) : findAadsts(description);
  return {
    source: 'entra',
    code: number ? `AADSTS${number}` : error,
    innerCode: error,
    status,
    // Trace/correlation ids stay in the message: support asks for them.
    message: description || error,
  };
}

function readKeyVaultBody(err: Bag, status: number | undefined): Draft {
  const outer = str(err.code) ?? 'KeyVaultError';
  const innerObj = (err.innererror ?? err.innerError) as Bag | null | undefined;
  const inner = innerObj && typeof innerObj === 'object' ? str(innerObj.code) : undefined;
  const message = str(err.message) ?? '';
  // AKV100xx in the text is more specific than "Unauthorized".
  const akv = /\b(AKV\d{5})\b/.exec(message)?.[1];
  let code = inner ?? akv ?? outer;
  if (/not allowed on an? expired secret|secret .*has expired/i.test(message)) {
    code = 'SecretExpired';
  }
  // "Token expired (Activity ID: …)" / "Token not yet valid (Activity ID: …)": the bearer token's time window, not a missing token.
  if (outer === 'Unauthorized' && !akv && /\btoken (?:has )?expired\b|\btoken is expired\b|\btoken not yet valid\b/i.test(message)) {
    code = 'KeyVaultTokenExpired';
  }
  if (status === 429 || /throttl/i.test(outer)) {
    code = code === outer ? 'Throttled' : code;
  }
  return { source: 'keyVault', code, innerCode: code === outer ? undefined : outer, status, message };
}

/** `<Error><Code>401</Code><Detail>InvalidAudience: …</Detail></Error>` from the Event Hubs gateway. */
function readEventHubsXml(text: string, status: number | undefined): Draft | undefined {
  const xmlCode = /<Code>\s*([^<]*?)\s*<\/Code>/i.exec(text)?.[1];
  const detail = decodeXml(/<Detail>([\s\S]*?)<\/Detail>/i.exec(text)?.[1] ?? '').trim();
  if (xmlCode === undefined && !detail) {
    return undefined;
  }
  const xmlStatus = xmlCode && /^\d{3}$/.test(xmlCode) ? Number(xmlCode) : undefined;
  const effective = status ?? xmlStatus;
  const code = eventHubsDetailCode(detail) ?? eventHubsStatusCode(effective) ?? 'EventHubsRestError';
  return { source: 'eventHubsRest', code, innerCode: xmlCode, status: effective, message: detail || text };
}

/** The code an Event Hubs detail text (REST XML or AMQP description) names, if any. */
function eventHubsDetailCode(detail: string): string | undefined {
  // Read-back (round trip): a consumer without the Listen right.
  if (/'Listen'\s+claim\(s\)\s+are\s+required/i.test(detail)) {
    return 'MissingListenClaim';
  }
  if (/'Send'\s+claim\(s\)\s+are\s+required|claim\(s\) are required/i.test(detail)) {
    return 'MissingSendClaim';
  }
  const prefix = /^\s*([A-Za-z][A-Za-z0-9]*|\d{5})\s*:/.exec(detail)?.[1];
  if (prefix && EVENT_HUBS_DETAIL_CODES.has(prefix)) {
    return prefix === 'TokenExpired' ? 'ExpiredToken' : prefix;
  }
  if (/\bExpiredToken\b|token is expired/i.test(detail)) {
    return 'ExpiredToken';
  }
  if (/\bInvalidAudience\b|wrong audience/i.test(detail)) {
    return 'InvalidAudience';
  }
  if (/\bInvalidSignature\b|invalid (?:authorization )?(?:token )?signature/i.test(detail)) {
    return 'InvalidSignature';
  }
  if (/messaging entity .* could not be found|\bEntityNotFound\b/i.test(detail)) {
    return 'EntityNotFound';
  }
  if (/too large|exceeds the maximum|MessageSizeExceeded/i.test(detail)) {
    return 'MessageTooLarge';
  }
  return undefined;
}

function eventHubsStatusCode(status: number | undefined): string | undefined {
  switch (status) {
    case 400:
      return 'EventHubsBadRequest';
    case 401:
      return 'EventHubsUnauthorized';
    case 403:
      return 'EventHubsForbidden';
    case 404:
    case 410:
      return 'EntityNotFound';
    case 413:
      return 'MessageTooLarge';
    case 429:
      return 'ServerBusyError';
    case 500:
      return 'EventHubsInternalError';
    case 503:
      return 'ServiceUnavailableError';
    default:
      return undefined;
  }
}

/** No body we could read: classify by service and status, keeping a short (redacted later) excerpt. */
function byStatus(service: 'entra' | 'keyVault' | 'eventHubsRest', status: number, bodyText: string): Draft {
  const excerpt = bodyText.trim().slice(0, 300);
  const message = excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
  if (service === 'eventHubsRest') {
    const fromText = eventHubsDetailCode(excerpt);
    return { source: 'eventHubsRest', code: fromText ?? eventHubsStatusCode(status) ?? 'EventHubsRestError', message };
  }
  if (service === 'keyVault') {
    const code = status === 429 ? 'Throttled' : status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'KeyVaultError';
    return { source: 'keyVault', code, message };
  }
  const aadsts = findAadsts(excerpt);
  return { source: 'entra', code: aadsts ? `AADSTS${aadsts}` : status === 429 ? 'EntraThrottled' : 'EntraError', message };
}

/**
 * Key Vault reports the address its firewall saw in `x-ms-keyvault-network-info`
 * (`conn_type=Ipv4;addr=<ip>;…`, wire facts §2.3): the fallback when the message lacks it.
 */
function withNetworkInfo(draft: Draft, headers: unknown): Draft {
  const address = /(?:^|;)\s*addr=([^;\s]+)/.exec(headerValue(headers, 'x-ms-keyvault-network-info') ?? '')?.[1];
  if (draft.code !== 'ForbiddenByFirewall' || !address || /Client address:/i.test(draft.message)) {
    return draft;
  }
  return { ...draft, details: { ...draft.details, clientAddress: address } };
}

// ---------------------------------------------------------------------------------------------
// SDK errors, by shape.

function readMessagingError(e: Bag, message: string): Draft {
  const code = str(e.code) ?? 'MessagingError';
  // core-amqp keeps the errno for system errors (its mapped name is computed but not assigned).
  if (isNetworkCode(code)) {
    return { source: 'network', code, innerCode: 'MessagingError', message: networkMessage(e, code, message) };
  }
  if (/getaddrinfo\s+(ENOTFOUND|EAI_AGAIN)/.test(message)) {
    return { source: 'network', code: /EAI_AGAIN/.test(message) ? 'EAI_AGAIN' : 'ENOTFOUND', innerCode: code, message };
  }
  // Read-back: a consumer group that does not exist is reported as a missing messaging entity.
  if (/messaging entity '[^']*\/ConsumerGroups\/[^']*' could not be found/i.test(message)) {
    return { source: 'amqp', code: 'ConsumerGroupNotFound', innerCode: code, message };
  }
  // The service's description names the real problem ("InvalidSignature: …", "'Send' claim(s)…").
  if (code === 'UnauthorizedError' || code === 'MessagingError') {
    const detail = eventHubsDetailCode(message);
    if (detail && detail !== 'EntityNotFound' && detail !== 'MessageTooLarge') {
      return { source: 'amqp', code: detail, innerCode: code, message };
    }
  }
  if (code === 'ServiceCommunicationError' && /messaging entity .* could not be found/i.test(message)) {
    return { source: 'amqp', code: 'MessagingEntityNotFoundError', innerCode: code, message };
  }
  return { source: 'amqp', code, message };
}

function readIdentityError(e: Bag, name: string, message: string): Draft {
  const response = (e.errorResponse ?? undefined) as Bag | undefined;
  const status = num(e.statusCode) ?? num(e.status);
  if (response && typeof response === 'object') {
    const body = readEntraBody(response, status);
    return { ...body, source: 'identity', message: str(response.errorDescription) ?? body.message ?? message };
  }
  const cause = (e.cause && typeof e.cause === 'object' ? e.cause : undefined) as Bag | undefined;
  const texts = [message, str(cause?.message), str(cause?.errorMessage)].filter((t): t is string => Boolean(t));
  const errorNo = str(e.errorNo) ?? str(cause?.errorNo);
  const aadsts = (errorNo && /^\d+$/.test(errorNo) ? errorNo : undefined) ?? texts.map(findAadsts).find(Boolean);
  const msalCode = str(e.errorCode) ?? str(cause?.errorCode);
  if (aadsts) {
    return { source: 'identity', code: `AADSTS${aadsts}`, innerCode: msalCode ?? name, status: status ?? num(cause?.status), message };
  }
  // A network failure underneath the credential is a network problem.
  if (cause) {
    const causeCode = str(cause.code);
    if (causeCode && isNetworkCode(causeCode)) {
      return { source: 'network', code: causeCode, innerCode: name, message: `${message}: ${networkMessage(cause, causeCode, str(cause.message) ?? '')}` };
    }
  }
  return { source: 'identity', code: identityCode(name, message), innerCode: msalCode, status, message };
}

/** Named CredentialUnavailableError cases this flow meets (Azure CLI, multi-tenant refusal). */
function identityCode(name: string, message: string): string {
  if (/Azure CLI could not be found|'az' is not recognized|az: (?:command )?not found/i.test(message)) {
    return 'AzureCliNotFound';
  }
  if (/az login/i.test(message)) {
    return 'AzureCliLoginRequired';
  }
  if (/not configured to acquire tokens for tenant/i.test(message)) {
    return 'TenantNotAllowed';
  }
  return name === 'CredentialUnavailableError' ? 'CredentialUnavailableError' : 'IdentityError';
}

function readRestError(e: Bag, message: string, depth: number): Draft {
  const status = num(e.statusCode);
  const code = str(e.code);
  if (code && isNetworkCode(code)) {
    return { source: 'network', code, innerCode: 'RestError', message: networkMessage(e, code, message) };
  }
  const response = (e.response ?? undefined) as Bag | undefined;
  const bodyText = str(response?.bodyAsText);
  const retryAfterSeconds = retryAfter(headerValue(response?.headers, 'retry-after'));
  // The generated Key Vault client leaves bodyAsText unset and puts the parsed body in `details`.
  const fromBody = (bodyText ? readBody(bodyText, status, undefined) : undefined) ?? readBody(e.details, status, undefined);
  if (fromBody) {
    return { ...withNetworkInfo(fromBody, response?.headers), status: fromBody.status ?? status, retryAfterSeconds };
  }
  if (code === 'REQUEST_SEND_ERROR' && e.cause !== undefined && depth < 4) {
    const inner = read(e.cause, depth + 1);
    if (inner.source === 'network') {
      return inner;
    }
  }
  // The Key Vault SDK is the only RestError thrower in this flow; its RestError carries `code` from the body.
  const akv = /\b(AKV\d{5})\b/.exec(message)?.[1];
  const kvCode = akv ?? (code && code !== 'REQUEST_SEND_ERROR' ? code : status === 429 ? 'Throttled' : undefined);
  if (kvCode || status !== undefined) {
    return { source: 'keyVault', code: kvCode ?? 'KeyVaultError', innerCode: akv ? code : undefined, status, message, retryAfterSeconds };
  }
  return { source: 'unknown', code: code ?? 'RestError', message };
}

// ---------------------------------------------------------------------------------------------
// Text-only errors (strings, Error messages carrying a service code).

function readText(text: string): Draft | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('<')) {
    const body = readBody(trimmed, undefined, undefined);
    if (body) {
      return body;
    }
  }
  const aadsts = findAadsts(trimmed);
  if (aadsts) {
    return { source: 'entra', code: `AADSTS${aadsts}`, message: trimmed };
  }
  const akv = /\b(AKV\d{5})\b/.exec(trimmed)?.[1];
  if (akv) {
    return { source: 'keyVault', code: akv, message: trimmed };
  }
  const errno = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/.exec(trimmed)?.[1];
  if (errno) {
    return { source: 'network', code: errno, message: trimmed };
  }
  return undefined;
}

function findAadsts(text: string): string | undefined {
  return /\bAADSTS(\d{4,})\b/.exec(text)?.[1];
}

function networkMessage(e: Bag, code: string, message: string): string {
  const host = str(e.hostname) ?? str(e.host) ?? str(e.address);
  const port = num(e.port);
  const where = host ? ` (${host}${port !== undefined ? `:${port}` : ''})` : '';
  if (message.includes(code) || !message) {
    return message ? (where && !message.includes(host ?? '') ? `${message}${where}` : message) : `${code}${where}`;
  }
  return `${code}: ${message}${where}`;
}

// ---------------------------------------------------------------------------------------------
// Small readers.

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** Reads a header from a plain record (any case) or a core-rest-pipeline HttpHeaders (`get`). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') {
    return undefined;
  }
  const h = headers as Bag;
  if (typeof h.get === 'function') {
    const value: unknown = (h.get as (n: string) => unknown).call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(h)) {
    if (key.toLowerCase() === name && typeof value === 'string') {
      return value;
    }
  }
  return undefined;
}

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Endpoints tried (network stages attach `endpointsTried` to the error they throw).

function withEndpointsTried(parsed: ParsedError, error: unknown, secrets: Iterable<string> | undefined): ParsedError {
  const tried = error !== null && typeof error === 'object' ? (error as Bag).endpointsTried : undefined;
  if (!Array.isArray(tried) || tried.length === 0) {
    return parsed;
  }
  const known = [...(secrets ?? [])];
  return { ...parsed, tried: tried.filter((entry): entry is string => typeof entry === 'string').map((entry) => redact(entry, known)) };
}
