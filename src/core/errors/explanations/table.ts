// The ONE explanation table: code → cause and remedy for this flow, assembled from one section a
// service, with the aliases and per-source fallbacks that route every code to an entry. Codes come
// from `parseError` (AADSTS numbers, Key Vault inner codes, Event Hubs detail prefixes, AMQP codes, errno).
import type { ErrorSource } from '../errors';
import { isTlsCode } from '../parseError';
import { AMQP_EXPLANATIONS } from './amqp';
import { DISCOVERY_EXPLANATIONS } from './discovery';
import type { ExplanationEntry } from './entry';
import { ENTRA_EXPLANATIONS } from './entra';
import { EVENT_HUBS_REST_EXPLANATIONS } from './eventHubsRest';
import { FLOW_EXPLANATIONS } from './flow';
import { KEY_VAULT_EXPLANATIONS } from './keyVault';
import { NETWORK_EXPLANATIONS } from './network';

/** Merges the sections; a code in two sections is a mistake the module refuses at load (tests fail at once). */
function oneTable(...sections: readonly Readonly<Record<string, ExplanationEntry>>[]): Readonly<Record<string, ExplanationEntry>> {
  const table: Record<string, ExplanationEntry> = {};
  for (const section of sections) {
    for (const [code, entry] of Object.entries(section)) {
      if (Object.hasOwn(table, code)) {
        throw new Error(`The explanation table has two entries for ${code}.`);
      }
      table[code] = entry;
    }
  }
  return table;
}

export const EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = oneTable(
  ENTRA_EXPLANATIONS,
  KEY_VAULT_EXPLANATIONS,
  EVENT_HUBS_REST_EXPLANATIONS,
  AMQP_EXPLANATIONS,
  NETWORK_EXPLANATIONS,
  FLOW_EXPLANATIONS,
  DISCOVERY_EXPLANATIONS,
);

/** Codes that share an entry: older numbers, status-derived names, errno variants. */
const ALIASES: Readonly<Record<string, string>> = {
  Unauthorized: 'AKV10000',
  AADSTS90014: 'AADSTS900144',
  AADSTS90124: 'AADSTS9001023',
  AADSTS90130: 'AADSTS9001023',
  AADSTS50079: 'AADSTS50076',
  AADSTS50012: 'AADSTS700027',
  AADSTS90055: 'EntraThrottled',
  AADSTS90033: 'EntraUnavailable',
  '40103': 'InvalidSignature',
  '40104': 'InvalidAudience',
  '40105': 'InvalidSignature',
  InvalidIssuer: 'InvalidAudience',
  MalformedToken: 'EventHubsInternalError',
  TooManyRequests: 'Throttled',
  ENETUNREACH: 'ETIMEDOUT',
  EHOSTUNREACH: 'ETIMEDOUT',
  ENETDOWN: 'ETIMEDOUT',
  ESOCKETTIMEDOUT: 'ETIMEDOUT',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  EPIPE: 'ECONNRESET',
  ECONNABORTED: 'ECONNRESET',
};

/** The entry for a code no entry names: the generic one of the service the error came from. */
export const FALLBACK_BY_SOURCE: Readonly<Record<ErrorSource, string>> = {
  entra: 'EntraError',
  identity: 'IdentityError',
  keyVault: 'KeyVaultError',
  eventHubsRest: 'EventHubsRestError',
  fabric: 'FabricError',
  arm: 'ArmError',
  amqp: 'MessagingError',
  network: 'NetworkError',
  validation: 'ValidationError',
  timeout: 'StageTimeout',
  cancelled: 'Cancelled',
  unknown: 'Unknown',
};

/** The table key that explains `code` (after aliases), or undefined if only the source fallback applies. */
export function explanationKeyFor(code: string): string | undefined {
  if (Object.hasOwn(EXPLANATIONS, code)) {
    return code;
  }
  const alias = ALIASES[code];
  if (alias) {
    return alias;
  }
  if (code !== 'ERR_TLS_CERT_ALTNAME_INVALID' && isTlsCode(code)) {
    return 'TlsCertificateError';
  }
  return undefined;
}
