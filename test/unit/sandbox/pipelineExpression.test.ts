// The pipeline expression language the sandbox runner evaluates: a table of the docs' examples and
// of every form the exports emit, the escaping rules of core/export's adfString read back exactly,
// and properties: any string either evaluates or fails with an ExpressionError, never another error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { adfString, type AdfPart } from '../../../src/core/export/pipeline';
import { evaluateString, ExpressionError, type ExpressionScope, type Value } from '../../../src/sandbox/pipelineRunner/expression';

const NOW = new Date('2026-12-05T10:11:12.345Z');
const scope: ExpressionScope = {
  pipeline: () => ({ RunId: 'run-1', Pipeline: 'demo', DataFactory: 'esf-factory', parameters: { myString: 'foo', myNumber: 42, secret: 'a&b=c d+e%/~', flag: true, nested: { list: [1, 2, 3] } } }),
  activity: (name) => {
    if (name === 'Get client secret') {
      return { output: { value: 'p@ss&word=1', 'odd key': 'x' }, error: null, status: 'Succeeded' };
    }
    throw new ExpressionError(`The activity '${name}' does not exist.`, `activity('${name}')`);
  },
  now: () => NOW,
};

const TABLE: readonly [string, Value][] = [
  // The docs' table (control-flow-expression-language-functions, "Expressions").
  ['parameters', 'parameters'],
  ['@pipeline().parameters.myString', 'foo'],
  ['@{pipeline().parameters.myString}', 'foo'],
  ['@pipeline().parameters.myNumber', 42],
  ['@{pipeline().parameters.myNumber}', '42'],
  ['Answer is: @{pipeline().parameters.myNumber}', 'Answer is: 42'],
  ["@concat('Answer is: ', string(pipeline().parameters.myNumber))", 'Answer is: 42'],
  ['Answer is: @@{pipeline().parameters.myNumber}', 'Answer is: @{pipeline().parameters.myNumber}'],
  ['@@', '@'],
  [' @', ' @'],
  // What the exports emit.
  ['@{pipeline().RunId}', 'run-1'],
  ['@{pipeline().Pipeline}', 'demo'],
  ["@activity('Get client secret').output.value", 'p@ss&word=1'],
  ["client_secret=@{encodeUriComponent(activity('Get client secret').output.value)}&x=1", 'client_secret=p%40ss%26word%3D1&x=1'],
  ['@{encodeUriComponent(pipeline().parameters.secret)}', 'a%26b%3Dc%20d%2Be%25%2F~'],
  ["@{'@'}{literal}", '@{literal}'],
  ["a@{'@'}@b", 'a@@b'],
  ['@{utcNow()}', '2026-12-05T10:11:12.3450000Z'],
  ['@{ticks(utcNow())}', '639320622723450000'],
  ["@utcNow('yyyy-MM-dd')", '2026-12-05'],
  // Literals, member access, null-safety, functions.
  ["@'it''s'", "it's"],
  ["@pipeline()['parameters']['myString']", 'foo'],
  ['@pipeline().parameters.nested.list[1]', 2],
  ['@pipeline().parameters?.missing', null],
  ['@pipeline().parameters.nested?.absent?.x', null],
  ["@activity('Get client secret').output['odd key']", 'x'],
  ['@PIPELINE().PARAMETERS.MYSTRING', 'foo'],
  ['@{pipeline().parameters.flag}', 'True'],
  ['@{pipeline().parameters.nested}', '{"list":[1,2,3]}'],
  ["@if(equals(pipeline().parameters.myNumber, 42), 'yes', 'no')", 'yes'],
  ["@and(true, not(empty('x')))", true],
  ["@coalesce(null, 'b')", 'b'],
  ["@toUpper(replace('a-b', '-', '_'))", 'A_B'],
  ["@substring('abcdef', 2, 3)", 'cde'],
  ["@indexOf('Hello', 'LL')", 2],
  ["@length(split('a,b,c', ','))", 3],
  ["@base64ToString(base64('hé'))", 'hé'],
  ["@json('{\"a\": [1]}').a[0]", 1],
  ['@add(1, 2)', 3],
  ["@int('12')", 12],
  ["@decodeUriComponent('a%20b')", 'a b'],
  ["@formatDateTime('2026-01-02T03:04:05Z', 'yyyy-MM-ddTHH:mm:ss')", '2026-01-02T03:04:05'],
];

