// The token inspector inside the engine, against the sandbox: each token stage reports its claims
// and checks (never the token), and a later refusal carries the mismatch as its likely cause.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInspection } from '../../../src/core/diagnostics/tokenInspector';
import { formatExplainedError } from '../../../src/core/errors/explain';
import { runFlow } from '../../../src/core/flow/engine';
import type { FlowEvent, FlowServices, SendRequest } from '../../../src/core/flow/types';
import { REDACTED } from '../../../src/core/logging/redact';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

let sandbox: Sandbox;
let lines: string[];

const services = (): FlowServices => testServices(lines);

const send: SendRequest = { events: [{ body: '{"inspect":true}', contentType: 'application/json' }] };

/** Everything shown: events, result, log, and the texts UIs print. */
function shown(events: FlowEvent[], result: unknown): string {
  const texts = events.flatMap((e) =>
    e.type === 'stageSucceeded' && e.inspection ? [formatInspection(e.inspection)] : e.type === 'stageFailed' ? [formatExplainedError(e.error)] : [],
  );
  return JSON.stringify(events) + JSON.stringify(result) + lines.join('\n') + texts.join('\n');
}

function assertNothingSecret(text: string): void {
  const { world } = sandbox;
  for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.pipeline.clientId.toLowerCase()]) {
    assert.ok(!text.includes(secret), 'a sandbox secret (or the pipeline client id) leaked');
  }
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{20,}/, 'a part of a JWT leaked');
}

function succeeded(events: FlowEvent[], stage: 'keyVaultToken' | 'eventHubsToken'): Extract<FlowEvent, { type: 'stageSucceeded' }> {
  const event = events.find((e): e is Extract<FlowEvent, { type: 'stageSucceeded' }> => e.type === 'stageSucceeded' && e.stage === stage);
  assert.ok(event, `${stage} did not succeed: ${JSON.stringify(events)}`);
  return event;
}

useSandbox((started) => (sandbox = started), () => (lines = []));

describe('token inspection in the flow', () => {
  it('inspects both tokens of a good run: every check passes, the client id is redacted, no token is kept', async () => {
    const events: FlowEvent[] = [];
    const result = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { send, onEvent: (e) => events.push(e) });
    assert.equal(result.ok, true, JSON.stringify(result.outcomes));

    const kv = succeeded(events, 'keyVaultToken').inspection;
    assert.ok(kv?.decoded);
    assert.equal(kv.claims.aud, 'https://vault.azure.net');
    assert.equal(kv.claims.tid, sandbox.world.tenantId);
    assert.equal(kv.claims.idtyp, 'app');
    assert.deepEqual(kv.checks.map((c) => `${c.claim}:${c.status}`), ['aud:ok', 'tid:ok', 'exp:ok', 'nbf:ok']);

    const eh = succeeded(events, 'eventHubsToken').inspection;
    assert.ok(eh?.decoded);
    assert.equal(eh.claims.aud, 'https://eventhubs.azure.net');
    assert.equal(eh.claims.appid, REDACTED, 'the pipeline client id is hidden by the redactor');
    assert.deepEqual(eh.checks.map((c) => `${c.claim}:${c.status}`), ['aud:ok', 'tid:ok', 'appid:ok', 'roles:ok', 'exp:ok', 'nbf:ok']);
    assert.equal(result.outcomes.find((o) => o.stage === 'eventHubsToken')?.inspection?.claims.appid, REDACTED);
    assert.ok(lines.some((l) => /Event Hubs token: token inspected: claims ok/.test(l)));
    assertNothingSecret(shown(events, result));
  });

  it("Entra's wrongAudience on the Key Vault token: the inspection flags aud, and the read's AKV10022 names it as the likely cause", async () => {
    sandbox.faults.inject({ peer: 'entra', kind: 'wrongAudience', match: { resource: 'https://vault.azure.net' } });
    const events: FlowEvent[] = [];
    const result = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { target: 'readClientId', onEvent: (e) => events.push(e) });
    assert.equal(result.failedStage, 'readClientId', JSON.stringify(result.outcomes));

    const aud = succeeded(events, 'keyVaultToken').inspection?.checks.find((c) => c.claim === 'aud');
    assert.equal(aud?.status, 'mismatch');
    assert.match(aud?.reason ?? '', /https:\/\/vault\.azure\.net\/.*trailing slash/);

    const failure = result.outcomes.find((o) => o.stage === 'readClientId')?.error;
    assert.equal(failure?.code, 'AKV10022');
    assert.deepEqual(failure?.likelyCauses?.map((c) => `${c.tokenStage}:${c.claim}`), ['keyVaultToken:aud']);
    assert.match(formatExplainedError(failure), /Likely cause \(Key Vault token, aud\): .*trailing slash.* Fix: Request the token for resource https:\/\/vault\.azure\.net/);
    assert.ok(lines.some((l) => /Read client id: failed .*Likely cause \(Key Vault token, aud\)/.test(l)));
    assertNothingSecret(shown(events, result));
  });

  for (const protocol of ['rest', 'amqp'] as const) {
    it(`Entra's wrongAudience on the Event Hubs token: the send (${protocol}) refusal names aud as the likely cause`, async () => {
      sandbox.faults.inject({ peer: 'entra', kind: 'wrongAudience', match: { resource: 'https://eventhubs.azure.net' } });
      const events: FlowEvent[] = [];
      const result = await runFlow(sandbox.profile({ protocol }), services(), { send, onEvent: (e) => events.push(e) });
      assert.equal(result.failedStage, 'send', JSON.stringify(result.outcomes));

      const inspection = succeeded(events, 'eventHubsToken').inspection;
      assert.equal(inspection?.claims.aud, 'https://management.core.windows.net/');
      assert.equal(inspection?.checks.find((c) => c.claim === 'aud')?.status, 'mismatch');

      const failure = result.outcomes.find((o) => o.stage === 'send')?.error;
      assert.match(failure?.code ?? '', /InvalidAudience/);
      assert.equal(failure?.likelyCauses?.[0]?.claim, 'aud');
      assert.match(failure?.likelyCauses?.[0]?.reason ?? '', /management\.core\.windows\.net.*InvalidAudience/);
      assertNothingSecret(shown(events, result));
    });
  }

  it('a failure that is not a token refusal carries no likely cause', async () => {
    sandbox.faults.inject({ peer: 'keyVault', kind: 'secretNotFound', match: { secretName: sandbox.world.secrets.clientIdName } });
    const result = await runFlow(sandbox.profile({ protocol: 'rest' }), services(), { target: 'readClientId' });
    const failure = result.outcomes.find((o) => o.stage === 'readClientId')?.error;
    assert.equal(failure?.code, 'SecretNotFound');
    assert.equal(failure?.likelyCauses, undefined);
  });
});
