import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isHostMessage,
  isParseError,
  PANEL_STAGES,
  parsePanelState,
  parseWebviewMessage,
  SEND_PANEL_LIMITS,
  type ParseResult,
  type SendForm,
} from '../../../src/shared/sendPanelProtocol';
import { utf8Length } from '../../../src/shared/validate';

const goodForm: SendForm = {
  profileId: '6f1c2a4e-8b7d-4c1e-9a3f-2b5d7e9f1a3c',
  body: '{"site":"@{pipeline().parameters.site}","id":"@{guid()}"}',
  parameters: { site: 'north' },
  contentType: 'application/json; charset=utf-8',
  properties: [{ name: 'source', value: 'pipeline' }],
  partition: { kind: 'key', value: 'device-1' },
  protocol: 'rest',
  count: 3,
  batch: true,
};

function send(form: Record<string, unknown>): ParseResult {
  return parseWebviewMessage({ type: 'send', form });
}

function refused(result: ParseResult, field: RegExp): void {
  assert.ok(isParseError(result), `expected a refusal, got ${JSON.stringify(result).slice(0, 200)}`);
  assert.match(result.error, field);
}

describe('parseWebviewMessage: good messages', () => {
  for (const type of ['ready', 'cancel', 'clearHistory', 'openLog'] as const) {
    it(`accepts ${type}`, () => {
      assert.deepEqual(parseWebviewMessage({ type }), { type });
    });
  }

  it('accepts a full send and keeps every field', () => {
    const result = send({ ...goodForm });
    assert.ok(!isParseError(result));
    assert.equal(result.type, 'send');
    assert.deepEqual({ ...result.form, parameters: { ...result.form.parameters } }, goodForm);
  });

  it('accepts each partition kind and both protocols', () => {
    for (const partition of [{ kind: 'none' }, { kind: 'id', value: '3' }, { kind: 'key', value: 'k'.repeat(128) }]) {
      for (const protocol of ['rest', 'amqp']) {
        assert.ok(!isParseError(send({ ...goodForm, partition, protocol, batch: false })));
      }
    }
  });

  it('accepts the count limits 1 and 1,000,000, and no properties or parameters', () => {
    assert.ok(!isParseError(send({ ...goodForm, count: 1, properties: [], parameters: {} })));
    assert.ok(!isParseError(send({ ...goodForm, count: SEND_PANEL_LIMITS.maxCount })));
  });

  it('accepts a body of exactly 1 MiB', () => {
    assert.ok(!isParseError(send({ ...goodForm, body: 'x'.repeat(SEND_PANEL_LIMITS.maxBodyBytes) })));
  });

  it('accepts pickProfile, validateBody, saveForm and openDocs', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'pickProfile', profileId: 'abc-1' }), { type: 'pickProfile', profileId: 'abc-1' });
    const v = parseWebviewMessage({ type: 'validateBody', requestId: 'r-12', body: '{}', parameters: { a: '1' }, contentType: 'text/plain' });
    assert.ok(!isParseError(v) && v.type === 'validateBody' && v.parameters.a === '1');
    const saved = parseWebviewMessage({
      type: 'saveForm',
      form: { contentType: 'text/plain', protocol: 'amqp', count: 5, batch: false, partitionKind: 'id', parameterNames: ['site'], propertyNames: ['source'] },
    });
    assert.ok(!isParseError(saved) && saved.type === 'saveForm' && saved.form.profileId === undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'openDocs', url: 'https://learn.microsoft.com/x' }), { type: 'openDocs', url: 'https://learn.microsoft.com/x' });
  });

  it('returns parameters in a null-prototype record', () => {
    const result = send({ ...goodForm });
    assert.ok(!isParseError(result) && result.type === 'send');
    assert.equal(Object.getPrototypeOf(result.form.parameters), null);
    assert.equal('toString' in result.form.parameters, false);
  });
});

