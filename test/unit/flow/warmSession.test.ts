// Warm sends (issue #8): a send reuses the secrets stages 2 and 3 read a moment ago (and says so),
// the stage tests always run the stage under test afresh, and a failed run drops what was kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlow } from '../../../src/core/flow/engine';
import { SecretCache } from '../../../src/core/flow/secretCache';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import type { FlowEvent, SendRequest } from '../../../src/core/flow/types';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[];
useSandbox(
  (started) => (sandbox = started),
  () => {
    lines = [];
  },
);

const send: SendRequest = { events: [{ body: '{"warm":true}', contentType: 'application/json' }] };

function succeeded(events: FlowEvent[]): Record<string, { summary: string; cached: boolean }> {
  return Object.fromEntries(events.flatMap((e) => (e.type === 'stageSucceeded' ? [[e.stage, { summary: e.summary, cached: e.cached === true }]] : [])));
}

describe('warm sends and fresh stage tests', () => {
  it('a second send reuses both Key Vault secrets and says so; the first read them', async () => {
    const shared = { tokenCache: new TokenCache(), secretCache: new SecretCache() };
    const first: FlowEvent[] = [];
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send, onEvent: (e) => first.push(e) })).ok, true);
    const second: FlowEvent[] = [];
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send, onEvent: (e) => second.push(e) })).ok, true);
    const [a, b] = [succeeded(first), succeeded(second)];
    assert.equal(a.readClientId?.cached, false);
    assert.doesNotMatch(a.readClientSecret?.summary ?? '', /reused/);
    for (const stage of ['readClientId', 'readClientSecret', 'eventHubsToken'] as const) {
      assert.equal(b[stage]?.cached, true, `${stage} reused on the warm send`);
    }
    assert.match(b.readClientId?.summary ?? '', /reused from the last run/);
    assert.equal(sandbox.received.all().length >= 2, true);
  });

  it('the stage under test always runs afresh, even with everything cached', async () => {
    const shared = { tokenCache: new TokenCache(), secretCache: new SecretCache() };
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send })).ok, true);
    for (const target of ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken'] as const) {
      const events: FlowEvent[] = [];
      assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { target, onEvent: (e) => events.push(e) })).ok, true);
      const outcome = succeeded(events)[target];
      assert.equal(outcome?.cached, false, `${target} ran fresh: ${outcome?.summary}`);
      assert.doesNotMatch(outcome?.summary ?? '', /cached|reused/);
    }
  });

  it('a failed run drops the kept secrets: the next send reads them again', async () => {
    const shared = { tokenCache: new TokenCache(), secretCache: new SecretCache() };
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send })).ok, true);
    const fault = sandbox.faults.inject({ peer: 'eventHubs', kind: 'serviceUnavailable' });
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send })).ok, false);
    sandbox.faults.clear(fault);
    const events: FlowEvent[] = [];
    assert.equal((await runFlow(sandbox.profile(), testServices(lines, shared), { send, onEvent: (e) => events.push(e) })).ok, true);
    assert.equal(succeeded(events).readClientId?.cached, false);
  });
});
