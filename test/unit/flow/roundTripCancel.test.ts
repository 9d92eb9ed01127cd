// The round trip honours a cancel that lands once the event is sent: it stops waiting at once
// (it does not sit out the read-back timeout) and closes its consumer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFlowWithReadBack } from '../../../src/core/flow/roundTrip';
import type { SendRequest } from '../../../src/core/flow/types';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices } from './flowFixture';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox.stop();
});

const send: SendRequest = { events: [{ body: '{"hello":"cancelled round trip"}', contentType: 'application/json' }] };

describe('round trip: cancel after the send', () => {
  it('stops waiting for the event at once when the run is cancelled as the send succeeds', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const started = Date.now();
    const result = await runFlowWithReadBack(sandbox.profile({ protocol: 'rest' }), testServices(lines), {
      send,
      signal: controller.signal,
      readBack: { timeoutSeconds: 20 },
      onEvent: (event) => {
        if (event.type === 'stageSucceeded' && event.stage === 'send') {
          controller.abort();
        }
      },
      stages: {
        // The real send, but the event leaves without its correlation id: it can never be matched.
        send: {
          id: 'send',
          async run(ctx, inputs, request) {
            const { STAGES } = await import('../../../src/core/flow/stages/index');
            return STAGES.send.run(ctx, inputs, { ...request, send });
          },
        },
      },
    });
    const took = Date.now() - started;
    assert.ok(took < 10_000, `the round trip waited ${took} ms after the cancel`);
    assert.notEqual(result.readBack?.status, 'matched');
    assert.equal(result.readBack?.status, 'notRun', JSON.stringify(result.readBack));
    assert.ok(result.readBack.status === 'notRun');
    assert.match(result.readBack.reason, /cancelled/i);
  });
});