const FAILURES: readonly [string, RegExp][] = [
  ["@activity('Nope').output.value", /activity 'Nope' does not exist/],
  ['@pipeline().parameters.missing', /property 'missing' doesn't exist, available properties are 'myString, myNumber, secret, flag, nested'/],
  ['@pipeline().parameters.myString.x', /Property selection is not supported on values of type 'String'/],
  ['@nosuch()', /template function 'nosuch' is not defined/],
  ["@concat('a'", /not valid/],
  ['@{pipeline().RunId', /without its closing/],
  ["@'open", /closing quote/],
  ['@pipeline', /needs parentheses/],
  ['@rand(5, 5)', /maximum greater than its minimum/],
  ['@substring(\'abc\', 2, 5)', /out of range/],
  ['@', /empty/],
];

describe('pipeline expressions', () => {
  for (const [text, expected] of TABLE) {
    it(`${text} → ${JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`, () => {
      const value = evaluateString(text, scope);
      assert.deepEqual(typeof value === 'bigint' ? String(value) : value, expected);
    });
  }

  for (const [text, pattern] of FAILURES) {
    it(`${text} fails with an ExpressionError matching ${String(pattern)}`, () => {
      assert.throws(() => evaluateString(text, scope), (error: unknown) => error instanceof ExpressionError && pattern.test(error.message));
    });
  }

  it('guid() is a fresh GUID each time, in the requested format', () => {
    const a = evaluateString('@guid()', scope);
    const b = evaluateString('@guid()', scope);
    assert.match(a as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.match(evaluateString("@guid('N')", scope) as string, /^[0-9a-f]{32}$/);
  });

  it('rand(min, max) stays in [min, max)', () => {
    for (let i = 0; i < 200; i++) {
      const value = evaluateString('@rand(15, 17)', scope) as number;
      assert.ok(value === 15 || value === 16, String(value));
    }
  });

  it("property: any literal text written by the exporter's adfString reads back as itself (no expression can open)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: fc.constantFrom('@', '{', '}', "'", 'a', ' ', '\\', '"') }), fc.string()), { maxLength: 6 }), (literals) => {
        const text = adfString(literals.map((literal): AdfPart => ({ literal })));
        assert.equal(evaluateString(text, scope), literals.join(''));
      }),
      { numRuns: 400 },
    );
  });

  it('property: literal text around interpolated parameters keeps both exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('@', '{', '}', "'", 'x', '@{') }), fc.string({ unit: fc.constantFrom('@', '{', '}', 'y') }), (before, after) => {
        const text = adfString([{ literal: before }, { expression: 'pipeline().parameters.myString' }, { literal: after }]);
        assert.equal(evaluateString(text, scope), `${before}foo${after}`);
      }),
      { numRuns: 400 },
    );
  });

  it('property: any string evaluates or fails with an ExpressionError, never another error', () => {
    const unit = fc.constantFrom('@', '{', '}', '(', ')', "'", '.', '?', '[', ']', ',', ' ', '-', '1', 'a', 'concat', 'pipeline()', 'activity(', 'parameters', 'utcNow(', 'rand(', 'guid(', "'Get client secret')");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit }), fc.string(), fc.string({ unit }).map((s) => `@${s}`), fc.string({ unit }).map((s) => `@{${s}}`)), (text) => {
        try {
          evaluateString(text, scope);
        } catch (error) {
          assert.ok(error instanceof ExpressionError, `${text}: ${String(error)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('deep nesting is refused as an ExpressionError, not a stack overflow', () => {
    const deep = `@${'concat('.repeat(5000)}'x'${')'.repeat(5000)}`;
    assert.throws(() => evaluateString(deep, scope), ExpressionError);
  });
});
