// The CLI's text output lists stages in the pipeline's order, although the two Key Vault reads run in
// parallel and either may finish first; a stage's line waits only for stages before it still running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHumanReporter } from '../../../src/cli/reporter';
import type { FlowEvent, StageId } from '../../../src/core/flow/types';
import { Redactor } from '../../../src/core/logging/redact';

function reporter(): { lines: string[]; event: (e: FlowEvent) => void; titles: () => string[] } {
  const lines: string[] = [];
  const r = createHumanReporter((text) => lines.push(...text.split('\n').filter(Boolean)), new Redactor(), false);
  return { lines, event: (e) => r.event(e), titles: () => lines.map((l) => /^ {2}✔ (.+?) {2,}/.exec(l)?.[1]?.trim() ?? l) };
}

const started = (stage: StageId): FlowEvent => ({ type: 'stageStarted', stage, at: 0 });
const ok = (stage: StageId): FlowEvent => ({ type: 'stageSucceeded', stage, durationMs: 5, summary: `${stage} done` });

describe('CLI text output: stages in pipeline order', () => {
  it('holds the client secret line until the client id read, started before it, finishes', () => {
    const out = reporter();
    out.event(started('keyVaultToken'));
    out.event(ok('keyVaultToken'));
    out.event(started('readClientId'));
    out.event(started('readClientSecret'));
    out.event(ok('readClientSecret'));
    assert.deepEqual(out.titles(), ['Key Vault token'], 'the secret read waits for the id read');
    out.event(ok('readClientId'));
    assert.deepEqual(out.titles(), ['Key Vault token', 'Read client id', 'Read client secret']);
  });

  it('prints at once when nothing before the stage is running', () => {
    const out = reporter();
    out.event(started('readClientSecret'));
    out.event(ok('readClientSecret'));
    assert.deepEqual(out.titles(), ['Read client secret']);
  });

  it('a failure waits its turn too, with its explanation after its own line', () => {
    const out = reporter();
    out.event(started('readClientId'));
    out.event(started('readClientSecret'));
    out.event({
      type: 'stageFailed',
      stage: 'readClientSecret',
      durationMs: 7,
      error: { code: 'SecretNotFound', message: 'x', explanation: { summary: 'The secret was not found.', cause: 'No such secret.', fix: 'Check its name.' } } as never,
    });
    assert.equal(out.lines.length, 0);
    out.event(ok('readClientId'));
    assert.match(out.lines[0] ?? '', /✔ Read client id/);
    assert.match(out.lines[1] ?? '', /✘ Read client secret .*SecretNotFound/);
    assert.ok(out.lines.slice(2).some((l) => l.includes('Check its name.')));
  });
});
