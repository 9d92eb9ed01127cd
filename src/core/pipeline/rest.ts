/**
 * Fabric's long-running operations followed to their result for the pipeline clients: 202 + Location /
 * x-ms-operation-id / Retry-After, `GET /v1/operations/{id}` until Succeeded or Failed, then `/result`
 * (learn.microsoft.com/rest/api/fabric/articles/long-running-operation). Every request goes through
 * the one authenticated call in discovery/rest.ts (the token only to the service's own host, checked
 * before it is fetched and again before the request, so a Location elsewhere is refused).
 */
import { call, type CallResult, type DiscoveryContext } from '../discovery/rest';
import type { DiscoveryService } from '../discovery/endpoints';
import { HttpResponseError } from '../errors/errors';
import { sleep } from '../util/abort';

/** Poll interval bounds for operations: the service's Retry-After, within these. */
const MIN_POLL_MS = 200;
const MAX_POLL_MS = 10_000;
/** Long-running operations give up after this long (the service's own operations take seconds). */
const OPERATION_DEADLINE_MS = 5 * 60_000;

export type PipelineContext = DiscoveryContext;

// The authenticated call itself is discovery's (one for both): re-exported for the pipeline clients.
export { call, type CallResult } from '../discovery/rest';

/** Retry-After in milliseconds, clamped; `fallback` when absent or not a number of seconds. */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>, fallback: number): number {
  const seconds = Number(headers['retry-after']);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
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
