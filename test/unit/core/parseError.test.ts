import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, HttpResponseError, ValidationError } from '../../../src/core/errors/errors';
import { parseError, retryAfter } from '../../../src/core/errors/parseError';
import { REDACTED } from '../../../src/core/logging/redact';
import { authenticationError, fixture, messagingError, restError, systemError } from './errorFixtures';

void describe('parseError: Entra ID', () => {
  void it('reads the 401 invalid_client AADSTS7000215 body', () => {
    const parsed = parseError(new HttpResponseError('entra', 401, {}, fixture('entra-7000215.json')));
    assert.equal(parsed.source, 'entra');
    assert.equal(parsed.code, 'AADSTS7000215');
    assert.equal(parsed.innerCode, 'invalid_client');
    assert.equal(parsed.status, 401);
    assert.match(parsed.message, /client secret value, not the client secret ID/);
  });

  void it('reads 90002 and 500011 bodies, keeping the /.default hint in the message', () => {
    const tenant = parseError(new HttpResponseError('entra', 400, {}, fixture('entra-90002.json')));
    assert.equal(tenant.code, 'AADSTS90002');
    assert.equal(tenant.innerCode, 'invalid_request');
    const resource = parseError(JSON.parse(fixture('entra-500011.json')) as unknown);
    assert.equal(resource.code, 'AADSTS500011');
    assert.equal(resource.innerCode, 'invalid_resource');
    assert.match(resource.message, /eventhubs\.azure\.net\/\.default was not found/);
  });

  void it('falls back to the AADSTS number in the description, then to `error`', () => {
    const body = JSON.stringify({ error: 'invalid_request', error_description: 'AADSTS900023: Specified tenant identifier {{tenantId}} is neither a valid DNS name, nor a valid external domain.' });
    assert.equal(parseError(new HttpResponseError('entra', 400, {}, body)).code, 'AADSTS900023');
    const bare = parseError(new HttpResponseError('entra', 400, {}, JSON.stringify({ error: 'unsupported_grant_type' })));
    assert.equal(bare.code, 'unsupported_grant_type');
    assert.equal(bare.source, 'entra');
  });
});

void describe('parseError: @azure/identity', () => {
  void it('reads AuthenticationError.errorResponse', () => {
    const body = JSON.parse(fixture('entra-7000215.json')) as { error: string; error_description: string; error_codes: number[] };
    const parsed = parseError(authenticationError(401, body));
    assert.equal(parsed.source, 'identity');
    assert.equal(parsed.code, 'AADSTS7000215');
    assert.equal(parsed.innerCode, 'invalid_client');
    assert.equal(parsed.status, 401);
  });

  void it('finds the AADSTS code in an AuthenticationRequiredError wrapping an MSAL ServerError', () => {
    const cause = Object.assign(new Error('invalid_client: Error(s): 7000222 - Timestamp: …'), {
      name: 'ServerError',
      errorCode: 'invalid_client',
      errorMessage: "AADSTS7000222: The provided client secret keys for app '3f2b8c1e' are expired.",
    });
    const error = Object.assign(new Error('ClientSecretCredential authentication failed.'), { name: 'AuthenticationRequiredError', cause });
    const parsed = parseError(error);
    assert.equal(parsed.code, 'AADSTS7000222');
    assert.equal(parsed.innerCode, 'invalid_client');
  });

  void it('names the Azure CLI and multi-tenant cases of CredentialUnavailableError', () => {
    const cli = Object.assign(new Error("Please run 'az login' from a command prompt to authenticate before using this credential."), { name: 'CredentialUnavailableError' });
    assert.equal(parseError(cli).code, 'AzureCliLoginRequired');
    const missing = Object.assign(new Error('Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions.'), { name: 'CredentialUnavailableError' });
    assert.equal(parseError(missing).code, 'AzureCliNotFound');
    const tenant = Object.assign(new Error('The current credential is not configured to acquire tokens for tenant 72f988bf.'), { name: 'CredentialUnavailableError' });
    assert.equal(parseError(tenant).code, 'TenantNotAllowed');
  });
});

