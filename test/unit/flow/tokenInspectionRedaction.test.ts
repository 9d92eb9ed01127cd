// The token inspection is redacted value by value: a short secret of the run (here a numeric proxy
// password, which the digits of exp/nbf/iat contain) must not break the inspection, nor the stage.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFlow } from '../../../src/core/flow/engine';
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

describe('token inspection: redaction', () => {
  it('keeps the stage and its inspection whole when a secret of the run appears inside a claim value', async () => {
    // A PIN-like proxy password: the leading digits of every epoch-seconds claim issued today.
    const pin = String(Math.floor(Date.now() / 1000)).slice(0, 5);
    const lines: string[] = [];
    const services = testServices(lines, { proxy: { url: `http://me:${pin}@proxy.invalid:3128`, noProxy: ['*'] } });
    const result = await runFlow(sandbox.profile({ protocol: 'rest' }), services, { target: 'keyVaultToken' });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));
    const inspection = result.outcomes.find((o) => o.stage === 'keyVaultToken')?.inspection;
    assert.ok(inspection, 'the stage carries its inspection');
    assert.equal(inspection.decoded, true);
    assert.ok(inspection.checks.length > 0);
    // The time claims stay numbers: the PIN's digits inside them are a coincidence, not a leak.
    assert.equal(typeof inspection.claims.exp, 'number');
    assert.ok(inspection.checks.some((c) => c.claim === 'exp' && c.status === 'ok'));
  });
});
