// Read back from a consumer endpoint with a Listen-only key of its own (what a Fabric Eventstream
// custom-endpoint destination hands out), on the GUID-named consumer group: the consumer's
// management put-token and reads need Listen only, as on the service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlowWithReadBack } from '../../../src/core/flow/roundTrip';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { validateProfile } from '../../../src/core/model/validate';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[] = [];
useSandbox((started) => (sandbox = started), () => (lines = []));

describe('read back with a Listen-only key', () => {
  for (const auth of ['connectionString', 'sas'] as const) {
    it(`matches the event on the GUID consumer group (${auth})`, async () => {
      const base = sandbox.profile({ protocol: 'amqp' });
      const { keyName, key } = sandbox.world.listenOnlySas;
      const connectionString = `Endpoint=sb://${base.endpoint.namespace}/;SharedAccessKeyName=${keyName};SharedAccessKey=${key};EntityPath=${base.endpoint.eventHubName}`;
      const group = sandbox.world.consumerGroups[1] ?? '';
      const profile: ConnectionProfile = {
        ...base,
        readBack: { consumerGroup: group, timeoutSeconds: 10, auth: auth === 'sas' ? { kind: 'sas', keyName, key } : { kind: 'connectionString', connectionString } },
      };
      assert.deepEqual(validateProfile(profile), []);
      const result = await runFlowWithReadBack(profile, testServices(lines), { send: { events: [{ body: 'listen-only', contentType: 'text/plain' }] }, readBack: {} });
      assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
      assert.equal(result.readBack.consumerGroup, group);
      assert.ok(!(JSON.stringify(result) + lines.join('\n')).includes(key), 'the read-back key leaked');
    });
  }
});
