// Service answers: Entra JSON, Key Vault JSON, Event Hubs gateway XML, a bare status, and text that
// carries a service code. The body decides; the service only breaks ties.
import { eventHubsDetailCode, eventHubsStatusCode, findAadsts } from './codes';
import { readDiscoveryResponse } from './discovery';
import { type Bag, decodeXml, type Draft, headerValue, retryAfter, str } from './shapes';

export function readHttpResponse(
  service: 'entra' | 'keyVault' | 'eventHubsRest' | 'fabric' | 'arm',
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  bodyText: string,
): Draft {
  if (service === 'fabric' || service === 'arm') {
    return readDiscoveryResponse(service, status, headers, bodyText);
  }
  const retryAfterSeconds = retryAfter(headerValue(headers, 'retry-after'));
  const parsed = readBody(bodyText, status, service);
  const draft: Draft = parsed ?? byStatus(service, status, bodyText);
  return { ...withNetworkInfo(draft, headers), status, retryAfterSeconds: draft.retryAfterSeconds ?? retryAfterSeconds };
}

/** A response body (text or already-parsed JSON) → Draft, or undefined if it is no known shape. */
export function readBody(body: unknown, status: number | undefined, service: 'entra' | 'keyVault' | 'eventHubsRest' | undefined): Draft | undefined {
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

export function readEntraBody(b: Bag, status: number | undefined): Draft {
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

export function readKeyVaultBody(err: Bag, status: number | undefined): Draft {
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
export function readEventHubsXml(text: string, status: number | undefined): Draft | undefined {
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

/** No body we could read: classify by service and status, keeping a short (redacted later) excerpt. */
export function byStatus(service: 'entra' | 'keyVault' | 'eventHubsRest', status: number, bodyText: string): Draft {
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
export function withNetworkInfo(draft: Draft, headers: unknown): Draft {
  const address = /(?:^|;)\s*addr=([^;\s]+)/.exec(headerValue(headers, 'x-ms-keyvault-network-info') ?? '')?.[1];
  if (draft.code !== 'ForbiddenByFirewall' || !address || /Client address:/i.test(draft.message)) {
    return draft;
  }
  return { ...draft, details: { ...draft.details, clientAddress: address } };
}

// Text-only errors (strings, Error messages carrying a service code).

export function readText(text: string): Draft | undefined {
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
