import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertEventFits, encodeEvent, MAX_EVENT_BYTES, validatePartitioning } from '../../../src/core/azure/eventEncoding';
import { isValidationError } from '../../../src/core/errors/errors';

void describe('event encoding', () => {
  void it('strings as-is, everything else as JSON; bytes are UTF-8 bytes', () => {
    const events = [{ body: 'héllo' }, { body: { a: 1 } }, { body: 42 }, { body: null }, { body: '"quoted"' }].map((e, i) => encodeEvent(e, i));
    assert.deepEqual(
      events.map((e) => e.bodyText),
      ['héllo', '{"a":1}', '42', 'null', '"quoted"'],
    );
    assert.equal(events[0]?.bytes, 6);
    assert.deepEqual(
      events.map((e) => e.bytes),
      [6, 7, 2, 4, 8],
    );
  });

  void it('refuses oversize bodies, and key plus id', () => {
    assert.throws(() => assertEventFits(encodeEvent({ body: 'é'.repeat(MAX_EVENT_BYTES / 2 + 1) }, 0)), (e: unknown) => isValidationError(e) && e.field === 'events[0].body');
    assert.throws(() => validatePartitioning({ partitionKey: 'k', partitionId: '0' }), (e: unknown) => isValidationError(e));
    assert.throws(() => validatePartitioning({ partitionKey: 'k'.repeat(129) }), (e: unknown) => isValidationError(e));
    validatePartitioning({ partitionKey: 'k'.repeat(128) });
  });
});
