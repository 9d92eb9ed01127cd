// Load mode (issue #8): `send --rate N --duration S` keeps a steady pace, reports send latency
// percentiles, and slows down when the service throttles instead of failing; every event arrives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './cliRunner';

/** "The sandbox's Event Hubs received N events". */
function received(out: string): number {
  return Number((/received ([\d,]+) events?/.exec(out)?.[1] ?? 'NaN').replace(/,/g, ''));
}

void describe('CLI load mode', { timeout: 120_000 }, () => {
  void it('sends rate × duration events at the pace asked, with latency percentiles in the summary', async () => {
    const started = Date.now();
    const { code, out, err } = await runCli(['send', '--rate', '100', '--duration', '2', '--protocol', 'rest']);
    assert.equal(code, 0, out + err);
    assert.equal(received(out), 200, out);
    assert.match(out, /Sent in [\d.]+ s \(asked 100 events\/s for 2 s\): 200 acknowledged, 0 never sent of 200; .* send latency p50 \d+ ms, p95 \d+ ms, p99 \d+ ms/);
    // The pace is kept: 200 events at 100/s cannot finish before the last one is due (~1.99 s).
    assert.ok(Date.now() - started >= 1900, 'the events were not paced');
  });

  void it('throttled by a per-partition limit, slows down and sends every event anyway (REST 429 with Retry-After)', async () => {
    const { code, out, err } = await runCli(['send', '--rate', '600', '--duration', '1', '--protocol', 'rest', '--partition-limit', '100']);
    assert.equal(code, 0, out + err);
    assert.equal(received(out), 600, out);
    assert.match(out, /throttled [\d,]+× \(waited and sent again\)/);
    assert.match(err, /throttled by the service: pace now \d+ events\/s/);
  });

  const mistakes: [string[], RegExp][] = [
    [['send', '--rate', '0'], /--rate: is 0\.\n {2}fix: Give a whole number of events per second from 1 to 100,000\./],
    [['send', '--rate', '1e3'], /--rate: is '1e3', not a whole number/],
    [['send', '--rate', '10', '--duration', '3601'], /--duration: is 3601\.\n {2}fix: Give a whole number of seconds from 1 to 3,600/],
    [['send', '--rate', '10', '--count', '5'], /--count\/--rate: A count and a rate cannot be combined/],
    [['send', '--duration', '5'], /--duration: only applies to load mode/],
    [['test', 'kv-token', '--rate', '5'], /--rate: does not apply to test/],
  ];
  for (const [args, message] of mistakes) {
    void it(`refuses ${args.join(' ')} with exit 2`, async () => {
      const { code, out, err } = await runCli(args);
      assert.equal(code, 2, out + err);
      assert.match(err + out, message);
    });
  }
});
