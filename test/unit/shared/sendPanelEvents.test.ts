// The send panel's host-side helpers (no vscode): body checks, send plans, safe event projection.
import { isEventSource, type EventSource } from '../../../src/core/events/eventSource';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainedError } from '../../../src/core/errors/errors';
import { checkBody, planSend, projectFlowEvent } from '../../../src/extension/sendPanel/prepareEvents';
import { renderPanelHtml } from '../../../src/extension/sendPanel/html';
import { parseSendForm, type SendForm } from '../../../src/shared/sendPanelProtocol';

const form: SendForm = {
  profileId: 'p1',
  body: '{"run":"@{pipeline().RunId}","i":@{eventIndex()},"site":"@{pipeline().parameters.site}","id":"@{guid()}","n":@{rand(1,100)}}',
  parameters: { site: 'north "A"' },
  contentType: 'application/json',
  properties: [{ name: 'source', value: 'panel' }],
  partition: { kind: 'key', value: 'dev-1' },
  protocol: 'amqp',
  count: 3,
  batch: true,
};

describe('checkBody', () => {
  it('accepts a template whose bare expressions are not JSON yet, and lists its parameters', () => {
    const result = checkBody(form.body, form.parameters);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.deepEqual(result.parameters, ['site']);
    assert.ok(result.preview?.includes('north \\"A\\"'));
    assert.ok((result.bytes ?? 0) > 50);
  });

  it('reports line and column in the text the user typed', () => {
    const result = checkBody('{\n  "a": @{guid()},\n  "b": 1,\n}', {});
    assert.equal(result.ok, false);
    assert.equal(result.problem?.line, 4);
    assert.equal(result.problem?.column, 1);
    assert.match(result.problem?.fix ?? '', /trailing comma/i);
  });

  it('points an unsupported expression at its place', () => {
    const result = checkBody('{\n "a": "@{concat(1)}"\n}', {});
    assert.equal(result.ok, false);
    assert.equal(result.problem?.line, 2);
    assert.match(result.problem?.message ?? '', /not supported/);
  });

  it('says when substitution breaks JSON', () => {
    const result = checkBody('{"a": @{pipeline().parameters.x}}', { x: 'not-json' });
    assert.equal(result.ok, false);
    assert.match(result.problem?.message ?? '', /After substituting/);
  });

  it('does not parse non-JSON content types', () => {
    assert.equal(checkBody('hello @{guid()}', {}, 'text/plain').ok, true);
    assert.equal(checkBody('hello', {}, 'application/json').ok, false);
  });
});

describe('planSend', () => {
  it('batch: one streamed request, events made on demand, one run id, an index per event', () => {
    const planned = planSend(form, 'run-1');
    assert.ok(planned.ok);
    assert.equal(planned.plan.requests, 1);
    const source = planned.plan.request(0);
    assert.ok(isEventSource(source.events), 'a batch streams: its events are made when the sender asks');
    const request = { ...source, events: Array.from({ length: source.events.count }, (_, i) => (source.events as EventSource).eventAt(i)) };
    assert.equal(request.events.length, 3);
    assert.equal(request.protocol, 'amqp');
    assert.equal(request.partitionKey, 'dev-1');
    const bodies = request.events.map((e) => JSON.parse(e.body as string) as { run: string; i: number });
    assert.deepEqual(bodies.map((b) => b.run), ['run-1', 'run-1', 'run-1']);
    assert.deepEqual(bodies.map((b) => b.i), [0, 1, 2]);
    assert.deepEqual(request.events[0]?.properties, { source: 'panel' });
    assert.equal(request.events[0]?.contentType, 'application/json');
  });

  it('no batch: count requests of one event each, same run id', () => {
    const planned = planSend({ ...form, batch: false, partition: { kind: 'id', value: '1' } }, 'run-2');
    assert.ok(planned.ok);
    assert.equal(planned.plan.requests, 3);
    const second = planned.plan.request(1);
    assert.ok(!isEventSource(second.events), 'one event per request is a plain list');
    const events = second.events;
    assert.equal(events.length, 1);
    assert.equal(second.partitionId, '1');
    assert.equal((JSON.parse(events[0]?.body as string) as { i: number; run: string }).i, 1);
  });

  it('refuses invalid JSON, missing parameters and bad properties before running; a batch over 1 MiB in all is packed into several requests', () => {
    const bad = planSend({ ...form, body: '{"a":' }, 'r');
    assert.ok(!bad.ok && /not valid JSON/.test(bad.refusal.message));
    const missing = planSend({ ...form, parameters: {} }, 'r');
    assert.ok(!missing.ok && /site/.test(missing.refusal.message));
    const header = planSend({ ...form, properties: [{ name: 'Authorization', value: 'x' }] }, 'r');
    assert.ok(!header.ok && /reserved/.test(header.refusal.message));
    const big = planSend({ ...form, body: JSON.stringify({ x: 'y'.repeat(400_000) }), count: 3 }, 'r');
    assert.ok(big.ok);
    const tooBig = planSend({ ...form, body: JSON.stringify({ x: 'y'.repeat(1_100_000) }), count: 3 }, 'r');
    assert.ok(!tooBig.ok && /limit/.test(tooBig.refusal.message));
    const single = planSend({ ...form, body: JSON.stringify({ x: 'y'.repeat(400_000) }), count: 3, batch: false }, 'r');
    assert.ok(single.ok);
  });
});

