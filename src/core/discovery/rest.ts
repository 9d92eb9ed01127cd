/**
 * One authenticated call to Fabric or Resource Manager (discovery's GETs, the pipeline clients'
 * calls), and the two paging schemes: Fabric's `continuationUri`
 * (learn.microsoft.com/rest/api/fabric/articles/pagination) and ARM's `nextLink`. Plain HTTPS via
 * the core client; the bearer token only goes to the service's own host, checked before every
 * request, pages included (a continuation pointing elsewhere is refused, nothing is sent).
 * A 429 whose Retry-After is short is waited out once; longer ones fail with the wait named.
 */
import { assertCredentialDestination } from '../azure/credentialGuard';
import { httpsRequest, throwIfAborted, type HttpResponse } from '../azure/http';
import type { ProxySettings } from '../azure/proxy';
import { HttpResponseError } from '../errors/errors';
import type { TokenProvider } from '../flow/credentials';
import { sleep } from '../util/abort';
import type { DiscoveryService } from './endpoints';

export interface DiscoveryContext {
  readonly tokens: TokenProvider;
  /** The tenant to request tokens from (absent: the provider's default). */
  readonly tenantId?: string;
  readonly signal: AbortSignal;
  readonly trustedCaPem?: string;
  readonly proxy?: ProxySettings;
  readonly timeoutMs?: number;
}

/** The longest Retry-After waited out before answering the 429 as an error. */
export const MAX_RETRY_WAIT_SECONDS = 5;
/** A listing longer than this many pages is cut (a continuation loop, or a tenant far larger than a picker can show). */
export const MAX_PAGES = 100;

export interface CallResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/**
 * Sends one authenticated request (any method, a JSON body) to the service; answers with a status in
 * `expect` are returned with their JSON body (undefined when empty), anything else throws
 * HttpResponseError (read by the one explanation table). Discovery's GETs and the pipeline clients'
 * calls all go through here.
 */
export async function call(
  service: DiscoveryService,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  context: DiscoveryContext,
  body?: unknown,
  expect: readonly number[] = [200, 201, 202, 204],
): Promise<CallResult> {
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(context.signal);
    assertCredentialDestination(url, service.destination);
    const token = await context.tokens.getToken([service.scope], { signal: context.signal, ...(context.tenantId ? { tenantId: context.tenantId } : {}) });
    // Checked again: the token is on this request only if the host is still the service's.
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
      if (Number.isFinite(wait) && wait >= 0 && wait <= MAX_RETRY_WAIT_SECONDS) {
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

/** A GET whose answer must be 200 with a JSON object (a discovery read, or one page of a listing). */
export async function getJson(service: DiscoveryService, url: string, context: DiscoveryContext): Promise<Record<string, unknown>> {
  const answer = await call(service, 'GET', url, context, undefined, [200]);
  if (answer.body === undefined) {
    throw new HttpResponseError(service.service, 502, answer.headers, 'The answer was not JSON.');
  }
  if (typeof answer.body !== 'object' || answer.body === null || Array.isArray(answer.body)) {
    throw new HttpResponseError(service.service, 502, answer.headers, 'The answer was not a JSON object.');
  }
  return answer.body as Record<string, unknown>;
}

/** Every item of a paged listing: `value` of each page, following `continuationUri` (Fabric) or `nextLink` (ARM). */
export async function listAll(service: DiscoveryService, firstUrl: string, context: DiscoveryContext): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let next: string | undefined = firstUrl;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
    if (seen.has(next)) {
      break; // A continuation that points back: stop rather than loop.
    }
    seen.add(next);
    const body = await getJson(service, next, context);
    const value = body['value'];
    if (Array.isArray(value)) {
      items.push(...value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null));
    }
    const link = service.service === 'fabric' ? body['continuationUri'] : body['nextLink'];
    next = typeof link === 'string' && link.length > 0 ? link : undefined;
  }
  return items;
}