void describe('parseError: Key Vault', () => {
  void it('uses the AKV code inside an Unauthorized message', () => {
    const parsed = parseError(new HttpResponseError('keyVault', 401, {}, fixture('kv-akv10022.json')));
    assert.deepEqual([parsed.source, parsed.code, parsed.innerCode, parsed.status], ['keyVault', 'AKV10022', 'Unauthorized', 401]);
  });

  void it('prefers innererror.code (ForbiddenByRbac, AccessDenied, SecretDisabled, ForbiddenByFirewall)', () => {
    for (const [file, code] of [
      ['kv-forbidden-by-rbac.json', 'ForbiddenByRbac'],
      ['kv-access-denied.json', 'AccessDenied'],
      ['kv-secret-disabled.json', 'SecretDisabled'],
      ['kv-firewall.json', 'ForbiddenByFirewall'],
    ] as const) {
      const parsed = parseError(new HttpResponseError('keyVault', 403, {}, fixture(file)));
      assert.equal(parsed.code, code, file);
      assert.equal(parsed.innerCode, 'Forbidden', file);
    }
    const rbac = parseError(new HttpResponseError('keyVault', 403, {}, fixture('kv-forbidden-by-rbac.json')));
    assert.match(rbac.message, /getSecret\/action/);
  });

  void it('reads SecretNotFound and a 429 without body with Retry-After', () => {
    assert.equal(parseError(new HttpResponseError('keyVault', 404, {}, fixture('kv-secret-not-found.json'))).code, 'SecretNotFound');
    const throttled = parseError(new HttpResponseError('keyVault', 429, { 'Retry-After': '7' }, ''));
    assert.deepEqual([throttled.code, throttled.retryAfterSeconds], ['Throttled', 7]);
  });

  void it('reads a RestError from the Key Vault SDK (body, status, HttpHeaders)', () => {
    const parsed = parseError(restError(404, fixture('kv-secret-not-found.json'), {}, 'SecretNotFound'));
    assert.deepEqual([parsed.source, parsed.code, parsed.status], ['keyVault', 'SecretNotFound', 404]);
    const throttled = parseError(restError(429, '', { 'Retry-After': '3' }));
    assert.deepEqual([throttled.code, throttled.retryAfterSeconds], ['Throttled', 3]);
  });

  void it('reads the parsed body the generated Key Vault client puts in RestError.details (innerError)', () => {
    const error = Object.assign(new Error('Operation get is not allowed on a disabled secret.'), {
      name: 'RestError',
      code: 'Forbidden',
      statusCode: 403,
      details: { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innerError: { code: 'SecretDisabled' } } },
    });
    const parsed = parseError(error);
    assert.deepEqual([parsed.source, parsed.code, parsed.innerCode, parsed.status], ['keyVault', 'SecretDisabled', 'Forbidden', 403]);
  });

  void it('treats a RestError whose code is an errno as a network error', () => {
    const parsed = parseError(Object.assign(new Error('getaddrinfo ENOTFOUND kv-pipelin.vault.azure.net'), { name: 'RestError', code: 'ENOTFOUND' }));
    assert.deepEqual([parsed.source, parsed.code], ['network', 'ENOTFOUND']);
  });
});

void describe('parseError: Event Hubs REST', () => {
  void it('reads the detail prefix of the XML body', () => {
    const cases = [
      ['eh-invalid-audience.xml', 'InvalidAudience'],
      ['eh-invalid-signature.xml', 'InvalidSignature'],
      ['eh-40103.xml', '40103'],
      ['eh-send-claim.xml', 'MissingSendClaim'],
    ] as const;
    for (const [file, code] of cases) {
      const parsed = parseError(new HttpResponseError('eventHubsRest', 401, {}, fixture(file)));
      assert.deepEqual([parsed.source, parsed.code, parsed.status], ['eventHubsRest', code, 401], file);
    }
  });

  void it('reads ExpiredToken and falls back to the status', () => {
    const expired = "<Error><Code>401</Code><Detail>ExpiredToken: The token is expired. Expiration time: '2020-07-01 10:00:00Z'</Detail></Error>";
    assert.equal(parseError(new HttpResponseError('eventHubsRest', 401, {}, expired)).code, 'ExpiredToken');
    const byStatus: [number, string][] = [
      [404, 'EntityNotFound'],
      [410, 'EntityNotFound'],
      [413, 'MessageTooLarge'],
      [403, 'EventHubsForbidden'],
      [500, 'EventHubsInternalError'],
      [503, 'ServiceUnavailableError'],
    ];
    for (const [status, code] of byStatus) {
      assert.equal(parseError(new HttpResponseError('eventHubsRest', status, {}, '')).code, code, String(status));
    }
    const busy = parseError(new HttpResponseError('eventHubsRest', 429, { 'retry-after': '2' }, ''));
    assert.deepEqual([busy.code, busy.retryAfterSeconds], ['ServerBusyError', 2]);
  });
});

