// The sandbox's record of received events: a sandbox left running keeps only the newest (a one-hour
// load test at 100,000 events/s would otherwise end the sandbox out of memory), while counting,
// waiting and sequence numbers go on as if it kept every one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReceivedLog } from '../../../src/sandbox/receivedLog';

const event = (i: number) => ({ eventHubName: 'es_demo', protocol: 'rest' as const, partitionId: String(i % 2), body: Buffer.from(`{"i":${i}}`), properties: {}, sender: 'test' });

void describe('ReceivedLog', () => {
  void it('keeps every event by default', () => {
    const log = new ReceivedLog();
    for (let i = 0; i < 2500; i++) {
      log.record(event(i));
    }
    assert.equal(log.all().length, 2500);
    assert.equal(log.count(), 2500);
  });

  void it('with keepReceived, keeps the newest events, counts all of them, and resolves waitFor on the count', async () => {
    const log = new ReceivedLog(1000);
    const waiting = log.waitFor(2500, 5000);
    for (let i = 0; i < 2500; i++) {
      log.record(event(i));
    }
    const kept = log.all();
    assert.equal(kept.length, 1000);
    assert.equal(kept.at(-1)?.body.toString(), '{"i":2499}');
    assert.equal(kept[0]?.body.toString(), '{"i":1500}');
    assert.equal(log.count(), 2500);
    assert.equal((await waiting).length, 1000);
    assert.equal(log.partitionState('1').lastSequenceNumber, 1249, 'sequence numbers count every event');
    log.clear();
    assert.equal(log.count(), 0);
    assert.equal(log.all().length, 0);
  });
});
