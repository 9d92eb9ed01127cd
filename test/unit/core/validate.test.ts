import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidationError, type ValidationError } from '../../../src/core/errors/errors';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import {
  assertValidProfile,
  normalizeProfile,
  parseEventBody,
  validateAuthorityHost,
  validateClientId,
  validateClientSecret,
  validateEventHubName,
  validateEventSize,
  validateNamespace,
  validatePartitionOptions,
  validateProfile,
  validateProperties,
  validateSasKey,
  validateSasKeyName,
  validateSecretName,
  validateSecretVersion,
  validateTenantId,
  validateVaultUrl,
  valueOrThrow,
  type Validated,
} from '../../../src/core/model/validate';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '3f2b8c1e-5d4a-4e8b-9c7d-1a2b3c4d5e6f';

function accepted<T>(result: Validated<T>): T {
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}
function rejected<T>(result: Validated<T>, field: string, problem?: RegExp): ValidationError {
  assert.ok(!result.ok, `expected a rejection for ${field}`);
  assert.equal(result.error.field, field);
  assert.ok(result.error.fix.length > 0);
  if (problem) {
    assert.match(`${result.error.problem} ${result.error.fix}`, problem);
  }
  return result.error;
}

function goodProfile(): ConnectionProfile {
  return {
    id: 'p1',
    name: 'Pipeline',
    cloud: 'public',
    keyVault: {
      vaultUrl: 'https://kv-pipeline.vault.azure.net',
      auth: { kind: 'servicePrincipal', tenantId: TENANT, clientId: CLIENT, clientSecret: 'Ab8Q~readerSecretValue0123456789abcdefgh' },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret', version: '4387e9f3d6e14c459867679a90fd0f79' },
    },
    eventHubsToken: { tenantId: TENANT, endpointVersion: 'v1' },
    endpoint: { namespace: 'eventstream-1234abcd.servicebus.windows.net', eventHubName: 'es_5678efgh', auth: { kind: 'entra' }, protocol: 'rest' },
  };
}

void describe('identity validators', () => {
  void it('accepts tenant GUIDs and domains', () => {
    assert.equal(accepted(validateTenantId(` ${TENANT.toUpperCase()} `)), TENANT);
    assert.equal(accepted(validateTenantId('contoso.onmicrosoft.com')), 'contoso.onmicrosoft.com');
  });

  void it('rejects multi-tenant aliases, placeholders, undefined and URLs with an explanation', () => {
    rejected(validateTenantId('common'), 'tenantId', /AADSTS9001023/);
    rejected(validateTenantId('organizations'), 'tenantId', /multi-tenant/);
    rejected(validateTenantId('{{tenantId}}'), 'tenantId', /placeholder/);
    rejected(validateTenantId("@{pipeline().parameters.tenant}"), 'tenantId', /placeholder/);
    rejected(validateTenantId('undefined'), 'tenantId', /AADSTS900023/);
    rejected(validateTenantId(`https://login.microsoftonline.com/${TENANT}/oauth2/token`), 'tenantId', new RegExp(`Use only the tenant GUID from it: ${TENANT}`));
    rejected(validateTenantId('72f988bf-86f1-41af-91ab-2d7cd011db4'), 'tenantId', /malformed/);
    rejected(validateTenantId(''), 'tenantId');
  });

  void it('accepts client id GUIDs and spots a secret pasted as a client id', () => {
    assert.equal(accepted(validateClientId(CLIENT)), CLIENT);
    rejected(validateClientId('Ab8Q~readerSecretValue0123456789abcdefgh'), 'clientId', /client secret value/);
    rejected(validateClientId('my-app'), 'clientId', /not a GUID/);
  });

  void it('rejects a Secret ID (GUID) typed as the client secret', () => {
    rejected(validateClientSecret('4a2f6c1d-1234-4abc-9def-0123456789ab'), 'clientSecret', /Secret ID/);
    assert.ok(validateClientSecret('Ab8Q~x').ok);
  });
});

