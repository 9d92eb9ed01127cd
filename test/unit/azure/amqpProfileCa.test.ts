// Issue #8.7: a profile CA that this process does not trust through NODE_EXTRA_CA_CERTS (a peer the
// runner's CA did not sign) still works for AMQP: the SDK cannot give a CA to TLS on 5671, so the
// client uses WebSockets, which take it, and says so in the attempt it reports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probeEndpoint, sendAmqp } from '../../../src/core/azure/amqpClient';
import { transportPlan, type AmqpAttempt } from '../../../src/core/azure/amqpConnection';
import { toTokenCredential } from '../../../src/core/azure/credentials';
import { processTrustsCa } from '../../../src/core/azure/trust';
import { loadCaFromEnv } from '../../../src/sandbox/ca';
import type { Sandbox } from '../../../src/sandbox/types';
import { destinationOf } from '../../shared/destination';
import { eventHubsToken, neverAborted, startTestSandbox } from './sandboxFixture';

describe('AMQP with a profile CA the process does not trust', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox({ ownCa: true });
  });
  after(async () => {
    await sandbox.stop();
  });

  it('knows which CAs the process trusts: the runner\'s (NODE_EXTRA_CA_CERTS) yes, a fresh one no', () => {
    const runner = loadCaFromEnv();
    assert.ok(runner);
    assert.equal(processTrustsCa(runner.certPem), true);
    assert.equal(processTrustsCa(sandbox.caPem), false);
    assert.equal(processTrustsCa(runner.certPem, {}), false, 'without NODE_EXTRA_CA_CERTS');
  });

  it('sends and probes over WebSockets with the CA, even when TCP was asked for, and reports it', async () => {
    const token = await eventHubsToken(sandbox);
    const attempts: AmqpAttempt[] = [];
    const options = {
      namespace: sandbox.urls.namespace,
      destination: destinationOf(sandbox.urls.namespace),
      eventHubName: sandbox.world.eventHubName,
      auth: { kind: 'token' as const, credential: toTokenCredential(() => Promise.resolve(token)) },
      transport: 'tcp' as const,
      fallbackToWebSockets: true,
      trustedCaPem: sandbox.caPem,
      signal: neverAborted(),
      onAttempt: (a: AmqpAttempt) => attempts.push(a),
    };
    assert.deepEqual(transportPlan(options).transports, ['websockets']);
    assert.match(transportPlan(options).note ?? '', /cannot use the profile's trusted CA/);
    await sendAmqp({ ...options, request: { events: [{ body: 'with the profile CA' }] } });
    const info = await probeEndpoint(options);
    assert.equal(info.eventHubName, sandbox.world.eventHubName);
    assert.ok(attempts.length >= 2 && attempts.every((a) => a.ok && a.transport === 'websockets'), JSON.stringify(attempts));
    assert.equal(sandbox.received.all().at(-1)?.body.toString('utf8'), 'with the profile CA');
  });
});
