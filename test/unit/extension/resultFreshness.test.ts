import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowResult, StageId, StageOutcome } from '../../../src/core/flow/types';
import { changedPartitions, isFailureSuperseded, resultsFingerprint } from '../../../src/extension/resultFreshness';
import { sampleProfile } from './profilesFixtures';

const failedAt = (stage: StageId): FlowResult => ({ ok: false, cancelled: false, failedStage: stage, outcomes: [], totalMs: 12 });
const outcomes = (entries: Partial<Record<StageId, StageOutcome['status']>>) => (stage: StageId): StageOutcome | undefined =>
  entries[stage] ? { stage, status: entries[stage] } : undefined;

void describe('results freshness (issue #11: stale results)', () => {
  void it('a profile edit changes the fingerprint; a rename or reordered keys do not', () => {
    const profile = sampleProfile();
    const print = resultsFingerprint(profile);
    assert.equal(resultsFingerprint({ ...profile, name: 'Renamed' }), print);
    const { endpoint, keyVault, ...others } = profile;
    const reordered = JSON.parse(JSON.stringify({ endpoint, keyVault, ...others })) as typeof profile;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(profile), 'the keys really are in another order');
    assert.equal(resultsFingerprint(reordered), print);
    assert.notEqual(resultsFingerprint({ ...profile, endpoint: { ...profile.endpoint, eventHubName: 'other-hub' } }), print);
    assert.notEqual(resultsFingerprint({ ...profile, keyVault: { ...profile.keyVault, clientIdSecret: { name: 'another-secret' } } }), print);
  });

  void it('a failed flow is superseded once its failing stage has passed, not before', () => {
    assert.equal(isFailureSuperseded(failedAt('readClientId'), outcomes({ readClientId: 'failed' })), false);
    assert.equal(isFailureSuperseded(failedAt('readClientId'), outcomes({ keyVaultToken: 'succeeded' })), false);
    assert.equal(isFailureSuperseded(failedAt('readClientId'), outcomes({ readClientId: 'succeeded' })), true);
    assert.equal(isFailureSuperseded({ ok: true, cancelled: false }, outcomes({ readClientId: 'succeeded' })), false);
    assert.equal(isFailureSuperseded({ ok: false, cancelled: true }, outcomes({})), false);
    assert.equal(isFailureSuperseded(undefined, outcomes({})), false);
  });

  void it('a send that put events on the wire changes the partitions; other runs do not', () => {
    const counts = { total: 5, generated: 5, acknowledged: 0, inFlight: 0, rejected: 5, neverSent: 0, requests: 1, bytes: 50, throttled: 0, elapsedMs: 9 };
    assert.equal(changedPartitions('send', { send: { protocol: 'amqp', eventsAccepted: 3, requests: 1, bytes: 30 } }), true);
    assert.equal(changedPartitions('send', { sendCounts: { ...counts, acknowledged: 2, rejected: 3 } }), true);
    assert.equal(changedPartitions('send', { sendCounts: { ...counts, inFlight: 1, rejected: 4 } }), true, 'fate unknown: read again');
    assert.equal(changedPartitions('send', { sendCounts: counts }), false, 'all refused: nothing changed');
    assert.equal(changedPartitions('send', {}), false);
    assert.equal(changedPartitions('probe', { send: { protocol: 'amqp', eventsAccepted: 3, requests: 1, bytes: 30 } }), false);
  });
});
