// The per-partition ingress limit's token bucket, on a clock the test moves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionThrottle, checkPartitionLimit, type PartitionLoad } from '../../../src/sandbox/eventHubsThrottle';

const load = (entries: Record<string, PartitionLoad>): Map<string, PartitionLoad> => new Map(Object.entries(entries));
const one = (partitionId = '0', bytes = 10): Map<string, PartitionLoad> => load({ [partitionId]: { events: 1, bytes } });

function clocked(limit: ConstructorParameters<typeof PartitionThrottle>[0]): { throttle: PartitionThrottle; advance: (ms: number) => void } {
  let now = 1000;
  return { throttle: new PartitionThrottle(limit, () => now), advance: (ms) => (now += ms) };
}

describe('Event Hubs partition limit (token bucket)', () => {
  it('is off by default: everything passes', () => {
    const throttle = new PartitionThrottle();
    for (let i = 0; i < 10_000; i++) {
      assert.deepEqual(throttle.admit(one()), { ok: true });
    }
  });

  it('admits a second of the limit at once, then refuses with a whole-second Retry-After until the bucket refills', () => {
    const { throttle, advance } = clocked({ eventsPerSecond: 4 });
    for (let i = 0; i < 4; i++) {
      assert.equal(throttle.admit(one()).ok, true);
    }
    assert.deepEqual(throttle.admit(one()), { ok: false, partitionId: '0', retryAfterSeconds: 1 });
    advance(200); // 0.8 of an event back: still short
    assert.equal(throttle.admit(one()).ok, false);
    advance(50);
    assert.equal(throttle.admit(one()).ok, true);
    assert.equal(throttle.admit(one()).ok, false);
  });

  it('keeps one bucket per partition: a hot partition does not throttle the others', () => {
    const { throttle } = clocked({ eventsPerSecond: 1 });
    assert.equal(throttle.admit(one('0')).ok, true);
    assert.equal(throttle.admit(one('0')).ok, false);
    assert.equal(throttle.admit(one('1')).ok, true);
  });

  it('limits bytes per second too, whichever comes first', () => {
    const { throttle, advance } = clocked({ eventsPerSecond: 1000, bytesPerSecond: 100 });
    assert.equal(throttle.admit(one('0', 60)).ok, true);
    const refused = throttle.admit(one('0', 60));
    assert.equal(refused.ok, false);
    advance(200); // 40 + 20 = 60 bytes
    assert.equal(throttle.admit(one('0', 60)).ok, true);
  });

  it('takes a send spanning partitions all or nothing', () => {
    const { throttle } = clocked({ eventsPerSecond: 2 });
    assert.equal(throttle.admit(load({ '1': { events: 2, bytes: 1 } })).ok, true);
    const refused = throttle.admit(load({ '0': { events: 1, bytes: 1 }, '1': { events: 1, bytes: 1 } }));
    assert.deepEqual(refused, { ok: false, partitionId: '1', retryAfterSeconds: 1 });
    // Partition 0 gave nothing to the refused send: its two events are still there.
    assert.equal(throttle.admit(load({ '0': { events: 2, bytes: 1 } })).ok, true);
  });

  it('lets a send larger than a second of the limit through a full bucket, then makes the next wait for the debt', () => {
    const { throttle, advance } = clocked({ eventsPerSecond: 2 });
    assert.equal(throttle.admit(load({ '0': { events: 10, bytes: 1 } })).ok, true);
    assert.deepEqual(throttle.admit(one()), { ok: false, partitionId: '0', retryAfterSeconds: 5 });
    advance(4_000);
    assert.equal(throttle.admit(one()).ok, false);
    advance(500);
    assert.equal(throttle.admit(one()).ok, true);
  });

  it('can be changed and turned off while running; a new limit starts full', () => {
    const { throttle } = clocked({ eventsPerSecond: 1 });
    assert.equal(throttle.admit(one()).ok, true);
    assert.equal(throttle.admit(one()).ok, false);
    throttle.set({ eventsPerSecond: 1 });
    assert.equal(throttle.admit(one()).ok, true);
    throttle.set(undefined);
    assert.equal(throttle.current(), undefined);
    assert.equal(throttle.admit(one()).ok, true);
  });

  it('refuses limits that are not positive numbers, or empty', () => {
    for (const bad of [{ eventsPerSecond: 0 }, { eventsPerSecond: -1 }, { bytesPerSecond: Number.NaN }, { eventsPerSecond: Infinity }, {}]) {
      assert.throws(() => checkPartitionLimit(bad), TypeError, JSON.stringify(bad));
    }
    assert.deepEqual(checkPartitionLimit({ eventsPerSecond: 1000, bytesPerSecond: 1_048_576 }), { eventsPerSecond: 1000, bytesPerSecond: 1_048_576 });
  });
});
