/**
 * One authenticated Fabric or Resource Manager call for pipelines (any method, a JSON body), with the
 * bearer token only to the service's own host (checked before the token is fetched and again before
 * the request; a Location or continuation elsewhere is refused), a short 429 waited out once, and
 * Fabric's long-running operations followed to their result (202 + Location / x-ms-operation-id /
 * Retry-After, `GET /v1/operations/{id}` until Succeeded or Failed, then `/result`:
 * learn.microsoft.com/rest/api/fabric/articles/long-running-operation).
 */
import { assertCredentialDestination } from '../azure/credentialGuard';
import { httpsRequest, throwIfAborted, type HttpResponse } from '../azure/http';
import type { DiscoveryContext } from '../discovery/rest';
import type { DiscoveryService } from '../discovery/endpoints';
import { HttpResponseError } from '../errors/errors';
import { sleep } from '../util/abort';

/** The longest Retry-After waited out on a 429 (longer: the error, with the wait named by the service). */
const MAX_THROTTLE_WAIT_S = 5;
/** Poll interval bounds for operations: the service's Retry-After, within these. */
const MIN_POLL_MS = 200;
const MAX_POLL_MS = 10_000;
/** Long-running operations give up after this long (the service's own operations take seconds). */
const OPERATION_DEADLINE_MS = 5 * 60_000;

export type PipelineContext = DiscoveryContext;

export interface CallResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}


/** Retry-After in milliseconds, clamped; `fallback` when absent or not a number of seconds. */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>, fallback: number): number {
  const seconds = Number(headers['retry-after']);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
}

/**
 * Sends one request; answers 2xx are returned, anything else throws HttpResponseError (read by the
 * one explanation table). `expect` lists the statuses that count as success.
 */
export async function call(
  service: DiscoveryService,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  context: PipelineContext,
  body?: unknown,
  expect: readonly number[] = [200, 201, 202, 204],
): Promise<CallResult> {
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(context.signal);
    assertCredentialDestination(url, service.destination);
    const token = await context.tokens.getToken([service.scope], { signal: context.signal, ...(context.tenantId ? { tenantId: context.tenantId } : {}) });
    assertCredentialDestination(url, service.destination);
    const response: HttpResponse = await httpsRequest({
      method,
      url,
      headers: { authorization: `Bearer ${token.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: context.signal,
      ...(context.trustedCaPem ? { trustedCaPem: context.trustedCaPem } : {}),
      ...(context.proxy ? { proxy: context.proxy } : {}),
      ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
    });
    if (response.status === 429 && attempt === 0) {
      const wait = Number(response.headers['retry-after']);
      if (Number.isFinite(wait) && wait >= 0 && wait <= MAX_THROTTLE_WAIT_S) {
        await sleep(wait * 1000, context.signal);
        continue;
      }
    }
    if (!expect.includes(response.status)) {
      throw new HttpResponseError(service.service, response.status, response.headers, response.bodyText);
    }
    let parsed: unknown;
    if (response.bodyText.trim()) {
      try {
        parsed = JSON.parse(response.bodyText);
      } catch {
        throw new HttpResponseError(service.service, 502, response.headers, 'The answer was not JSON.');
      }
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

/** A 202 followed to its end: the operation's result (or undefined when it has none). */
export async function followOperation(service: DiscoveryService, accepted: CallResult, context: PipelineContext): Promise<unknown> {
  if (accepted.status !== 202) {
    return accepted.body;
  }
  const location = accepted.headers['location'];
  const operationId = accepted.headers['x-ms-operation-id'];
  const stateUrl = location ?? (operationId ? `${service.baseUrl}/v1/operations/${encodeURIComponent(operationId)}` : undefined);
  if (!stateUrl) {
    throw new HttpResponseError(service.service, 502, accepted.headers, 'The service accepted the request (202) without a Location or x-ms-operation-id to follow.');
  }
  const deadline = Date.now() + OPERATION_DEADLINE_MS;
  let wait = retryAfterMs(accepted.headers, 1000);
  for (;;) {
    await sleep(wait, context.signal);
    const state = await call(service, 'GET', stateUrl, context);
    const status = isRecord(state.body) ? state.body['status'] : undefined;
    if (status === 'Succeeded') {
      const resultUrl = state.headers['location'];
      // No Location on a succeeded operation: it has no result (updateDefinition).
      if (!resultUrl || resultUrl === stateUrl) {
        return undefined;
      }
      return (await call(service, 'GET', resultUrl, context)).body;
    }
    if (status === 'Failed' || status === 'Undefined') {
      const error = isRecord(state.body) && isRecord(state.body['error']) ? state.body['error'] : {};
      throw new HttpResponseError(service.service, 400, state.headers, JSON.stringify(error));
    }
    if (Date.now() > deadline) {
      throw new HttpResponseError(service.service, 504, state.headers, `The operation was still ${String(status)} after ${OPERATION_DEADLINE_MS / 60_000} minutes.`);
    }
    wait = retryAfterMs(state.headers, 1000);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