void describe('parseError: AMQP', () => {
  void it('reads MessagingError.code', () => {
    for (const code of ['MessagingEntityNotFoundError', 'MessageTooLargeError', 'ServerBusyError', 'ServiceUnavailableError', 'QuotaExceededError', 'ConnectionForcedError', 'OperationTimeoutError']) {
      const parsed = parseError(messagingError(code, `${code} happened`));
      assert.deepEqual([parsed.source, parsed.code], ['amqp', code]);
    }
  });

  void it("refines UnauthorizedError from the service's description", () => {
    const claim = messagingError('UnauthorizedError', "Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: 'sb://eventstream-1234abcd.servicebus.windows.net/es_5678efgh'.");
    assert.deepEqual([parseError(claim).code, parseError(claim).innerCode], ['MissingSendClaim', 'UnauthorizedError']);
    assert.equal(parseError(messagingError('UnauthorizedError', 'InvalidSignature: The token has an invalid signature.')).code, 'InvalidSignature');
    assert.equal(parseError(messagingError('UnauthorizedError', 'Unauthorized')).code, 'UnauthorizedError');
  });

  void it('keeps the errno of a system error translated by core-amqp', () => {
    const dns = messagingError('ENOTFOUND', 'getaddrinfo ENOTFOUND eventstream-typo.servicebus.windows.net', false, { syscall: 'getaddrinfo', errno: -3008, hostname: 'eventstream-typo.servicebus.windows.net' });
    const parsed = parseError(dns);
    assert.deepEqual([parsed.source, parsed.code, parsed.innerCode], ['network', 'ENOTFOUND', 'MessagingError']);
  });
});

void describe('parseError: network, cancellation, timeout, validation', () => {
  void it('reads errno codes, also nested in cause as fetch() throws them', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN']) {
      assert.equal(parseError(systemError(code, `connect ${code} 127.0.0.1:8443`)).code, code);
      const wrapped = Object.assign(new TypeError('fetch failed'), { cause: systemError(code, `${code} x`) });
      const parsed = parseError(wrapped);
      assert.deepEqual([parsed.source, parsed.code], ['network', code]);
    }
  });

  void it('reads TLS certificate errors', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const parsed = parseError(Object.assign(new TypeError('fetch failed'), { cause: systemError(code, 'certificate problem') }));
      assert.deepEqual([parsed.source, parsed.code], ['network', code]);
    }
  });

  void it('reports aborts as cancelled and stage timeouts as timeouts', () => {
    assert.equal(parseError(new CancelledError()).source, 'cancelled');
    assert.equal(parseError(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })).code, 'Cancelled');
    const stageTimeout = Object.assign(new Error('Send event did not finish within 30 s.'), { name: 'StageTimeoutError', code: 'StageTimeout' });
    assert.deepEqual([parseError(stageTimeout).source, parseError(stageTimeout).code], ['timeout', 'StageTimeout']);
    const abortByTimeout = Object.assign(new Error('aborted'), { name: 'AbortError', cause: stageTimeout });
    assert.equal(parseError(abortByTimeout).source, 'timeout');
    assert.equal(parseError(new DOMException('The operation timed out.', 'TimeoutError')).code, 'StageTimeout');
  });

  void it('reads ValidationError with its field', () => {
    const parsed = parseError(new ValidationError('keyVault.vaultUrl', 'is empty.', 'Enter the vault URL.'));
    assert.deepEqual([parsed.source, parsed.code, parsed.innerCode], ['validation', 'ValidationError', 'keyVault.vaultUrl']);
  });

  void it('handles strings, numbers and null without throwing', () => {
    assert.equal(parseError('AADSTS50196: The server terminated an operation because it encountered a client request loop.').code, 'AADSTS50196');
    assert.equal(parseError(42).source, 'unknown');
    assert.equal(parseError(null).code, 'Unknown');
  });

  void it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfter('120'), 120);
    assert.equal(retryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000), 30);
    assert.equal(retryAfter('soon'), undefined);
  });
});

