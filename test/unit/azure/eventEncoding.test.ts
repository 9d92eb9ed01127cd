import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEvents, MAX_EVENT_BYTES, totalBytes, validatePartitioning } from '../../../src/core/azure/eventEncoding';
import { planRestRequests } from '../../../src/core/azure/restSender';
import { isValidationError } from '../../../src/core/errors/errors';

void describe('event encoding', () => {
  void it('strings as-is, everything else as JSON; bytes are UTF-8 bytes', () => {
    const events = encodeEvents([{ body: 'héllo' }, { body: { a: 1 } }, { body: 42 }, { body: null }, { body: '"quoted"' }]);
    assert.deepEqual(
      events.map((e) => e.bodyText),
      ['héllo', '{"a":1}', '42', 'null', '"quoted"'],
    );
    assert.equal(events[0]?.bytes, 6);
    assert.equal(totalBytes(events), 6 + 7 + 2 + 4 + 8);
  });

  void it('refuses empty requests, oversize bodies, and key plus id', () => {
    assert.throws(() => encodeEvents([]), (e: unknown) => isValidationError(e));
    assert.throws(() => encodeEvents([{ body: 'é'.repeat(MAX_EVENT_BYTES / 2 + 1) }]), (e: unknown) => isValidationError(e) && e.field === 'events[0].body');
    assert.throws(() => validatePartitioning({ partitionKey: 'k', partitionId: '0' }), (e: unknown) => isValidationError(e));
    assert.throws(() => validatePartitioning({ partitionKey: 'k'.repeat(129) }), (e: unknown) => isValidationError(e));
    validatePartitioning({ partitionKey: 'k'.repeat(128) });
  });

  void it('plans REST requests: one event plain, batches under the limit, an escaping-heavy event alone', () => {
    assert.deepEqual(
      planRestRequests(encodeEvents([{ body: 'a' }]), undefined).map((p) => p.kind),
      ['single'],
    );
    // 600 KB of quotes doubles when JSON-escaped inside a batch: that event goes alone.
    const plans = planRestRequests(encodeEvents([{ body: 'a' }, { body: '"'.repeat(600_000) }, { body: 'b' }, { body: 'c' }]), 'k', MAX_EVENT_BYTES);
    assert.deepEqual(
      plans.map((p) => (p.kind === 'single' ? 'single' : p.events.length)),
      [1, 'single', 2],
    );
    for (const plan of plans) {
      if (plan.kind === 'batch') {
        assert.ok(Buffer.byteLength(plan.body) <= MAX_EVENT_BYTES);
        assert.ok((JSON.parse(plan.body) as { BrokerProperties: { PartitionKey: string } }[]).every((item) => item.BrokerProperties.PartitionKey === 'k'));
      }
    }
  });
});
