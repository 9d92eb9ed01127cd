// The send panel's "Read back" option: the protocol fields the webview may post, the host message
// that carries the result, and the webview-safe projection of a real round trip against the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExplainedError } from '../../../src/core/errors/errors';
import { runFlowWithReadBack, type ReadBackOutcome } from '../../../src/core/flow/roundTrip';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import { projectReadBack } from '../../../src/extension/sendPanel/prepareEvents';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';
import { isHostMessage, isParseError, parsePanelState, parseWebviewMessage, type SendForm } from '../../../src/shared/sendPanelProtocol';

const form: SendForm = {
  profileId: 'p1',
  body: '{"a":1}',
  parameters: {},
  contentType: 'application/json',
  properties: [],
  partition: { kind: 'none' },
  protocol: 'rest',
  count: 1,
  batch: true,
};

const persisted = { contentType: 'application/json', protocol: 'amqp', count: 1, batch: true, partitionKind: 'none', parameterNames: [], propertyNames: [] };

describe('send panel protocol: read back', () => {
  it('accepts readBack true or false on a send, and leaves it out when absent', () => {
    for (const readBack of [true, false]) {
      const result = parseWebviewMessage({ type: 'send', form: { ...form, readBack } });
      assert.ok(!isParseError(result) && result.type === 'send');
      assert.equal(result.form.readBack, readBack);
    }
    const plain = parseWebviewMessage({ type: 'send', form });
    assert.ok(!isParseError(plain) && plain.type === 'send');
    assert.equal('readBack' in plain.form, false);
  });

  it('refuses a readBack that is not a boolean, naming the field', () => {
    for (const readBack of ['yes', 1, null, {}]) {
      const result = parseWebviewMessage({ type: 'send', form: { ...form, readBack } });
      assert.ok(isParseError(result), JSON.stringify(readBack));
      assert.match(result.error, /form\.readBack/);
    }
    const saved = parseWebviewMessage({ type: 'saveForm', form: { ...persisted, readBack: 'on' } });
    assert.ok(isParseError(saved));
    assert.match(saved.error, /form\.readBack/);
  });

  it('keeps readBack in the saved form and the restored draft', () => {
    const saved = parseWebviewMessage({ type: 'saveForm', form: { ...persisted, readBack: true } });
    assert.ok(!isParseError(saved) && saved.type === 'saveForm');
    assert.equal(saved.form.readBack, true);
    const draft = { profileId: 'p1', body: '{}', parameters: {}, contentType: 'application/json', properties: [], partitionKind: 'none', partitionValue: '', protocol: 'rest', count: '1', batch: true };
    assert.equal(parsePanelState({ version: 1, draft: { ...draft, readBack: true } })?.draft.readBack, true);
    assert.equal(parsePanelState({ version: 1, draft: { ...draft, readBack: 'x' } }), undefined, 'a bad flag discards the state');
  });

  it('recognises the readBack host message', () => {
    assert.equal(isHostMessage({ type: 'readBack', view: { status: 'running' } }), true);
  });
});

describe('projectReadBack', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.stop();
  });

  it('shows a real round trip: partition, sequence number and latencies', async () => {
    const redactor = new Redactor();
    const result = await runFlowWithReadBack(
      sandbox.profile({ protocol: 'amqp' }),
      { redactor, logger: createLogger({ log: () => undefined }, redactor), tokenCache: new TokenCache(), stageTimeoutMs: 10_000, now: Date.now },
      { send: { events: [{ body: '{"panel":true}' }] }, readBack: { timeoutSeconds: 10 } },
    );
    assert.ok(result.readBack);
    const view = projectReadBack(result.readBack, (t) => redactor.redact(t));
    assert.equal(view.status, 'matched', JSON.stringify(view));
    assert.equal(view.consumerGroup, '$Default');
    assert.ok(sandbox.world.partitionIds.includes(view.partitionId ?? ''));
    assert.equal(typeof view.sequenceNumber, 'number');
    assert.equal(typeof view.latencyMs, 'number');
    assert.equal(typeof view.enqueueLatencyMs, 'number');
    assert.match(view.correlationId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('keeps the explanation of a failure, drops the raw message, redacts, and keeps only https docs', () => {
    const error: ExplainedError = {
      source: 'amqp',
      code: 'MissingListenClaim',
      message: "raw text with s3cret: 'Listen' claim(s) are required",
      explanation: { code: 'MissingListenClaim', summary: 'No Listen for s3cret', cause: 'No Listen right.', fix: 'Assign the receiver role.', docsUrl: 'javascript:alert(1)' },
    };
    const outcome: ReadBackOutcome = { status: 'failed', correlationId: 'c1', namespace: 'ns', eventHubName: 'hub', consumerGroup: '$Default', waitedMs: 40, error };
    const view = projectReadBack(outcome, (t) => t.replaceAll('s3cret', '[REDACTED]'));
    assert.deepEqual(view, {
      status: 'failed',
      consumerGroup: '$Default',
      correlationId: 'c1',
      latencyMs: 40,
      error: { code: 'MissingListenClaim', summary: 'No Listen for [REDACTED]', cause: 'No Listen right.', fix: 'Assign the receiver role.' },
    });
    assert.ok(!JSON.stringify(view).includes('raw text'));
    const notRun = projectReadBack({ status: 'notRun', correlationId: 'c2', namespace: 'ns', eventHubName: 'hub', consumerGroup: 'cg', reason: 'The event was not sent.' }, (t) => t);
    assert.equal(notRun.reason, 'The event was not sent.');
  });
});
