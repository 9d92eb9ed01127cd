import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionStringAdvisory, endpointAuthAdvisory, formatAdvisory, keyNameAdvisory, SEND_ONLY_POLICY_FIX } from '../../../src/core/diagnostics/leastPrivilege';

const KEY = 'c2VjcmV0LWtleS12YWx1ZS0xMjM0NTY3ODkwYWJjZGVm=';

describe('least privilege advisory', () => {
  it('flags the namespace root key by name, any case', () => {
    for (const name of ['RootManageSharedAccessKey', 'rootmanagesharedaccesskey', ' RootManageSharedAccessKey ']) {
      const a = keyNameAdvisory(name);
      assert.equal(a?.code, 'rootKey', name);
      assert.equal(a?.fix, SEND_ONLY_POLICY_FIX);
    }
    assert.equal(keyNameAdvisory('key_1234abcd'), undefined);
    assert.equal(keyNameAdvisory('send-only'), undefined);
  });

  it('the fix names a send-only policy on the event hub and Fabric entity-level keys', () => {
    assert.match(SEND_ONLY_POLICY_FIX, /send-only policy on the event hub is enough/);
    assert.match(SEND_ONLY_POLICY_FIX, /only Send/);
    assert.match(SEND_ONLY_POLICY_FIX, /Event Hub → Shared access policies/);
    assert.match(SEND_ONLY_POLICY_FIX, /key_…/);
  });

  it('flags a root-key connection string, with or without EntityPath, and never quotes the key', () => {
    const withHub = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${KEY};EntityPath=hub`;
    const a = connectionStringAdvisory(withHub);
    assert.equal(a?.code, 'rootKey');
    assert.ok(!formatAdvisory(a).includes(KEY), 'the key is not in the advisory');
    assert.equal(connectionStringAdvisory(withHub.replace(';EntityPath=hub', ''))?.code, 'rootKey');
  });

  it('flags a namespace-level connection string (no EntityPath) with another policy', () => {
    const a = connectionStringAdvisory(`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=sender;SharedAccessKey=${KEY}`);
    assert.equal(a?.code, 'namespaceLevelKey');
    assert.match(a?.message ?? '', /no EntityPath/);
    assert.match(a?.message ?? '', /sender/);
  });

  it('accepts an entity-level key (the Fabric custom endpoint form)', () => {
    assert.equal(connectionStringAdvisory(`Endpoint=sb://es-1.servicebus.windows.net/;SharedAccessKeyName=key_ab12;SharedAccessKey=${KEY};EntityPath=es_1`), undefined);
  });

  it('reads the key name of a ready-made signature (skn), not the signature', () => {
    const sas = 'SharedAccessSignature sr=sb%3A%2F%2Fns.servicebus.windows.net%2Fhub&sig=abc%3D&se=1900000000&skn=RootManageSharedAccessKey';
    assert.equal(connectionStringAdvisory(`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=${sas};EntityPath=hub`)?.code, 'rootKey');
    const entity = sas.replace('RootManageSharedAccessKey', 'send');
    assert.equal(connectionStringAdvisory(`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=${entity}`), undefined);
  });

  it('gives no advisory for unparsable text (validation explains that) or for Entra auth', () => {
    assert.equal(connectionStringAdvisory('not a connection string'), undefined);
    assert.equal(endpointAuthAdvisory({ kind: 'entra' }), undefined);
    assert.equal(endpointAuthAdvisory({ kind: 'sas', keyName: 'RootManageSharedAccessKey', key: KEY })?.code, 'rootKey');
  });
});
