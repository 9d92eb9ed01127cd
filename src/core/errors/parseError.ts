// The ONE reader of error shapes: turns anything thrown into a ParsedError (source, code, status,
// redacted message, details). The readers for each shape live in parse/.
import type { StageId } from '../flow/stageId';
import { redact } from '../logging/redact';
import type { ParsedError } from './errors';
import { isCancelledError, isHttpResponseError, isValidationError } from './errors';
import { readBody, readHttpResponse, readText, withNetworkInfo } from './parse/bodies';
import { isNetworkCode, networkMessage } from './parse/codes';
import { detailsFor } from './parse/details';
import { readIdentityError, readMessagingError } from './parse/sdkErrors';
import { type Bag, type Draft, headerValue, num, retryAfter, safeStringify, str } from './parse/shapes';

export { isNetworkCode, isTlsCode } from './parse/codes';
export { detailsFor } from './parse/details';
export { retryAfter } from './parse/shapes';

export interface ParseContext {
  readonly stage?: StageId;
  /** Secret values known to the run; removed from the message along with the built-in patterns. */
  readonly secrets?: Iterable<string>;
  /** How the endpoint authenticates: the same refusal (no 'Send' claim, 401) has different fixes for Entra ID and SAS. */
  readonly endpointAuth?: EndpointAuthKind;
}

export type EndpointAuthKind = 'entra' | 'sas' | 'connectionString';

/**
 * The ONE place that reads error shapes: Entra JSON, @azure/identity errors, Key Vault JSON and
 * RestError, Event Hubs REST XML, AMQP MessagingError, Node network/TLS errors, our own
 * HttpResponseError/ValidationError/CancelledError, and timeouts. SDK errors are recognised by
 * shape (name, fields), never `instanceof`, so no SDK is loaded. The message is always redacted.
 */
export function parseError(error: unknown, context: ParseContext = {}): ParsedError {
  return withInputDetails(withEndpointsTried(finish(read(error, 0), context.secrets), error, context.secrets), error, context.secrets);
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

// SDK RestError: read here, since its cause is read again by `read`.

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
// Endpoints tried (network stages attach `endpointsTried` to the error they throw).

function withEndpointsTried(parsed: ParsedError, error: unknown, secrets: Iterable<string> | undefined): ParsedError {
  const tried = error !== null && typeof error === 'object' ? (error as Bag).endpointsTried : undefined;
  if (!Array.isArray(tried) || tried.length === 0) {
    return parsed;
  }
  const known = [...(secrets ?? [])];
  return { ...parsed, tried: tried.filter((entry): entry is string => typeof entry === 'string').map((entry) => redact(entry, known)) };
}

/**
 * What the flow knew about its own input when a request failed (`inputDetails`, e.g. that the
 * client secret sent ends with a line break: never the value), added to the details so the
 * explanation's byDetail variants can say it.
 */
function withInputDetails(parsed: ParsedError, error: unknown, secrets: Iterable<string> | undefined): ParsedError {
  const bag = error !== null && typeof error === 'object' ? (error as Bag).inputDetails : undefined;
  if (bag === null || typeof bag !== 'object') {
    return parsed;
  }
  const known = [...(secrets ?? [])];
  const extra = Object.fromEntries(Object.entries(bag as Bag).flatMap(([name, value]) => (typeof value === 'string' ? [[name, redact(value, known)]] : [])));
  return Object.keys(extra).length > 0 ? { ...parsed, details: { ...parsed.details, ...extra } } : parsed;
}
