import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpRedirectError, ResponseTooLargeError } from '../../../src/core/azure/http';
import { CancelledError, HttpResponseError, ValidationError } from '../../../src/core/errors/errors';
import { EXPLANATIONS, explain, explainError, explanationKeyFor, formatExplainedError } from '../../../src/core/errors/explain';
import type { StageId } from '../../../src/core/flow/types';
import { parseError } from '../../../src/core/errors/parseError';
import { authenticationError, fixture, messagingError, restError, systemError } from './errorFixtures';
import { DISCOVERY_DETAIL_NAMES, DISCOVERY_SAMPLES } from '../discovery/discoverySamples';

const entra = (code: number, error = 'invalid_request'): HttpResponseError =>
  new HttpResponseError('entra', 400, {}, JSON.stringify({ error, error_description: `AADSTS${code}: something.`, error_codes: [code] }));
const kv = (status: number, code: string, inner?: string, message = 'x'): HttpResponseError =>
  new HttpResponseError('keyVault', status, {}, JSON.stringify({ error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }));
const eh = (status: number, detail = ''): HttpResponseError =>
  new HttpResponseError('eventHubsRest', status, {}, detail ? `<Error><Code>${status}</Code><Detail>${detail}</Detail></Error>` : '');
const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
const entraText = (code: number, error: string, text: string): HttpResponseError =>
  new HttpResponseError('entra', 400, {}, JSON.stringify({ error, error_description: `AADSTS${code}: ${text}`, error_codes: [code] }));