describe('planSend: load mode', () => {
  it('a rate paces the batch (the CLI\'s --rate range and wording); without Batch, or out of range, it is refused', () => {
    const paced = planSend({ ...form, count: 50, rate: 25 }, 'r');
    assert.ok(paced.ok);
    assert.deepEqual(paced.plan.request(0).pace, { eventsPerSecond: 25 });
    const unbatched = planSend({ ...form, rate: 25, batch: false }, 'r');
    assert.ok(!unbatched.ok && /batch/.test(unbatched.refusal.message));
    const zero = planSend({ ...form, rate: 0 }, 'r');
    assert.ok(!zero.ok);
    assert.equal(zero.refusal.message, 'Rate is 0.');
    assert.equal(zero.refusal.fix, 'Give a whole number of events per second from 1 to 100,000.');
    assert.ok(!planSend({ ...form, rate: 100_001 }, 'r').ok);
  });

  it('parseSendForm takes a whole-number rate and refuses any other type', () => {
    const message = { type: 'send', form: { ...form, rate: 5 } };
    assert.equal(parseSendForm(message.form).rate, 5);
    assert.throws(() => parseSendForm({ ...form, rate: '5' }));
    assert.throws(() => parseSendForm({ ...form, rate: 2.5 }));
  });
});

describe('projectFlowEvent', () => {
  it('keeps the explanation, drops the raw message and redacts', () => {
    const error: ExplainedError = {
      source: 'keyVault',
      code: 'Forbidden',
      status: 403,
      message: 'raw service text with s3cret',
      explanation: { code: 'Forbidden', summary: 'No access s3cret', cause: 'RBAC', fix: 'Grant a role', docsUrl: 'https://learn.microsoft.com/kv' },
    };
    const view = projectFlowEvent({ type: 'stageFailed', stage: 'readClientSecret', durationMs: 12, error }, (t) => t.replaceAll('s3cret', '[REDACTED]'));
    assert.deepEqual(view, {
      stage: 'readClientSecret',
      status: 'failed',
      durationMs: 12,
      error: { code: 'Forbidden', summary: 'No access [REDACTED]', cause: 'RBAC', fix: 'Grant a role', docsUrl: 'https://learn.microsoft.com/kv' },
    });
    assert.ok(!JSON.stringify(view).includes('raw service text'));
  });

  it('maps each event type and ignores the probe', () => {
    const id = (t: string): string => t;
    assert.equal(projectFlowEvent({ type: 'stageStarted', stage: 'send', at: 1 }, id)?.status, 'running');
    assert.equal(projectFlowEvent({ type: 'stageSucceeded', stage: 'send', durationMs: 5, summary: 's' }, id)?.status, 'ok');
    assert.equal(projectFlowEvent({ type: 'stageSkipped', stage: 'readClientId', reason: 'SAS' }, id)?.summary, 'SAS');
    assert.equal(projectFlowEvent({ type: 'stageCancelled', stage: 'send', durationMs: 1 }, id)?.status, 'cancelled');
    assert.equal(projectFlowEvent({ type: 'stageStarted', stage: 'probe', at: 1 }, id), undefined);
  });
});

describe('renderPanelHtml', () => {
  it('ships a strict CSP with the nonce on the only script and no inline state', () => {
    const html = renderPanelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc+/=', scriptUri: 'https://x/s.js', styleUri: 'https://x/s.css', codiconsUri: 'https://x/c.css' });
    assert.match(html, /default-src 'none'; script-src 'nonce-abc\+\/='; style-src https:\/\/x\.vscode-cdn\.net; font-src https:\/\/x\.vscode-cdn\.net; img-src https:\/\/x\.vscode-cdn\.net data:; connect-src 'none'/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="abc\+\/=" src="https:\/\/x\/s\.js"><\/script>/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|style="/);
  });
});
