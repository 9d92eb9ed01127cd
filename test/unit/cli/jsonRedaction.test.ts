// --json output stays one valid JSON object per line when a secret of the run (here a PIN-like
// proxy password, whose digits every epoch-seconds claim issued today starts with) occurs inside a
// number: redaction must not cut a number in two.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './cliRunner';

describe('eventstream-flow --json with short secrets', () => {
  it('inspect-token --json: every line parses, and the claims keep their numbers', async () => {
    const pin = String(Math.floor(Date.now() / 1000)).slice(0, 5);
    // The proxy is configured (so its password is a secret of the run) but bypassed for every host.
    const { code, out, err } = await runCli(['inspect-token', 'kv-token', '--json'], {
      ...process.env,
      HTTPS_PROXY: `http://me:${pin}@proxy.invalid:3128`,
      NO_PROXY: '*',
    });
    assert.equal(code, 0, out + err);
    const lines = out.trim().split('\n');
    for (const line of lines) {
      assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line.slice(0, 300)}`);
    }
    const inspection = lines.map((l) => JSON.parse(l) as { type?: string; inspection?: { claims?: { exp?: unknown } } }).find((o) => o.type === 'inspection');
    assert.equal(typeof inspection?.inspection?.claims?.exp, 'number');
  });
});
