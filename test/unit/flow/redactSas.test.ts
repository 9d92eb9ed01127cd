// Security issue #13: the SAS tokens the tool signs itself (REST send, AMQP CBS for send, probe and
// read back) must be known to the run's redactor, like every other secret the run holds.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSharedAccessSignature, parseSharedAccessSignature, registerSharedAccessSignature } from '../../../src/core/azure/sas';
import { runFlow } from '../../../src/core/flow/engine';
import { runFlowWithReadBack } from '../../../src/core/flow/roundTrip';
import type { SendRequest } from '../../../src/core/flow/types';
import { REDACTED, Redactor } from '../../../src/core/logging/redact';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { Sandbox } from '../../../src/sandbox/types';
import { testServices, useSandbox } from './flowFixture';

/** A redactor that also keeps what it was told, to see which tokens a run registered. */
class RecordingRedactor extends Redactor {
  readonly added: string[] = [];
  override add(secret: string | undefined, expiresAt?: number): void {
    if (secret) {
      this.added.push(secret);
    }
    super.add(secret, expiresAt);
  }
}

const sigOf = (token: string): string => decodeURIComponent(/[\s&]sig=([^&\s]+)/.exec(token)?.[1] ?? '');

/** The SAS tokens a run registered, each checked to be signed with `key` (so: made by the run, not pasted). */
function signedTokens(redactor: RecordingRedactor, key: string): string[] {
  const tokens = redactor.added.filter((s) => s.startsWith('SharedAccessSignature '));
  for (const token of tokens) {
    const { resourceUri = '', expiresOn } = parseSharedAccessSignature(token);
    const expected = createHmac('sha256', key).update(`${encodeURIComponent(resourceUri)}\n${expiresOn}`).digest('base64');
    assert.equal(sigOf(token), expected, `${token} is signed with the key`);
    assert.ok(redactor.added.includes(expected), 'its signature is registered on its own');
  }
  return tokens;
}

void describe('SAS tokens the tool signs are registered with the redactor', () => {
  const key = 'c2FtcGxlLWtleS1ub3QtYmFzZTY0LWRlY29kZWQ+/=';
  const resourceUri = 'sb://eventstream-1234abcd.servicebus.windows.net/es_5678efgh';

  void it('createSharedAccessSignature registers the token and its signature, which then never print', () => {
    const redactor = new Redactor();
    const token = createSharedAccessSignature({ resourceUri, keyName: 'key_1', key, secrets: redactor });
    const sig = sigOf(token);
    const lines: [string, string][] = [
      ['signature alone, decoded', `computed ${sig} for the request`],
      ['signature as the token carries it', `sig value ${encodeURIComponent(sig)}`],
      ['signature JSON-escaped', JSON.stringify({ zz: sig })],
      ['token in an unknown field', `{"zzHeader":"${token}"}`],
    ];
    for (const [name, line] of lines) {
      const out = redactor.redact(line);
      assert.ok(!out.includes(sig.slice(0, 20)) && !out.includes(encodeURIComponent(sig).slice(0, 20)) && out.includes(REDACTED), `${name}: ${out}`);
    }
  });

  void it('a pasted token registers its signature too; spent tokens are let go, keys are not', () => {
    const now = Date.now();
    const live = createSharedAccessSignature({ resourceUri, keyName: 'key_1', key, now });
    const spent = createSharedAccessSignature({ resourceUri, keyName: 'key_1', key, now: now - 3 * 3600_000 });
    const redactor = new Redactor([key]);
    registerSharedAccessSignature(live, redactor);
    registerSharedAccessSignature(spent, redactor);
    assert.equal(redactor.redact(`sig ${sigOf(live)}`), `sig ${REDACTED}`);
    // Expired two hours ago: worthless, and a session would otherwise grow without end.
    assert.equal(redactor.redact(`sig ${sigOf(spent)}`), `sig ${sigOf(spent)}`);
    assert.equal(redactor.redact(`key ${key}`), `key ${REDACTED}`);
    // A value also registered for good stays, whatever order the two registrations came in.
    const both = new Redactor();
    registerSharedAccessSignature(spent, both);
    both.add(sigOf(spent));
    assert.equal(both.redact(`sig ${sigOf(spent)}`), `sig ${REDACTED}`);
  });
});

let sandbox: Sandbox;
let lines: string[];
const send: SendRequest = { events: [{ body: '{"hello":"sas"}', contentType: 'application/json' }] };

useSandbox((started) => (sandbox = started), () => (lines = []));

void describe('a run registers the SAS tokens it signs', () => {
  const sasProfile = (protocol: 'rest' | 'amqp'): ConnectionProfile => {
    const base = sandbox.profile({ protocol });
    return { ...base, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } } };
  };

  const cases = [
    { name: 'send over REST', protocol: 'rest', target: 'send', scheme: 'https' },
    { name: 'send over AMQP', protocol: 'amqp', target: 'send', scheme: 'sb' },
    { name: 'probe ($management over AMQP)', protocol: 'amqp', target: 'probe', scheme: 'sb' },
  ] as const;
  for (const { name, protocol, target, scheme } of cases) {
    void it(name, async () => {
      const redactor = new RecordingRedactor();
      const result = await runFlow(sasProfile(protocol), testServices(lines, { redactor }), { send, target });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      assert.deepEqual(result.outcomes.map((o) => o.stage), [target]);
      const tokens = signedTokens(redactor, sandbox.world.sas.key);
      assert.ok(
        tokens.some((t) => parseSharedAccessSignature(t).resourceUri?.startsWith(`${scheme}://`)),
        `a ${scheme}:// token was registered: ${tokens.join(', ')}`,
      );
      for (const token of tokens) {
        assert.equal(redactor.redact(`x ${sigOf(token)} y`), `x ${REDACTED} y`);
      }
    });
  }

  void it('read back with a SAS rule: the consumer tokens', async () => {
    const redactor = new RecordingRedactor();
    const profile: ConnectionProfile = {
      ...sasProfile('amqp'),
      readBack: { consumerGroup: sandbox.world.consumerGroups[1] ?? '$Default', auth: { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key } },
    };
    const result = await runFlowWithReadBack(profile, testServices(lines, { redactor }), { send, readBack: { timeoutSeconds: 10 } });
    assert.equal(result.readBack?.status, 'matched', JSON.stringify(result.readBack));
    const tokens = signedTokens(redactor, sandbox.world.sas.key);
    assert.ok(
      tokens.some((t) => /\/ConsumerGroups\//i.test(parseSharedAccessSignature(t).resourceUri ?? '')),
      `a consumer-group token was registered: ${tokens.map((t) => parseSharedAccessSignature(t).resourceUri).join(', ')}`,
    );
  });
});
