// Issue #11: a stage timeout's fix, in the CLI, names the CLI's own knob (--timeout), not "settings"
// (the editor's). Runs the CLI against the sandbox with the send:timeout fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli as cli } from './cliRunner';

describe('the StageTimeout fix in the CLI (#11)', () => {
  it('says --timeout, in text and in --json', async () => {
    const text = await cli(['run', '--fault', 'send:timeout', '--timeout', '1']);
    assert.equal(text.code, 15, text.out + text.err);
    assert.match(text.out, /✘ Send event\s+\d+ ms {2}StageTimeout/);
    assert.match(text.out, /Fix: .*--timeout SECONDS/);
    assert.doesNotMatch(text.out, /in settings/);

    const json = await cli(['run', '--json', '--fault', 'send:timeout', '--timeout', '1']);
    assert.equal(json.code, 15, json.out + json.err);
    const failed = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; status?: string; error?: { explanation?: { fix?: string } } })
      .find((o) => o.type === 'stage' && o.status === 'failed');
    assert.match(failed?.error?.explanation?.fix ?? '', /--timeout SECONDS/);
  });
});
