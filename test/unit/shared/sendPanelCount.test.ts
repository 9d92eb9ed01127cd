// The send panel's count field has the CLI's --count range and wording (src/core/model/limits.ts):
// the webview's check, the host's planSend and the message parser agree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliArgs } from '../../../src/cli/options';
import { isValidationError } from '../../../src/core/errors/errors';
import { EVENT_COUNT } from '../../../src/core/model/limits';
import { planSend } from '../../../src/extension/sendPanel/prepareEvents';
import { countProblem, isParseError, parseWebviewMessage, SEND_PANEL_LIMITS, type DraftForm, type SendForm } from '../../../src/shared/sendPanelProtocol';
import { toPersisted, toSendForm } from '../../../src/webview/sendPanel/draft';

const FIX = 'Give a whole number from 1 to 1,000,000 (default 1).';

const form: SendForm = {
  profileId: 'p1',
  body: '{"i":@{eventIndex()}}',
  parameters: {},
  contentType: 'application/json',
  properties: [],
  partition: { kind: 'none' },
  protocol: 'rest',
  count: 3,
  batch: false,
};

const draft: DraftForm = {
  profileId: 'p1',
  body: '{"i":1}',
  parameters: {},
  contentType: 'application/json',
  properties: [],
  partitionKind: 'none',
  partitionValue: '',
  protocol: 'rest',
  count: '3',
  batch: false,
};

/** What the CLI says for the same count, as "problem fix". */
function cliWording(count: string): string {
  try {
    parseCliArgs(['send', '--profile', 'p.json', `--count=${count}`]);
  } catch (error) {
    if (isValidationError(error)) {
      return `${error.problem} ${error.fix}`;
    }
    throw error;
  }
  return 'accepted';
}

describe('send panel count: the same bounds and words as --count', () => {
  it('takes its limits from the core', () => {
    assert.equal(SEND_PANEL_LIMITS.minCount, EVENT_COUNT.min);
    assert.equal(SEND_PANEL_LIMITS.maxCount, EVENT_COUNT.max);
  });

  const badNumbers: [number, string][] = [
    [0, 'Count is 0.'],
    [-1, 'Count is -1.'],
    [1_000_001, 'Count is 1000001.'],
    [1e9, 'Count is 1000000000.'],
    [1.5, 'Count is 1.5, not a whole number.'],
    [Number.NaN, 'Count is NaN, not a whole number.'],
  ];
  for (const [count, message] of badNumbers) {
    it(`host: planSend refuses ${count} before rendering anything, in the CLI's words`, () => {
      const planned = planSend({ ...form, count }, 'run');
      assert.equal(planned.ok, false);
      assert.ok(!planned.ok);
      assert.equal(planned.refusal.message, message);
      assert.equal(planned.refusal.fix, FIX);
      assert.deepEqual(countProblem(count), { message, fix: FIX });
    });
  }

  for (const count of [1, 1_000_000]) {
    it(`host: accepts the boundary ${count}`, () => {
      assert.equal(countProblem(count), undefined);
      const planned = planSend({ ...form, count }, 'run');
      assert.ok(planned.ok);
      assert.equal(planned.plan.requests, count, 'one request per event without batch, rendered lazily');
    });
  }

  it('host: a whole count out of range reaches planSend (a visible refusal), a non-integer is dropped', () => {
    const big = parseWebviewMessage({ type: 'send', form: { ...form, count: 2_000_000 } });
    assert.ok(!isParseError(big) && big.type === 'send' && big.form.count === 2_000_000);
    for (const count of [1.5, '3', null]) {
      const result = parseWebviewMessage({ type: 'send', form: { ...form, count } });
      assert.ok(isParseError(result));
      assert.match(result.error, /form\.count/);
    }
    // A saved form keeps the range (it is dropped, not shown).
    const saved = { contentType: 'text/plain', protocol: 'rest', batch: true, partitionKind: 'none', parameterNames: [], propertyNames: [] };
    assert.ok(!isParseError(parseWebviewMessage({ type: 'saveForm', form: { ...saved, count: 1_000_000 } })));
    assert.ok(isParseError(parseWebviewMessage({ type: 'saveForm', form: { ...saved, count: 1_000_001 } })));
  });

  const typed = ['0', '-1', '1000001', '1000000000', '0.5', '1e9', '0x10', '10abc', '', ' 5'];
  for (const count of typed) {
    it(`webview: refuses ${JSON.stringify(count)} next to the field, in the words of --count`, () => {
      const result = toSendForm({ ...draft, count }, []);
      assert.ok('error' in result);
      assert.equal(result.focus, 'count');
      assert.equal(result.error, `Count ${cliWording(count)}`);
      assert.ok(result.error.endsWith(FIX), result.error);
      assert.equal(toPersisted({ ...draft, count }), undefined, 'an invalid count is not saved');
    });
  }

  it('webview: accepts 1 and 1000000', () => {
    for (const count of ['1', '1000000']) {
      const result = toSendForm({ ...draft, count }, []);
      assert.ok('form' in result, JSON.stringify(result));
      assert.equal(result.form.count, Number(count));
      assert.equal(toPersisted({ ...draft, count })?.count, Number(count));
    }
  });
});
