// Which codes mean what: network and TLS errno, Event Hubs detail prefixes and statuses, AADSTS numbers.
import { type Bag, num, str } from './shapes';

/** Node errno / undici codes that mean "could not talk to the host at all". */
export const NETWORK_CODES = new Set([
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

export const TLS_CODES = new Set([
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
export const EVENT_HUBS_DETAIL_CODES = new Set(['InvalidAudience', 'InvalidSignature', 'ExpiredToken', 'InvalidIssuer', 'TokenExpired', 'MalformedToken', '40103', '40104', '40105']);

/** The code an Event Hubs detail text (REST XML or AMQP description) names, if any. */
export function eventHubsDetailCode(detail: string): string | undefined {
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

export function eventHubsStatusCode(status: number | undefined): string | undefined {
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

export function findAadsts(text: string): string | undefined {
  return /\bAADSTS(\d{4,})\b/.exec(text)?.[1];
}

export function networkMessage(e: Bag, code: string, message: string): string {
  const host = str(e.hostname) ?? str(e.host) ?? str(e.address);
  const port = num(e.port);
  const where = host ? ` (${host}${port !== undefined ? `:${port}` : ''})` : '';
  if (message.includes(code) || !message) {
    return message ? (where && !message.includes(host ?? '') ? `${message}${where}` : message) : `${code}${where}`;
  }
  return `${code}: ${message}${where}`;
}