void describe('Key Vault validators', () => {
  void it('checks secret names and versions', () => {
    assert.equal(accepted(validateSecretName('pipeline-client-id')), 'pipeline-client-id');
    rejected(validateSecretName('pipeline_client_id'), 'secretName', /_/);
    rejected(validateSecretName('x'.repeat(128)), 'secretName', /127/);
    rejected(validateSecretName('https://kv.vault.azure.net/secrets/pipeline-id/abc'), 'secretName', /Use only the name: pipeline-id/);
    assert.equal(accepted(validateSecretVersion('')), undefined);
    assert.equal(accepted(validateSecretVersion('4387E9F3D6E14C459867679A90FD0F79')), '4387e9f3d6e14c459867679a90fd0f79');
    rejected(validateSecretVersion('latest'), 'secretVersion', /32 hexadecimal/);
  });

  void it('normalises vault URLs and strips a secret path with a note', () => {
    assert.equal(accepted(validateVaultUrl('https://KV-Pipeline.vault.azure.net/')), 'https://kv-pipeline.vault.azure.net');
    const stripped = validateVaultUrl('https://kv-pipeline.vault.azure.net/secrets/pipeline-client-id/4387e9f3d6e14c459867679a90fd0f79');
    assert.ok(stripped.ok && stripped.value === 'https://kv-pipeline.vault.azure.net');
    assert.match(stripped.ok ? (stripped.note ?? '') : '', /pipeline-client-id/);
    assert.equal(accepted(validateVaultUrl('http://localhost:8443')), 'http://localhost:8443');
    assert.equal(accepted(validateVaultUrl('https://127.0.0.1:9000')), 'https://127.0.0.1:9000');
    assert.equal(accepted(validateVaultUrl('https://kv.vault.azure.cn', 'china')), 'https://kv.vault.azure.cn');
  });

  void it('rejects http, queries, bare names and the wrong cloud suffix', () => {
    rejected(validateVaultUrl('http://kv.vault.azure.net'), 'vaultUrl', /https/);
    rejected(validateVaultUrl('https://kv.vault.azure.net/secrets/x?api-version=7.0'), 'vaultUrl', /query/);
    rejected(validateVaultUrl('kv-pipeline'), 'vaultUrl', /https:\/\/kv-pipeline\.vault\.azure\.net/);
    rejected(validateVaultUrl('https://kv.vault.azure.cn'), 'vaultUrl', /Azure China/);
    rejected(validateVaultUrl('https://kv.vault.azure.com'), 'vaultUrl', /\.vault\.azure\.net/);
  });
});

