// The event template compiled once per send (issue #8): fixed expressions are resolved once, the
// per-event ones (guid, utcNow, rand, eventIndex) for every event; errors come before any event.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidationError } from '../../../src/core/errors/errors';
import { compileTemplate, renderTemplate } from '../../../src/core/events/template';

const NOW = new Date('2026-12-05T10:00:00.000Z');

void describe('compileTemplate', () => {
  void it('renders what renderTemplate renders, event by event', () => {
    const template = '{"site":"@{pipeline().parameters.site}","run":"@{pipeline().RunId}","i":@{eventIndex()},"at":"@{utcNow()}","t":@{rand(5, 6)},"p":"@{pipeline().Pipeline}"}';
    const context = { parameters: { site: 'Oslo "north"' }, runId: 'run-1', now: () => NOW, pipelineName: 'cli' };
    const render = compileTemplate(template, context);
    for (const index of [0, 1, 41]) {
      const text = render(index);
      assert.equal(text, renderTemplate(template, { ...context, index }));
      assert.deepEqual(JSON.parse(text), { site: 'Oslo "north"', run: 'run-1', i: index, at: NOW.toISOString(), t: 5, p: 'cli' });
    }
  });

  void it('a guid per event, one run id for the send', () => {
    const render = compileTemplate('@{guid()} @{pipeline().RunId}');
    const [a, b] = [render(0), render(1)];
    assert.notEqual(a.split(' ')[0], b.split(' ')[0]);
    assert.equal(a.split(' ')[1], b.split(' ')[1]);
  });

  void it('refuses a missing parameter, an unknown expression and rand(max ≤ min) when compiled, before any event', () => {
    for (const template of ['@{pipeline().parameters.missing}', '@{concat(1)}', '@{rand(5, 1)}']) {
      assert.throws(() => compileTemplate(template), (e: unknown) => isValidationError(e), template);
    }
  });

  void it('a template without expressions is returned as it is', () => {
    assert.equal(compileTemplate('{"a":1}')(7), '{"a":1}');
  });
});
