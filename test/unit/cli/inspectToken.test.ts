// `eventstream-flow inspect-token` in-process against the sandbox it starts: claims and checks in
// text and JSON, exit 3 on a mismatch, the likely cause on a later failure, and never a token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './cliRunner';

const cli = (args: string[]) => runCli(args, { ...process.env, EVENTSTREAM_FLOW_LOG: 'debug' });

/** Checked on stdout and on the debug log (stderr): no JWT and no part of one. */
function assertNoToken(text: string): void {
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}/, 'a JWT (or its header or payload) leaked');
  assert.doesNotMatch(text, /client_secret=[^&\s[]/, 'a client secret leaked');
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('eventstream-flow inspect-token', () => {
  it('kv-token: prints the claims and passing checks, says the signature is not verified, exits 0', async () => {
    const { code, out, err } = await cli(['inspect-token', 'kv-token']);
    assert.equal(code, 0, out + err);
    assert.match(out, /✔ Key Vault token/);
    assert.match(out, /^ {2}aud {4}https:\/\/vault\.azure\.net$/m);
    assert.match(out, /✔ aud +ok/);
    assert.match(out, /✔ tid +ok/);
    assert.match(out, /✔ exp +ok/);
    assert.match(out, /signature is not verified/);
    assert.match(out, /No mismatch/);
    assert.doesNotMatch(out, /Read client id/, 'only the stages the token needs run');
    assertNoToken(out + err);
  });

  it('eh-token: runs stages 1 to 4 and hides the client id read from Key Vault', async () => {
    const { code, out, err } = await cli(['inspect-token', 'eh-token']);
    assert.equal(code, 0, out + err);
    assert.match(out, /✔ Read client id/);
    assert.match(out, /^ {2}aud {4}https:\/\/eventhubs\.azure\.net$/m);
    assert.match(out, /^ {2}appid {2}\[REDACTED\]$/m);
    assert.match(out, /✔ appid +ok +appid matches the client id read from Key Vault/);
    assert.match(out, /roles +ok +App-only token.*Data Sender/);
    assert.doesNotMatch(out.match(/^ {2}appid.*$/m)?.[0] ?? '', GUID);
    assertNoToken(out + err);
  });

  it('--json prints the stage objects, then one inspection object, with no token', async () => {
    const { code, out } = await cli(['inspect-token', 'eh-token', '--json']);
    assert.equal(code, 0, out);
    const objects = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const inspection = objects.find((o) => o.type === 'inspection') as { stage: string; mismatches: number; inspection: { claims: Record<string, unknown>; checks: { claim: string; status: string }[]; signatureVerified: boolean } };
    assert.equal(inspection.stage, 'eventHubsToken');
    assert.equal(inspection.mismatches, 0);
    assert.equal(inspection.inspection.signatureVerified, false);
    assert.equal(inspection.inspection.claims.appid, '[REDACTED]');
    assert.deepEqual(inspection.inspection.checks.map((c) => c.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    assertNoToken(out);
  });

  it("exits 3 and shows the fix when Entra mints the wrong audience (the sandbox's wrongAudience fault)", async () => {
    const { code, out, err } = await cli(['inspect-token', 'kv-token', '--fault', 'kv-token:wrongAudience']);
    assert.equal(code, 3, out + err);
    assert.match(out, /✘ aud +mismatch +aud is https:\/\/vault\.azure\.net\/, .*trailing slash/);
    assert.match(out, /Fix: Request the token for resource https:\/\/vault\.azure\.net \(v1\)/);
    assert.match(out, /1 mismatch: the next stage will likely refuse this token/);
    assertNoToken(out + err);
  });

  it('a run whose send is refused prints the likely cause under the failure', async () => {
    const { code, out, err } = await cli(['run', '--fault', 'eh-token:wrongAudience']);
    assert.equal(code, 15, out + err);
    assert.match(out, /✘ Send event/);
    assert.match(out, /Likely cause \(Event Hubs token, aud\): aud is https:\/\/management\.core\.windows\.net\//);
    assert.match(out, / {13}Fix: Request the token with resource=https:\/\/eventhubs\.azure\.net/);
    assertNoToken(out + err);
  });

  it('refuses stages that obtain no token', async () => {
    for (const args of [['inspect-token'], ['inspect-token', 'send'], ['inspect-token', 'nonsense']]) {
      const { code, err } = await cli(args);
      assert.equal(code, 2);
      assert.match(err, /inspect-token kv-token/);
    }
  });
});