void describe('Event Hubs validators', () => {
  void it('normalises namespaces from sb:// and https:// forms', () => {
    const fabric = 'eventstream-1234abcd.servicebus.windows.net';
    assert.equal(accepted(validateNamespace(fabric)), fabric);
    assert.equal(accepted(validateNamespace(`sb://${fabric}/`)), fabric);
    assert.equal(accepted(validateNamespace(`https://${fabric.toUpperCase()}/`)), fabric);
    assert.equal(accepted(validateNamespace('localhost:5671')), 'localhost:5671');
    assert.equal(accepted(validateNamespace('my-namespace.servicebus.usgovcloudapi.net', 'usgov')), 'my-namespace.servicebus.usgovcloudapi.net');
  });

  void it('rejects bare names, foreign suffixes, ports and connection strings', () => {
    rejected(validateNamespace('eventstream-1234abcd'), 'namespace', /servicebus\.windows\.net/);
    rejected(validateNamespace('ns-name.servicebus.chinacloudapi.cn'), 'namespace', /Azure China/);
    rejected(validateNamespace('my-namespace.servicebus.windows.net:5671'), 'namespace', /port/);
    rejected(validateNamespace('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=abc'), 'namespace', /connection string/);
    rejected(validateNamespace('ab.servicebus.windows.net'), 'namespace', /6–50/);
  });

  void it('checks event hub names, SAS key names and keys', () => {
    assert.equal(accepted(validateEventHubName('es_5678efgh')), 'es_5678efgh');
    rejected(validateEventHubName('x'.repeat(257)), 'eventHubName', /256/);
    rejected(validateEventHubName('_hub'), 'eventHubName');
    rejected(validateEventHubName('ns/hub'), 'eventHubName', /\//);
    assert.equal(accepted(validateSasKeyName('key_5678efgh')), 'key_5678efgh');
    rejected(validateSasKeyName('SharedAccessKeyName=key_1'), 'sasKeyName', /prefix/);
    const key = rejected(validateSasKey('SharedAccessKey=c2VjcmV0'), 'sasKey', /prefix/);
    assert.ok(!key.message.includes('c2VjcmV0'), 'the key is never echoed');
    rejected(validateSasKey('Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b'), 'sasKey', /connection string/);
  });

  void it('checks authority hosts: the cloud host or a loopback override over https', () => {
    assert.equal(accepted(validateAuthorityHost('https://localhost:8443/')), 'https://localhost:8443');
    assert.equal(accepted(validateAuthorityHost('https://login.microsoftonline.com')), 'https://login.microsoftonline.com');
    rejected(validateAuthorityHost('http://localhost:8443'), 'authorityHost', /https/);
    rejected(validateAuthorityHost('https://login.microsoftonline.us'), 'authorityHost', /US Government/);
    rejected(validateAuthorityHost('https://evil.example.com'), 'authorityHost', /localhost/);
    rejected(validateAuthorityHost(`https://login.microsoftonline.com/${TENANT}/oauth2/token`), 'authorityHost', /path/);
  });

  void it('checks partition key/id length and exclusivity, and custom properties', () => {
    assert.deepEqual(validatePartitionOptions({ partitionKey: 'device-1' }), []);
    const both = validatePartitionOptions({ partitionKey: 'k'.repeat(129), partitionId: '1' });
    assert.deepEqual(both.map((e) => e.field), ['partitionKey', 'partitionId']);
    assert.equal(validatePartitionOptions({ partitionId: 'zero' })[0]?.field, 'partitionId');
    assert.deepEqual(validateProperties({ source: 'pipeline', retries: 3, ok: true }), []);
    const bad = validateProperties({ 'bad name': 'x', Authorization: 'x', multi: 'a\r\nInjected: 1', obj: { a: 1 } });
    assert.deepEqual(bad.map((e) => e.field), ['properties.bad name', 'properties.Authorization', 'properties.multi', 'properties.obj']);
  });
});

void describe('event bodies', () => {
  void it('parses JSON and reports line and column with a fix', () => {
    assert.deepEqual(accepted(parseEventBody('{"deviceId":"dev-1","t":21.5}')), { deviceId: 'dev-1', t: 21.5 });
    const trailing = rejected(parseEventBody('{\n  "a": 1,\n}'), 'body', /trailing comma/);
    assert.match(trailing.problem, /line 3, column 1/);
    rejected(parseEventBody("{'a': 1}"), 'body', /double quotes/);
    rejected(parseEventBody('{"a": tru}'), 'body', /line 1, column 7/);
    rejected(parseEventBody('{"a": [1, 2'), 'body', /ends early/);
    rejected(parseEventBody('   '), 'body', /empty/);
  });

  void it('refuses events over 1 MiB, saying by how much', () => {
    assert.equal(accepted(validateEventSize('x'.repeat(1_048_576))), 1_048_576);
    rejected(validateEventSize('é'.repeat(600_000)), 'body', /1,200,000 bytes, 151,424 bytes over the 1 MiB \(1,048,576 bytes\)/);
    rejected(validateEventSize(2_000_000), 'body', /951,424 bytes over/);
  });
});

void describe('validateProfile', () => {
  void it('accepts a good profile and normalises addresses', () => {
    const profile = goodProfile();
    assert.deepEqual(validateProfile(profile), []);
    assert.doesNotThrow(() => assertValidProfile(profile));
    const messy = { ...profile, endpoint: { ...profile.endpoint, namespace: 'sb://eventstream-1234abcd.servicebus.windows.net/' } };
    assert.equal(normalizeProfile(messy).endpoint.namespace, 'eventstream-1234abcd.servicebus.windows.net');
  });

  void it('reports every problem, each with its field path', () => {
    const base = goodProfile();
    const profile: ConnectionProfile = {
      ...base,
      keyVault: {
        ...base.keyVault,
        vaultUrl: 'http://kv.vault.azure.net',
        auth: { kind: 'servicePrincipal', tenantId: 'common', clientId: 'nope', clientSecret: '' },
        clientSecretSecret: { name: 'pipeline-client-id' },
      },
      eventHubsToken: { tenantId: '{{tenant}}', endpointVersion: 'v1' },
      endpoint: { ...base.endpoint, namespace: 'eventstream-1234abcd', eventHubName: '' },
    };
    const fields = validateProfile(profile).map((e) => e.field);
    assert.deepEqual(fields, [
      'keyVault.vaultUrl',
      'keyVault.auth.tenantId',
      'keyVault.auth.clientId',
      'keyVault.auth.clientSecret',
      'keyVault.clientSecretSecret.name',
      'eventHubsToken.tenantId',
      'endpoint.namespace',
      'endpoint.eventHubName',
    ]);
    assert.throws(() => assertValidProfile(profile), (e: unknown) => isValidationError(e) && e.field === 'keyVault.vaultUrl' && /Also:/.test(e.fix));
  });

  void it("checks a connection string's EntityPath against the event hub name, and SAS fields", () => {
    const base = goodProfile();
    const cs = 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=abc=;EntityPath=es_other';
    const mismatch = validateProfile({ ...base, endpoint: { ...base.endpoint, auth: { kind: 'connectionString', connectionString: cs } } });
    assert.deepEqual(mismatch.map((e) => e.field), ['endpoint.eventHubName']);
    const broken = validateProfile({ ...base, endpoint: { ...base.endpoint, auth: { kind: 'connectionString', connectionString: 'SharedAccessKey=x' } } });
    assert.deepEqual(broken.map((e) => e.field), ['endpoint.auth.connectionString']);
    const sas = validateProfile({ ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: '', key: 'a b' } } });
    assert.deepEqual(sas.map((e) => e.field), ['endpoint.auth.keyName', 'endpoint.auth.key']);
  });

  void it('accepts an extra CA only on a profile whose hosts are all loopback (the sandbox)', () => {
    const base = goodProfile();
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const sandbox: ConnectionProfile = {
      ...base,
      authorityHost: 'https://localhost:41001',
      keyVault: { ...base.keyVault, vaultUrl: 'https://localhost:41002' },
      endpoint: { ...base.endpoint, namespace: 'localhost:41003' },
      trustedCaPem: pem,
    };
    assert.deepEqual(validateProfile(sandbox), []);
    const onAzure = validateProfile({ ...base, trustedCaPem: pem });
    assert.deepEqual(onAzure.map((e) => e.field), ['trustedCaPem']);
    assert.match(onAzure[0]?.problem ?? '', /reaches .*vault\.azure\.net.*login\.microsoftonline\.com/);
    assert.match(onAzure[0]?.fix ?? '', /Remove trustedCaPem/);
    // The authority counts too: a loopback vault and namespace with the real Entra host.
    const { authorityHost: _, ...withoutAuthority } = sandbox;
    assert.deepEqual(validateProfile(withoutAuthority).map((e) => e.field), ['trustedCaPem']);
    // And the namespace a connection string names.
    const cs = 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=abc=';
    const viaConnectionString = validateProfile({ ...sandbox, endpoint: { ...sandbox.endpoint, auth: { kind: 'connectionString', connectionString: cs } } });
    assert.ok(viaConnectionString.some((e) => e.field === 'trustedCaPem' && /servicebus\.windows\.net/.test(e.problem)));
  });

  void it('valueOrThrow returns the value or throws the ValidationError', () => {
    assert.equal(valueOrThrow(validateEventHubName('es_1')), 'es_1');
    assert.throws(() => valueOrThrow(validateEventHubName('')), (e: unknown) => isValidationError(e) && e.field === 'eventHubName');
  });

  void it('a refusal never carries a raw line break from the input into its message (#13)', () => {
    const result = validateVaultUrl('{{vault}}\r\nPOST https://attacker.example/ HTTP/1.1');
    assert.equal(result.ok, false);
    const error = (result as { error: ValidationError }).error;
    assert.doesNotMatch(error.message, /[\r\n\u2028\u2029]/);
    assert.match(error.message, /\\r\\n/);
  });
});