describe('parseWebviewMessage: refusals', () => {
  it('refuses non-objects, unknown types and extra fields', () => {
    for (const data of [null, undefined, 42, 'ready', [], { type: 'nope' }, { type: 7 }, {}]) {
      assert.ok(isParseError(parseWebviewMessage(data)), JSON.stringify(data));
    }
    refused(parseWebviewMessage({ type: 'ready', extra: 1 }), /message\.extra/);
    refused(send({ ...goodForm, secret: 'x' }), /form\.secret/);
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['missing form', { form: undefined }, /form must be an object/],
    ['profileId empty', { profileId: '' }, /form\.profileId/],
    ['profileId wrong type', { profileId: 12 }, /form\.profileId/],
    ['profileId with spaces', { profileId: 'a b' }, /form\.profileId/],
    ['profileId too long', { profileId: 'a'.repeat(SEND_PANEL_LIMITS.maxProfileIdLength + 1) }, /form\.profileId/],
    ['body not a string', { body: { a: 1 } }, /form\.body/],
    ['body over 1 MiB (chars)', { body: 'x'.repeat(SEND_PANEL_LIMITS.maxBodyBytes + 1) }, /form\.body/],
    ['body over 1 MiB (UTF-8 bytes)', { body: 'é'.repeat(SEND_PANEL_LIMITS.maxBodyBytes / 2 + 1) }, /form\.body.*bytes/],
    ['parameters an array', { parameters: ['a'] }, /form\.parameters/],
    ['parameter value a number', { parameters: { a: 1 } }, /form\.parameters\.a/],
    ['parameter name invalid', { parameters: { 'a-b': 'x' } }, /form\.parameters/],
    ['parameter name __proto__', { parameters: JSON.parse('{"__proto__":"x"}') as unknown }, /reserved|form\.parameters/],
    ['parameter name constructor', { parameters: { constructor: 'x' } }, /reserved/],
    ['parameter value too long', { parameters: { a: 'x'.repeat(SEND_PANEL_LIMITS.maxParameterValueLength + 1) } }, /form\.parameters\.a/],
    ['too many parameters', { parameters: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, ''])) }, /at most 50/],
    ['contentType empty', { contentType: '' }, /form\.contentType/],
    ['contentType not a media type', { contentType: 'json' }, /form\.contentType/],
    ['contentType with newline', { contentType: 'application/json\r\nX-Evil: 1' }, /form\.contentType/],
    ['properties not an array', { properties: { a: 'b' } }, /form\.properties/],
    ['property name with space', { properties: [{ name: 'a b', value: 'x' }] }, /form\.properties\[0\]\.name/],
    ['property name empty', { properties: [{ name: '', value: 'x' }] }, /form\.properties\[0\]\.name/],
    ['property name too long', { properties: [{ name: 'n'.repeat(129), value: 'x' }] }, /form\.properties\[0\]\.name/],
    ['property value a number', { properties: [{ name: 'a', value: 1 }] }, /form\.properties\[0\]\.value/],
    ['property value multi-line', { properties: [{ name: 'a', value: 'x\ny' }] }, /form\.properties\[0\]\.value/],
    ['property value too long', { properties: [{ name: 'a', value: 'x'.repeat(8193) }] }, /form\.properties\[0\]\.value/],
    ['property duplicate', { properties: [{ name: 'A', value: '1' }, { name: 'a', value: '2' }] }, /form\.properties\[1\]\.name/],
    ['property extra field', { properties: [{ name: 'a', value: '1', secret: 's' }] }, /secret/],
    ['too many properties', { properties: Array.from({ length: 51 }, (_, i) => ({ name: `p${i}`, value: '' })) }, /at most 50/],
    ['partition missing', { partition: undefined }, /form\.partition/],
    ['partition kind unknown', { partition: { kind: 'both' } }, /form\.partition\.kind/],
    ['partition key too long', { partition: { kind: 'key', value: 'k'.repeat(129) } }, /form\.partition\.value/],
    ['partition key empty', { partition: { kind: 'key', value: '' } }, /form\.partition\.value/],
    ['partition id not digits', { partition: { kind: 'id', value: 'a' } }, /form\.partition\.value/],
    ['partition none with value', { partition: { kind: 'none', value: 'x' } }, /form\.partition\.value/],
    ['protocol unknown', { protocol: 'http' }, /form\.protocol/],
    // A whole count out of range parses; planSend refuses it visibly (sendPanelCount.test.ts).
    ['count fractional', { count: 1.5 }, /form\.count/],
    ['count a string', { count: '3' }, /form\.count/],
    ['batch a string', { batch: 'true' }, /form\.batch/],
  ];
  for (const [name, patch, field] of cases) {
    it(`refuses a send with ${name}`, () => {
      const form: Record<string, unknown> = { ...goodForm, ...patch };
      if ('form' in patch) {
        refused(parseWebviewMessage({ type: 'send' }), field);
        return;
      }
      refused(send(form), field);
    });
  }

  it('refuses malformed pickProfile, validateBody, saveForm and openDocs', () => {
    refused(parseWebviewMessage({ type: 'pickProfile' }), /profileId/);
    refused(parseWebviewMessage({ type: 'validateBody', requestId: '', body: '{}', parameters: {} }), /requestId/);
    refused(parseWebviewMessage({ type: 'validateBody', requestId: 'a b', body: '{}', parameters: {} }), /requestId/);
    refused(parseWebviewMessage({ type: 'validateBody', requestId: 'r1', body: 5, parameters: {} }), /body/);
    refused(parseWebviewMessage({ type: 'validateBody', requestId: 'r1', body: '{}' }), /parameters/);
    refused(parseWebviewMessage({ type: 'validateBody', requestId: 'r1', body: '{}', parameters: {}, contentType: 'x' }), /contentType/);
    const persisted = { contentType: 'text/plain', protocol: 'rest', count: 1, batch: true, partitionKind: 'none', parameterNames: [], propertyNames: [] };
    refused(parseWebviewMessage({ type: 'saveForm', form: { ...persisted, body: '{}' } }), /form\.body/);
    refused(parseWebviewMessage({ type: 'saveForm', form: { ...persisted, partitionKind: 'x' } }), /partitionKind/);
    refused(parseWebviewMessage({ type: 'saveForm', form: { ...persisted, parameterNames: ['no-dash'] } }), /parameterNames\[0\]/);
    refused(parseWebviewMessage({ type: 'openDocs', url: 'javascript:alert(1)' }), /https/);
    refused(parseWebviewMessage({ type: 'openDocs', url: 'http://example.com' }), /https/);
    refused(parseWebviewMessage({ type: 'openDocs', url: 'command:workbench.action.quit' }), /https/);
  });
});

describe('protocol helpers', () => {
  it('lists the five pipeline stages in order', () => {
    assert.deepEqual(PANEL_STAGES, ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send']);
  });

  it('counts UTF-8 bytes like Buffer does', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀é€', '\ud800x']) {
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
  });

  it('recognises host messages by type only', () => {
    assert.ok(isHostMessage({ type: 'init' }));
    assert.ok(!isHostMessage({ type: 'send' }));
    assert.ok(!isHostMessage(null));
  });

  it('restores a draft state and discards foreign ones', () => {
    const draft = {
      profileId: '',
      body: '{',
      parameters: { site: 'n', 'bad-name': 'x' },
      contentType: '',
      properties: [{ name: '', value: '' }],
      partitionKind: 'key',
      partitionValue: '',
      protocol: 'amqp',
      count: '12',
      batch: false,
    };
    const state = parsePanelState({ version: 1, draft });
    assert.ok(state);
    assert.deepEqual(state.draft.parameters, { site: 'n' });
    assert.equal(parsePanelState({ version: 2, draft }), undefined);
    assert.equal(parsePanelState({ version: 1, draft: { ...draft, protocol: 'x' } }), undefined);
    assert.equal(parsePanelState('x'), undefined);
  });
});
