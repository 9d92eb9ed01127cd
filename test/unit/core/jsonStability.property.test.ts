// A JSON event template is checked once when every event is valid exactly when the first is
// (issue #8: parsing each of a million events cost a fifth of the send). Differential: for templates
// built from the pieces that make it go wrong (a sign or digit next to a number, a value outside a
// string), whenever the check says "once is enough", every one of many rendered events parses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { everyEventValidIfFirstIs } from '../../../src/core/events/jsonStability';
import { compileTemplate, SAMPLE_EVENT_TEMPLATE } from '../../../src/core/events/template';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const stable = (template: string): boolean => everyEventValidIfFirstIs(compileTemplate(template).pieces(0));

void describe('everyEventValidIfFirstIs', () => {
  void it('is true for the sample event and values inside strings or standing as whole numbers', () => {
    for (const template of [
      SAMPLE_EVENT_TEMPLATE,
      '{"id":"@{guid()}","at":"@{utcNow()}","n":"x-@{rand(-5, 5)}-y"}',
      '[@{eventIndex()}, @{rand(-1000, 1000)}, @{ticks(utcNow())}]',
      '{"n":@{rand(-9, 9)}}',
      '"@{guid()}@{utcNow()}"',
      '{"fixed": true}',
    ]) {
      assert.equal(stable(template), true, template);
    }
  });

  void it('is false where a later value could break what the first did not', () => {
    for (const template of [
      '{"n":-@{rand(0, 5)}}', // a sign before a value: the check does not read rand's range
      '{"n":@{rand(1, 9)}5}',
      '{"n":1@{eventIndex()}}',
      '[@{rand(0, 9)}@{rand(0, 9)}]',
      '{"n":@{eventIndex()}.5}',
      '{"n":@{rand(1, 9)}e3}',
    ]) {
      assert.equal(stable(template), false, template);
    }
  });

  void it('never says "once is enough" for a template whose later events do not all parse (property)', () => {
    const piece = fc.constantFrom('@{eventIndex()}', '@{rand(-3, 3)}', '@{rand(0, 10)}', '@{guid()}', '@{utcNow()}', '@{ticks(utcNow())}', '-', '0', '5', '.', 'e', '"', ',', ' ', '[', ']', '{', '}', ':', '"k"', 'true', '\\');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 9 }), (pieces) => {
        const template = pieces.join('');
        const render = compileTemplate(template);
        if (!parses(render(0)) || !everyEventValidIfFirstIs(render.pieces(0))) {
          return;
        }
        for (let index = 1; index < 60; index++) {
          assert.ok(parses(render(index)), `${template} → event ${index}: ${render(index)}`);
        }
      }),
      { numRuns: 4000 },
    );
  });
});
