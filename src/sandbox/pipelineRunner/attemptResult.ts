/**
 * How one attempt of an activity ends (succeeded, cancelled or failed) and the service's wording for
 * its failures: errorCode 2108 "Invoking Web Activity failed with HttpStatusCode - '403 : Forbidden',
 * message - '<body>'" for an HTTP error, 2308 "No response from the endpoint…" when nothing answered
 * (Web activity troubleshooting docs).
 */
import type { ActivityDefinition } from './definition';
import type { Value } from './expression';
import type { ActivityError } from './runRecords';
import { NoResponseError, type WebResponse } from './webRequest';

export type AttemptFailure = { readonly kind: 'failed'; readonly error: Omit<ActivityError, 'target' | 'details'>; readonly retriable?: boolean; readonly input?: Value };
export type AttemptResult = { readonly kind: 'succeeded'; readonly input: Value; readonly output: Value } | { readonly kind: 'cancelled'; readonly input?: Value } | AttemptFailure;

export function failure(errorCode: string, message: string, failureType: ActivityError['failureType'], retriable?: boolean): AttemptFailure {
  return { kind: 'failed', error: { errorCode, message, failureType }, ...(retriable === false ? { retriable } : {}) };
}

export function fail(errorCode: string, message: string, failureType: ActivityError['failureType'], input?: Value, retriable?: boolean): AttemptFailure {
  return { ...failure(errorCode, message, failureType, retriable), ...(input !== undefined ? { input } : {}) };
}

export function timeoutFailure(activity: ActivityDefinition, input: Value | undefined): AttemptFailure {
  // The error code of an activity that outlives policy.timeout is undocumented; the message names the policy.
  return fail('ActivityTimedOut', `Activity '${activity.name}' timed out: it ran longer than its policy.timeout.`, 'UserError', input ?? null);
}

export function noResponse(error: unknown, url: URL, input: Value, signal: AbortSignal): AttemptResult {
  if (signal.aborted) {
    const reason = (signal.reason as Error | undefined)?.message;
    return reason === 'timeout' ? fail('ActivityTimedOut', `The activity timed out calling '${url.host}': it ran longer than its policy.timeout.`, 'UserError', input) : { kind: 'cancelled', input };
  }
  const code = error instanceof NoResponseError ? error.code : 'ERROR';
  const detail = error instanceof Error ? error.message : String(error);
  // The documented text, then what the sandbox saw (the service adds its own exception detail).
  return fail('2308', `No response from the endpoint. Possible causes: network connectivity, DNS failure, server certificate validation or timeout. Endpoint: '${url.host}'. Details: ${code}: ${detail}`, 'UserError', input);
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** .NET's HttpStatusCode name, as the 2108 message shows it ('401 : Unauthorized'). */
export function reasonOf(response: WebResponse): string {
  return REASONS[response.status] ?? response.statusText.replace(/\s+/g, '');
}
