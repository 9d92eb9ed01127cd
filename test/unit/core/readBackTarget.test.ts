// A read-back that reads with a connection string reads where its Endpoint and EntityPath point: a
// readBack.namespace or readBack.eventHubName naming somewhere else would be silently ignored, so
// the profile is refused naming the field, as the send endpoint's EntityPath mismatch is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { validateProfile } from '../../../src/core/model/validate';

const KEY = 'c2VuZC1saXN0ZW4tcnVsZS1rZXktZm9yLXRlc3RzLTAx';
const SEND_NS = 'eventstream-aaaa1111.servicebus.windows.net';
const DEST_NS = 'eventstream-bbbb2222.servicebus.windows.net';
const connectionString = (ns: string, hub?: string): string =>
  `Endpoint=sb://${ns}/;SharedAccessKeyName=key_1;SharedAccessKey=${KEY}${hub ? `;EntityPath=${hub}` : ''}`;

function profile(overrides: Partial<ConnectionProfile>): ConnectionProfile {
  return {
    id: 'p1',
    name: 'read back',
    cloud: 'public',
    keyVault: {
      vaultUrl: '',
      auth: { kind: 'azureCli' },
      clientIdSecret: { name: '' },
      clientSecretSecret: { name: '' },
    },
    eventHubsToken: { tenantId: '', endpointVersion: 'v1' },
    endpoint: { namespace: SEND_NS, eventHubName: 'es_send', auth: { kind: 'connectionString', connectionString: connectionString(SEND_NS, 'es_send') }, protocol: 'amqp' },
    ...overrides,
  };
}

const readBackProblems = (p: ConnectionProfile) => validateProfile(p).filter((e) => e.field.startsWith('readBack'));

describe('readBack with a connection string', () => {
  it('refuses a readBack.namespace the send connection string does not point at', () => {
    const problems = readBackProblems(profile({ readBack: { namespace: DEST_NS } }));
    assert.equal(problems[0]?.field, 'readBack.namespace', JSON.stringify(problems));
    assert.match(problems[0].problem, new RegExp(`${SEND_NS.replace(/\./g, '\\.')}`));
    assert.match(problems[0].fix, /own auth/);
    assert.ok(!JSON.stringify(problems).includes(KEY), 'the key leaked');
  });

  it("refuses a readBack.eventHubName other than the read-back connection string's EntityPath", () => {
    const problems = readBackProblems(profile({ readBack: { namespace: DEST_NS, eventHubName: 'es_other', auth: { kind: 'connectionString', connectionString: connectionString(DEST_NS, 'es_dest') } } }));
    assert.deepEqual(problems.map((p) => p.field), ['readBack.eventHubName']);
    assert.match(problems[0]?.problem ?? '', /es_dest/);
  });

  it('accepts settings that agree with the connection string, and a readBack with its own SAS key', () => {
    assert.deepEqual(readBackProblems(profile({ readBack: { namespace: SEND_NS, eventHubName: 'es_send', consumerGroup: '$Default' } })), []);
    assert.deepEqual(readBackProblems(profile({ readBack: { namespace: DEST_NS, auth: { kind: 'connectionString', connectionString: connectionString(DEST_NS) } } })), []);
    assert.deepEqual(readBackProblems(profile({ readBack: { namespace: DEST_NS, eventHubName: 'es_dest', auth: { kind: 'sas', keyName: 'key_2', key: KEY } } })), []);
  });
});
