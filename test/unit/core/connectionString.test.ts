import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeConnectionString, parseConnectionString } from '../../../src/core/azure/connectionString';
import { isValidationError } from '../../../src/core/errors/errors';

const FABRIC =
  'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_5678efgh;SharedAccessKey=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abc=;EntityPath=es_5678efgh';

const rejects = (text: string, pattern: RegExp): void => {
  assert.throws(
    () => parseConnectionString(text),
    (e: unknown) => isValidationError(e) && e.field === 'connectionString' && pattern.test(e.problem),
    text,
  );
};

void describe('parseConnectionString', () => {
  void it("parses Fabric's custom-endpoint connection string", () => {
    assert.deepEqual(parseConnectionString(FABRIC), {
      namespace: 'eventstream-1234abcd.servicebus.windows.net',
      endpoint: 'sb://eventstream-1234abcd.servicebus.windows.net/',
      keyName: 'key_5678efgh',
      key: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abc=',
      eventHubName: 'es_5678efgh',
      useDevelopmentEmulator: false,
    });
  });

  void it('tolerates spaces, key case, quotes, empty segments, a trailing ; and an endpoint without slash', () => {
    const messy = `  "endpoint = sb://NS-Name.servicebus.windows.net ; sharedaccesskeyname=RootManageSharedAccessKey;;SHAREDACCESSKEY=a==;entitypath=hub1;"  `;
    const parsed = parseConnectionString(messy);
    assert.equal(parsed.namespace, 'ns-name.servicebus.windows.net');
    assert.equal(parsed.endpoint, 'sb://ns-name.servicebus.windows.net/');
    assert.equal(parsed.key, 'a==');
    assert.equal(parsed.keyName, 'RootManageSharedAccessKey');
    assert.equal(parsed.eventHubName, 'hub1');
  });

  void it('reads the emulator form with a port, and a SharedAccessSignature instead of a key', () => {
    const emulator = parseConnectionString('Endpoint=sb://localhost:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=eh1');
    assert.equal(emulator.namespace, 'localhost:5672');
    assert.equal(emulator.useDevelopmentEmulator, true);
    const sas = parseConnectionString('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=sb%3A%2F%2Fns&sig=abc%3D&se=1&skn=k');
    assert.equal(sas.sharedAccessSignature, 'SharedAccessSignature sr=sb%3A%2F%2Fns&sig=abc%3D&se=1&skn=k');
    assert.equal(sas.key, undefined);
  });

  void it('rejects missing Endpoint, key plus signature, key without name, name without key', () => {
    rejects('SharedAccessKeyName=k;SharedAccessKey=v', /no Endpoint/);
    rejects('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v;SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1&skn=k', /both/);
    rejects('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=v', /no SharedAccessKeyName/);
    rejects('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k', /no SharedAccessKey/);
    rejects('', /empty/);
    rejects('Endpoint=sb://ns.servicebus.windows.net/;garbage', /Name=value/);
  });

  void it('never echoes the key in an error', () => {
    try {
      parseConnectionString('Endpoint=sb://ns.servicebus.windows.net/;SuperSecretKeyWithoutEquals');
      assert.fail('should throw');
    } catch (error) {
      assert.ok(isValidationError(error));
      assert.ok(!error.message.includes('SuperSecretKeyWithoutEquals'));
    }
  });
});

void describe('describeConnectionString', () => {
  void it('shows everything but the key', () => {
    const text = describeConnectionString(FABRIC);
    assert.equal(text, 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_5678efgh;SharedAccessKey=[REDACTED];EntityPath=es_5678efgh');
    assert.ok(!text.includes('AbCdEf'));
  });
});