void describe('parseError: redaction', () => {
  const secret = 'Xy7Q~abcDEF.ghiJKL_mnoPQR-stuVWX0123456';
  const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJlLXBhcnQ';

  void it('removes a client secret echoed in a request body, known or not', () => {
    const echoed = `AADSTS7000215: Invalid client secret provided. Request body: grant_type=client_credentials&client_id=abc&client_secret=${encodeURIComponent(secret)}&resource=https%3A%2F%2Fvault.azure.net`;
    const unknown = parseError(new Error(echoed));
    assert.ok(!unknown.message.includes(encodeURIComponent(secret)));
    assert.ok(!unknown.message.includes(secret));
    const known = parseError(new Error(`the secret ${secret} was rejected`), { secrets: [secret] });
    assert.equal(known.message, `the secret ${REDACTED} was rejected`);
  });

  void it('removes JWTs, sig=, SharedAccessKey= and SAS tokens from every source', () => {
    const inputs: unknown[] = [
      new HttpResponseError('eventHubsRest', 401, {}, `<Error><Code>401</Code><Detail>InvalidSignature: bad token SharedAccessSignature sr=sb%3A%2F%2Fns%2Fhub&sig=AbCdEf%2B123%3D&se=1700000000&skn=key_1</Detail></Error>`),
      messagingError('UnauthorizedError', `put-token failed for Bearer ${jwt}`),
      new Error('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==;EntityPath=es_1'),
      new HttpResponseError('keyVault', 500, {}, JSON.stringify({ value: 'the-secret-value', id: 'https://kv.vault.azure.net/secrets/x/1' })),
    ];
    for (const input of inputs) {
      const { message } = parseError(input);
      assert.ok(!/AbCdEf|c2VjcmV0|the-secret-value|eyJ0eXAi/.test(message), message);
    }
  });
});

void describe('parseError: details the service names', () => {
  void it('reads the firewall client address, the RBAC action and scopes, the v1 resource, audiences and issuer tenants', () => {
    const firewall = parseError(new HttpResponseError('keyVault', 403, {}, fixture('kv-firewall.json')));
    assert.deepEqual(firewall.details, { clientAddress: '203.0.113.7', vault: 'kv-pipeline' });
    const rbac = parseError(new HttpResponseError('keyVault', 403, {}, fixture('kv-forbidden-by-rbac.json')));
    assert.equal(rbac.details?.action, 'Microsoft.KeyVault/vaults/secrets/getSecret/action');
    assert.match(rbac.details?.scope ?? '', /^\/subscriptions\/.*\/providers\/microsoft\.keyvault\/vaults\//i);
    assert.match(rbac.details?.vaultScope ?? '', /\/providers\/microsoft\.keyvault\/vaults\/[^/]+$/i);
    const resource = parseError(new HttpResponseError('entra', 400, {}, fixture('entra-500011.json')));
    assert.deepEqual(resource.details, { resource: 'https://eventhubs.azure.net/.default', resourceWithoutDefault: 'https://eventhubs.azure.net' });
    const audience = parseError(new HttpResponseError('keyVault', 401, {}, fixture('kv-akv10022.json')));
    assert.deepEqual(audience.details, { expectedAudience: 'https://vault.azure.net', foundAudience: 'https://vault.azure.net/' });
    const issuer = parseError(
      'AKV10032: Invalid issuer. Expected one of https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/, https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/, found https://sts.windows.net/0d4f3c1e-1111-2222-3333-444455556666/.',
    );
    assert.equal(issuer.details?.vaultTenant, '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(issuer.details?.tokenTenant, '0d4f3c1e-1111-2222-3333-444455556666');
    assert.equal(parseError(new HttpResponseError('eventHubsRest', 401, {}, fixture('eh-send-claim.xml'))).details?.entity, 'sb://eventstream-1234abcd.servicebus.windows.net/es_5678efgh');
  });

  void it('takes the firewall address from x-ms-keyvault-network-info when the message lacks it (RestError too)', () => {
    const body = JSON.stringify({ error: { code: 'Forbidden', message: 'Client address is not authorized and caller is not a trusted service.', innererror: { code: 'ForbiddenByFirewall' } } });
    const parsed = parseError(restError(403, body, { 'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=198.51.100.23;act_addr_fam=InterNetwork;' }));
    assert.equal(parsed.code, 'ForbiddenByFirewall');
    assert.equal(parsed.details?.clientAddress, '198.51.100.23');
  });

  void it('redacts details like the message, and leaves them out when there are none', () => {
    const secret = 'kv-pipeline';
    const parsed = parseError(new HttpResponseError('keyVault', 403, {}, fixture('kv-firewall.json')), { secrets: [secret] });
    assert.equal(parsed.details?.vault, REDACTED);
    assert.equal(parseError(new HttpResponseError('keyVault', 404, {}, fixture('kv-secret-not-found.json'))).details, undefined);
  });
});
