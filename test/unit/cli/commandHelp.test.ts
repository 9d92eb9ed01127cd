import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandHelp, HELP_TOPICS, helpTopic, optionEntries } from '../../../src/cli/help';
import { main } from '../../../src/cli/main';
import { HELP, parseCliArgs } from '../../../src/cli/options';
import { EVENT_COUNT, STAGE_TIMEOUT_SECONDS } from '../../../src/core/model/limits';
import { FAULT_KINDS, PROFILE_FAULTS } from '../../../src/sandbox/stageFaults';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s), env: {} } as unknown as Parameters<typeof main>[1]);
  return { code, out, err };
}

/** A shell word split good enough for the examples: spaces, single quotes, `#` comments. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.replace(/\s+#.*$/, '').matchAll(/'([^']*)'|(\S+)/g)) {
    out.push(m[1] ?? m[2]!);
  }
  return out;
}

const n = (value: number): string => value.toLocaleString('en-US');

void describe('per-command help (issue #11: the CLI)', () => {
  void it('each command prints its own usage, options and examples, not the global help', async () => {
    const seen = new Set<string>();
    for (const topic of HELP_TOPICS) {
      const { code, out, err } = await run([topic, '--help']);
      assert.equal(code, 0, topic);
      assert.equal(err, '');
      assert.notEqual(out, HELP);
      assert.match(out, new RegExp(`^eventstream-flow ${topic} — `));
      assert.match(out, new RegExp(`Usage:\\n {2}eventstream-flow ${topic}`));
      assert.match(out, /\nOptions:\n/);
      assert.match(out, /\nExamples:\n {2}eventstream-flow /);
      assert.ok(out.split('\n').every((l) => l.length <= 100), `${topic}: lines fit 100 columns`);
      assert.ok(!seen.has(out), `${topic} differs from the others`);
      seen.add(out);
      assert.equal((await run(['help', topic])).out, out, '`help <command>` says the same');
    }
  });

  void it('states the ranges written once in limits', async () => {
    const send = (await run(['send', '--help'])).out;
    assert.match(send, new RegExp(`--count N .*${n(EVENT_COUNT.min)} to ${n(EVENT_COUNT.max)}`));
    assert.match(send, new RegExp(`--timeout SECONDS .*${STAGE_TIMEOUT_SECONDS.min} to ${STAGE_TIMEOUT_SECONDS.max}`));
    const exp = (await run(['export', '--help'])).out;
    assert.match(exp, /--format F/);
    assert.doesNotMatch(exp, /--count|--fault/, 'export lists only what export takes');
  });

  void it('lists every fault kind the sandbox takes, amqpPortBlocked among them', async () => {
    const out = (await run(['run', '--help'])).out;
    for (const kind of [...FAULT_KINDS, ...Object.keys(PROFILE_FAULTS)]) {
      assert.match(out, new RegExp(`\\b${kind}\\b`), kind);
    }
    assert.match(out, /amqpPortBlocked/);
  });

  void it('every option of the global help is in some command help', async () => {
    const shown = (await Promise.all(HELP_TOPICS.map((t) => commandHelp(t)))).join('\n');
    for (const name of optionEntries(HELP).keys()) {
      assert.match(shown, new RegExp(`^ {2}(?:-h, )?--${name}\\b`, 'm'), `--${name} belongs to a command`);
    }
  });

  void it('every example parses', async () => {
    for (const topic of HELP_TOPICS) {
      for (const line of (await commandHelp(topic)).split('Examples:\n')[1]!.split('\n').filter((l) => l.startsWith('  eventstream-flow '))) {
        const argv = words(line).slice(1);
        assert.doesNotThrow(() => parseCliArgs(argv), line);
        assert.equal(parseCliArgs(argv).command, topic, line);
      }
    }
  });

  void it('finds the command past option values, and leaves the rest to the global help', () => {
    assert.equal(helpTopic(['--profile', 'run', 'send', '-h']), 'send', 'an option value named like a command');
    assert.equal(helpTopic(['--body={"a":1}', 'export', '--help']), 'export');
    assert.equal(helpTopic(['--json', 'test', 'kv-token', '--help']), 'test');
    assert.equal(helpTopic(['help', 'sandbox']), 'sandbox');
    assert.equal(helpTopic(['--help']), undefined);
    assert.equal(helpTopic(['help']), undefined);
    assert.equal(helpTopic(['send']), undefined);
    assert.equal(helpTopic(['bogus', '--help']), undefined);
    assert.equal(helpTopic(['send', '--', '--help']), undefined, 'after -- it is not an option');
  });

  void it('the global help stays for --help alone', async () => {
    const { code, out } = await run(['--help']);
    assert.equal(code, 0);
    assert.equal(out, HELP);
  });
});