/** One realistic input per table entry: proves every entry is reachable through parseError. */
const SAMPLES: Record<string, unknown> = {
  ...DISCOVERY_SAMPLES,
  AADSTS7000215: new HttpResponseError('entra', 401, {}, fixture('entra-7000215.json')),
  AADSTS7000222: entra(7000222, 'invalid_client'),
  AADSTS7000218: entra(7000218),
  AADSTS700016: entra(700016, 'unauthorized_client'),
  AADSTS90002: new HttpResponseError('entra', 400, {}, fixture('entra-90002.json')),
  AADSTS900023: entra(900023),
  AADSTS90038: entra(90038),
  AADSTS500011: new HttpResponseError('entra', 400, {}, fixture('entra-500011.json')),
  AADSTS70011: entra(70011, 'invalid_scope'),
  AADSTS1002012: entra(1002012),
  AADSTS901002: entra(901002),
  AADSTS900144: entra(900144),
  AADSTS9001023: entra(9001023),
  AADSTS50034: named('AuthenticationRequiredError', 'AADSTS50034: The user account does not exist in the tenant.'),
  AADSTS50076: named('AuthenticationRequiredError', 'AADSTS50076: Due to a configuration change, you must use multi-factor authentication.'),
  AADSTS53003: named('AuthenticationRequiredError', 'AADSTS53003: Access has been blocked by Conditional Access policies.'),
  AADSTS700027: entra(700027, 'invalid_client'),
  AADSTS70003: entra(70003, 'unsupported_grant_type'),
  EntraUnavailable: entra(90033, 'temporarily_unavailable'),
  AADSTS50196: entra(50196),
  AADSTS65001: entra(65001, 'invalid_grant'),
  EntraThrottled: new HttpResponseError('entra', 429, {}, ''),
  EntraError: new HttpResponseError('entra', 400, {}, JSON.stringify({ error: 'invalid_client' })),
  AzureCliNotFound: named('CredentialUnavailableError', 'Azure CLI could not be found.'),
  AzureCliLoginRequired: named('CredentialUnavailableError', "Please run 'az login' to set up an account."),
  TenantNotAllowed: named('CredentialUnavailableError', 'The current credential is not configured to acquire tokens for tenant x.'),
  CredentialUnavailableError: named('CredentialUnavailableError', 'ClientSecretCredential: tenantId is a required parameter.'),
  IdentityError: named('AuthenticationRequiredError', 'Something failed.'),
  AKV10000: new HttpResponseError('keyVault', 401, {}, fixture('kv-akv10000.json')),
  AKV10022: new HttpResponseError('keyVault', 401, {}, fixture('kv-akv10022.json')),
  AKV10032: kv(401, 'Unauthorized', undefined, 'AKV10032: Invalid issuer. Expected one of https://sts.windows.net/a/, found https://sts.windows.net/b/.'),
  ForbiddenByRbac: new HttpResponseError('keyVault', 403, {}, fixture('kv-forbidden-by-rbac.json')),
  AccessDenied: new HttpResponseError('keyVault', 403, {}, fixture('kv-access-denied.json')),
  ForbiddenByFirewall: new HttpResponseError('keyVault', 403, {}, fixture('kv-firewall.json')),
  ForbiddenByPolicy: kv(403, 'Forbidden', 'ForbiddenByPolicy'),
  Forbidden: kv(403, 'Forbidden'),
  SecretNotFound: restError(404, fixture('kv-secret-not-found.json'), {}, 'SecretNotFound'),
  SecretDisabled: new HttpResponseError('keyVault', 403, {}, fixture('kv-secret-disabled.json')),
  SecretExpired: kv(403, 'Forbidden', undefined, 'Operation get is not allowed on an expired secret.'),
  Throttled: new HttpResponseError('keyVault', 429, { 'Retry-After': '5' }, ''),
  KeyVaultTokenExpired: kv(401, 'Unauthorized', undefined, 'Token expired (Activity ID: 6e0b3e8f-4a5b-4c6d-1e2f-3a4b5c6d7e8f)'),
  AKV10046: kv(401, 'Unauthorized', undefined, 'AKV10046: Unable to resolve the key used for signature validation.'),
  BadParameter: kv(400, 'BadParameter', undefined, 'The api-version query parameter is missing.'),
  KeyVaultError: kv(500, 'InternalServerError'),
  InvalidAudience: new HttpResponseError('eventHubsRest', 401, {}, fixture('eh-invalid-audience.xml')),
  InvalidSignature: new HttpResponseError('eventHubsRest', 401, {}, fixture('eh-40103.xml')),
  ExpiredToken: eh(401, "ExpiredToken: The token is expired. Expiration time: '2020-07-01'"),
  MissingSendClaim: new HttpResponseError('eventHubsRest', 401, {}, fixture('eh-send-claim.xml')),
  EventHubsUnauthorized: eh(401),
  EventHubsForbidden: eh(403),
  EntityNotFound: eh(404),
  MessageTooLarge: eh(413),
  EventHubsBadRequest: eh(400),
  EventHubsInternalError: eh(500),
  EventHubsRestError: eh(418),
  UnauthorizedError: messagingError('UnauthorizedError', 'Unauthorized'),
  MissingListenClaim: messagingError(
    'UnauthorizedError',
    "Unauthorized access. 'Listen' claim(s) are required to perform this operation. Resource: 'sb://ns.servicebus.windows.net/es_1/consumergroups/$default/partitions/0'. TrackingId:1_G0",
  ),
  ConsumerGroupNotFound: messagingError(
    'MessagingEntityNotFoundError',
    "The messaging entity 'sb://ns.servicebus.windows.net/es_1/ConsumerGroups/nope' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions. TrackingId:1_G0",
  ),
  ReadBackTimeout: Object.assign(new Error('No event with correlation-id 1 arrived in consumer group $Default within 30 s.'), { name: 'ReadBackTimeoutError', code: 'ReadBackTimeout' }),
  MessagingEntityNotFoundError: messagingError('MessagingEntityNotFoundError', "The messaging entity 'sb://ns/es_x' could not be found.", false),
  MessagingEntityDisabledError: messagingError('MessagingEntityDisabledError', 'disabled', false),
  MessageTooLargeError: messagingError('MessageTooLargeError', 'too large', false),
  ServerBusyError: eh(429),
  ServiceUnavailableError: messagingError('ServiceUnavailableError', 'unavailable'),
  QuotaExceededError: messagingError('QuotaExceededError', 'quota', false),
  ConnectionForcedError: messagingError('ConnectionForcedError', 'forced'),
  OperationTimeoutError: messagingError('OperationTimeoutError', 'timeout'),
  ServiceCommunicationError: messagingError('ServiceCommunicationError', 'Websocket connection failed.', false),
  ArgumentError: messagingError('ArgumentError', 'The specified partition is invalid for an EventHub partition sender or receiver.', false),
  MessagingError: messagingError('SenderBusyError', 'busy'),
  ECONNREFUSED: systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8443'),
  ENOTFOUND: systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND kv.vault.azure.net'),
  EAI_AGAIN: systemError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN kv.vault.azure.net'),
  ECONNRESET: systemError('ECONNRESET', 'socket hang up'),
  ETIMEDOUT: systemError('ETIMEDOUT', 'connect ETIMEDOUT'),
  ProxyAuthenticationRequired: systemError('ProxyAuthenticationRequired', 'The proxy http://127.0.0.1:3128 answered 407 Proxy Authentication Required.'),
  ProxyConnectFailed: systemError('ProxyConnectFailed', 'The proxy http://127.0.0.1:3128 refused CONNECT eventstream-x.servicebus.windows.net:443 (502).'),
  ProxyUnreachable: systemError('ProxyUnreachable', 'The proxy http://127.0.0.1:3128 could not be reached (ECONNREFUSED).'),
  AmqpTcpUnreachable: systemError('AmqpTcpUnreachable', 'AMQP over TCP to eventstream-x.servicebus.windows.net:5671 could not connect (ECONNRESET).'),
  TlsCertificateError: Object.assign(new TypeError('fetch failed'), { cause: systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate') }),
  ERR_TLS_CERT_ALTNAME_INVALID: systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
  UnexpectedRedirect: new HttpRedirectError(302, 'https://kv.vault.azure.net', 'https://login.example.com'),
  ResponseTooLarge: new ResponseTooLargeError('https://kv.vault.azure.net', 4 * 1024 * 1024),
  // An errno without its own entry lands on the network fallback.
  NetworkError: systemError('EPROTO', 'write EPROTO wrong version number'),
  StageTimeout: Object.assign(new Error('Send event did not finish within 30 s.'), { name: 'StageTimeoutError', code: 'StageTimeout' }),
  NotSignedIn: Object.assign(new Error('No Microsoft session in VS Code.'), { name: 'NotSignedInError', code: 'NotSignedIn' }),
  Cancelled: new CancelledError(),
  ValidationError: new ValidationError('endpoint.namespace', 'is empty.', 'Enter it.'),
  Unknown: { weird: true },
};

/** Which table entry `explain` used for an input (by comparing the explanation to the entry; details left out, they pick variants). */
function entryUsed(input: unknown, stage?: StageId): string | undefined {
  const { details: _details, ...parsed } = parseError(input);
  const e = explain(parsed, stage);
  return Object.entries(EXPLANATIONS).find(([, entry]) => entry.fix === e.fix.replace(/ The service asked to wait \d+ s\.$/, '') || entry.summary === e.summary)?.[0];
}

void describe('explain table', () => {
  void it('has at least 30 codes, each well-formed (summary, cause, fix, https docs), stage overrides too', () => {
    const entries = Object.entries(EXPLANATIONS);
    assert.ok(entries.length >= 30, `only ${entries.length} codes`);
    for (const [code, entry] of entries) {
      for (const value of [entry, ...Object.values(entry.byStage ?? {}), ...Object.values(entry.byEndpointAuth ?? {}), ...(entry.byDetail ?? [])]) {
        for (const key of ['summary', 'cause', 'fix'] as const) {
          const text = value[key];
          if (text !== undefined) {
            assert.ok(text.trim().length > 10, `${code}.${key} is too short`);
          }
        }
        if (value.docsUrl !== undefined) {
          assert.match(value.docsUrl, /^https:\/\/(learn\.microsoft\.com|login\.microsoftonline\.com|nodejs\.org|code\.visualstudio\.com)\//, code);
        }
      }
      assert.ok(entry.summary.length <= 120, `${code}: summary must fit a notification`);
    }
  });

  void it('reaches every entry from a realistic error through parseError', () => {
    const missing = Object.keys(EXPLANATIONS).filter((code) => !(code in SAMPLES));
    assert.deepEqual(missing, [], 'every entry needs a sample');
    for (const [code, input] of Object.entries(SAMPLES)) {
      assert.equal(entryUsed(input), code, `sample for ${code}`);
    }
  });

  void it('fills {placeholders} of byDetail variants only with details the parser reads for that code', () => {
    const placeholders = (text: string | undefined): string[] => [...(text ?? '').matchAll(/(?<!\{)\{([A-Za-z]+)\}(?!\})/g)].map((m) => m[1] ?? '');
    for (const [code, entry] of Object.entries(EXPLANATIONS)) {
      for (const variant of entry.byDetail ?? []) {
        for (const key of ['summary', 'cause', 'fix'] as const) {
          for (const name of placeholders(variant[key])) {
            assert.ok(DETAIL_NAMES[code]?.includes(name), `${code}: {${name}} is not a detail parseError reads for it`);
          }
        }
      }
    }
  });

  void it('links unknown AADSTS codes to the Entra lookup page', () => {
    const e = explainError(entra(12345678));
    assert.equal(e.explanation.docsUrl, 'https://login.microsoftonline.com/error?code=12345678');
    assert.match(e.explanation.summary, /AADSTS12345678/);
    assert.match(e.explanation.cause, /something/);
  });

  void it('resolves aliases (older or status codes) to the same advice', () => {
    assert.equal(explanationKeyFor('AADSTS90014'), 'AADSTS900144');
    assert.equal(explanationKeyFor('40103'), 'InvalidSignature');
    assert.equal(explanationKeyFor('Unauthorized'), 'AKV10000');
    assert.equal(explanationKeyFor('CERT_HAS_EXPIRED'), 'TlsCertificateError');
    assert.equal(explanationKeyFor('UND_ERR_CONNECT_TIMEOUT'), 'ETIMEDOUT');
  });
});

/** The details parseError reads per code (parseError.detailsFor), as the table may quote them. */
const DETAIL_NAMES: Record<string, readonly string[]> = {
  ...DISCOVERY_DETAIL_NAMES,
  AADSTS500011: ['resource', 'resourceWithoutDefault'],
  // Not read from Entra's answer: the token stages add them (flow/stages/secretShape.ts, #11).
  AADSTS7000215: ['secretWhitespace', 'secretWhere'],
  AKV10022: ['expectedAudience', 'foundAudience'],
  AKV10032: ['expectedIssuer', 'tokenIssuer', 'vaultTenant', 'tokenTenant'],
  ForbiddenByRbac: ['action', 'scope', 'vaultScope', 'vault'],
  ForbiddenByFirewall: ['clientAddress', 'vault'],
  MissingSendClaim: ['entity'],
  UnexpectedRedirect: ['location'],
};

void describe('details the service names, quoted by the explanation', () => {
  void it('ForbiddenByFirewall shows the client address the vault saw, from the message or else the network-info header', () => {
    const fromMessage = explainError(SAMPLES.ForbiddenByFirewall, { stage: 'readClientId' });
    assert.equal(fromMessage.details?.clientAddress, '203.0.113.7');
    assert.match(fromMessage.explanation.summary, /203\.0\.113\.7/);
    assert.match(fromMessage.explanation.cause, /saw this client at 203\.0\.113\.7/);
    assert.match(fromMessage.explanation.fix, /Add 203\.0\.113\.7 to the vault's firewall/);
    const headerOnly = new HttpResponseError(
      'keyVault',
      403,
      { 'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=198.51.100.23;act_addr_fam=InterNetwork;' },
      JSON.stringify({ error: { code: 'Forbidden', message: 'Client address is not authorized and caller is not a trusted service.', innererror: { code: 'ForbiddenByFirewall' } } }),
    );
    assert.match(explainError(headerOnly).explanation.fix, /Add 198\.51\.100\.23/);
    // Without any address, the generic advice stays and no placeholder shows.
    const bare = explainError(kv(403, 'Forbidden', 'ForbiddenByFirewall', 'Client address is not authorized.'));
    assert.doesNotMatch(JSON.stringify(bare.explanation), /\{clientAddress\}/);
  });

  void it('ForbiddenByRbac names the role, the action, the scope and that assignments take minutes', () => {
    const e = explainError(SAMPLES.ForbiddenByRbac, { stage: 'readClientSecret' });
    assert.ok(e.details?.scope && e.details.action, JSON.stringify(e.details));
    assert.match(e.explanation.fix, /Key Vault Secrets User/);
    assert.match(e.explanation.fix, /minutes/);
    assert.ok(e.explanation.fix.includes(e.details.vaultScope ?? '?'), e.explanation.fix);
    assert.ok(e.explanation.cause.includes(e.details.action), e.explanation.cause);
  });

  void it('500011 spots /.default in the v1 resource and says to drop it or use a v2 scope', () => {
    const e = explainError(SAMPLES.AADSTS500011, { stage: 'eventHubsToken' });
    assert.equal(e.details?.resource, 'https://eventhubs.azure.net/.default');
    assert.match(e.explanation.cause, /resource=https:\/\/eventhubs\.azure\.net\/\.default/);
    assert.match(e.explanation.fix, /Drop \/\.default for the v1 endpoint: resource=https:\/\/eventhubs\.azure\.net\. /);
    assert.match(e.explanation.fix, /scope=https:\/\/eventhubs\.azure\.net\/\.default/);
    // A plain typo (no /.default) keeps the general advice.
    const typo = explainError(entraText(500011, 'invalid_resource', 'The resource principal named https://eventhub.azure.net was not found in the tenant named x.'));
    assert.doesNotMatch(typo.explanation.summary, /v2 scope/);
  });

  void it('AKV10022 calls out the trailing slash; AKV10032 names both tenants', () => {
    const audience = explainError(SAMPLES.AKV10022, { stage: 'readClientId' }).explanation;
    assert.match(audience.cause, /https:\/\/vault\.azure\.net\/: the vault resource with a trailing slash/);
    assert.match(audience.fix, /resource=https:\/\/vault\.azure\.net \(v1, no trailing slash\)/);
    const vaultTid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const tokenTid = '0d4f3c1e-1111-2222-3333-444455556666';
    const issuer = explainError(
      kv(401, 'Unauthorized', undefined, `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vaultTid}/, https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/, found https://sts.windows.net/${tokenTid}/.`),
    ).explanation;
    assert.ok(issuer.cause.includes(tokenTid), issuer.cause);
    assert.ok(issuer.fix.includes(vaultTid), issuer.fix);
  });

  void it("the missing 'Send' claim: Fabric's requirements with Entra ID, a send-only policy with SAS", () => {
    const entraFix = explainError(SAMPLES.MissingSendClaim, { stage: 'send', endpointAuth: 'entra' }).explanation;
    assert.match(entraFix.fix, /Service principals can call Fabric public APIs/);
    assert.match(entraFix.fix, /Contributor/);
    for (const auth of ['sas', 'connectionString'] as const) {
      const sas = explainError(SAMPLES.MissingSendClaim, { stage: 'send', endpointAuth: auth }).explanation;
      assert.match(sas.cause, /Send/);
      assert.match(sas.fix, /send-only policy is enough/);
      assert.match(sas.fix, /root key .* not needed/);
      assert.doesNotMatch(sas.fix, /Fabric public APIs/);
    }
    assert.match(explainError(eh(401), { stage: 'send', endpointAuth: 'entra' }).explanation.fix, /Contributor/);
    assert.match(explainError(SAMPLES.UnauthorizedError, { stage: 'send', endpointAuth: 'sas' }).explanation.fix, /send-only policy/);
  });

  void it('DNS: ENOTFOUND and EAI_AGAIN both point at the host of the failed stage', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const e = explainError(SAMPLES[code], { stage: 'send' }).explanation;
      assert.match(e.summary, /DNS/);
      assert.match(e.fix, /namespace/);
      assert.match(e.cause, /typo/);
    }
  });
});

void describe('stage-specific remedies', () => {
  void it('7000215 blames the profile at stage 1 and the Key Vault secret at stage 4', () => {
    const input = SAMPLES.AADSTS7000215;
    const reader = explainError(input, { stage: 'keyVaultToken' }).explanation;
    const pipeline = explainError(input, { stage: 'eventHubsToken' }).explanation;
    assert.notEqual(reader.fix, pipeline.fix);
    assert.match(reader.fix, /profile/);
    assert.match(pipeline.fix, /Key Vault secret/);
    assert.match(pipeline.cause, /Secret ID/);
  });

  void it('500011 names the right resource per stage and explains /.default on v1', () => {
    const kvFix = explain({ source: 'entra', code: 'AADSTS500011', message: '' }, 'keyVaultToken').fix;
    const ehFix = explain({ source: 'entra', code: 'AADSTS500011', message: '' }, 'eventHubsToken').fix;
    assert.match(kvFix, /vault\.azure\.net/);
    assert.match(ehFix, /eventhubs\.azure\.net\/\.default was not found/);
  });

  void it('ENOTFOUND points at the vault URL or the namespace depending on the stage', () => {
    const input = SAMPLES.ENOTFOUND;
    assert.match(explainError(input, { stage: 'readClientSecret' }).explanation.fix, /vault URL/);
    assert.match(explainError(input, { stage: 'send' }).explanation.fix, /namespace/);
  });
});

void describe('explainError and formatExplainedError', () => {
  void it('keeps the ValidationError fix and the stage, and adds Retry-After to the fix', () => {
    const v = explainError(new ValidationError('keyVault.vaultUrl', 'is empty.', 'Enter https://<vault>.vault.azure.net.'), { stage: 'readClientId' });
    assert.equal(v.explanation.fix, 'Enter https://<vault>.vault.azure.net.');
    assert.equal(v.stage, 'readClientId');
    const t = explainError(SAMPLES.Throttled, { stage: 'readClientId' });
    assert.match(t.explanation.fix, /wait 5 s/);
  });

  void it('is plain JSON-safe data with no secret in any field', () => {
    const secret = 'Xy7Q~abcDEF.ghiJKL_mnoPQR-stuVWX0123456';
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0In0.c2lnbmF0dXJl';
    const body = JSON.stringify({ error: 'weird_error', error_description: `echo: client_secret=${secret}&access_token=${jwt}` });
    const e = explainError(new HttpResponseError('entra', 400, {}, body), { stage: 'eventHubsToken', secrets: [secret] });
    const json = JSON.stringify(e);
    assert.deepEqual(JSON.parse(json), e);
    assert.ok(!json.includes(secret) && !json.includes(encodeURIComponent(secret)) && !json.includes(jwt), json);
    const id = explainError(authenticationError(401, { error: 'invalid_client', error_description: `AADSTS7000215: bad secret ${secret}` }), { secrets: [secret] });
    assert.ok(!JSON.stringify(id).includes(secret));
  });

  void it('formats stage, cause, fix, docs and details on separate lines', () => {
    const text = formatExplainedError(explainError(SAMPLES.ForbiddenByRbac, { stage: 'readClientSecret' }));
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /ForbiddenByRbac, HTTP 403/);
    assert.ok(lines.includes('Stage: Read client secret'));
    assert.ok(lines.some((l) => l.startsWith('Cause: ')));
    assert.ok(lines.some((l) => l.startsWith('Fix: ') && l.includes('Key Vault Secrets User')));
    assert.ok(lines.some((l) => l.startsWith('Docs: https://')));
    assert.ok(text.includes('Details: Caller is not authorized'));
  });
});
