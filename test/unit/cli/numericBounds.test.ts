// Issue #8 item 5, bounds on input: every numeric option is a whole number in plain digits within
// a stated range (src/core/model/limits.ts). Anything else is bad input (exit 2) that names the
// option, the value and the range, before a profile is read or anything is sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCliArgs } from '../../../src/cli/options';
import { EVENT_COUNT, EXPIRY_WARNING_DAYS, READ_BACK_TIMEOUT_SECONDS, STAGE_TIMEOUT_SECONDS } from '../../../src/core/model/limits';
import { runCli } from './cliRunner';

/** A profile that cannot be read: had the option been accepted, the CLI would stop here instead ("Cannot read"). */
const NO_PROFILE = ['--profile', '/nonexistent/esf-bounds/profile.json'];

interface NumericOption {
  readonly flag: string;
  /** Arguments that make the option apply (e.g. --read-back for its timeout). */
  readonly with: readonly string[];
  /** The fix as the user reads it. */
  readonly range: RegExp;
  readonly bad: readonly string[];
  readonly good: readonly [string, (o: ReturnType<typeof parseCliArgs>) => number, number][];
}

/** Written the ways a number should not be: fractions, exponents, hex, signs, spaces, trailing text, nothing. */
const MALFORMED = ['0.5', '1e9', '1E3', '0x10', '0b1', '0o7', '10abc', '', ' ', ' 5', '5 ', '+5', '1_000', '1,000', 'Infinity', 'NaN', '٣'];

const OPTIONS: readonly NumericOption[] = [
  {
    flag: '--count',
    with: ['send'],
    range: /Give a whole number from 1 to 1,000,000 \(default 1\)\./,
    bad: [...MALFORMED, '0', '-1', '1000001', '1000000000', '99999999999999999999999'],
    good: [
      ['1', (o) => o.count, 1],
      ['1000000', (o) => o.count, 1_000_000],
    ],
  },
  {
    flag: '--timeout',
    with: ['run'],
    range: /Give a whole number of seconds from 1 to 600 \(default 30\)\./,
    bad: [...MALFORMED, '0', '-1', '601', '3000000'],
    good: [
      ['1', (o) => o.timeoutMs, 1000],
      ['600', (o) => o.timeoutMs, 600_000],
    ],
  },
  {
    flag: '--read-back-timeout',
    with: ['send', '--read-back'],
    range: /Give a whole number of seconds from 1 to 600 \(default 30\)\./,
    bad: [...MALFORMED, '0', '-1', '601', '3000000'],
    good: [
      ['1', (o) => o.readBack?.timeoutSeconds ?? NaN, 1],
      ['600', (o) => o.readBack?.timeoutSeconds ?? NaN, 600],
    ],
  },
  {
    flag: '--expiry-warning-days',
    with: ['test', 'client-secret'],
    range: /Give a whole number of days from 0 to 3,650 \(default 30\)\./,
    bad: [...MALFORMED, '-1', '3651', '3000000'],
    good: [
      ['0', (o) => o.expiryWarningDays, 0],
      ['3650', (o) => o.expiryWarningDays, 3650],
    ],
  },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('numeric options: whole numbers within a stated range', () => {
  for (const option of OPTIONS) {
    describe(option.flag, () => {
      for (const value of option.bad) {
        it(`refuses ${JSON.stringify(value)} with exit 2, naming the option, the value and the range; nothing sent`, async () => {
          const { code, out, err } = await runCli([...option.with, ...NO_PROFILE, `${option.flag}=${value}`]);
          assert.equal(code, 2, err);
          assert.equal(out, '', 'nothing is printed on stdout (no stage ran)');
          assert.match(err, new RegExp(`^error: ${escape(option.flag)}: is `));
          const shown = value === '' ? 'empty' : value.length > 40 ? value.slice(0, 40) : value;
          assert.ok(err.includes(shown), err);
          assert.match(err, /\n {2}fix: /);
          assert.match(err, option.range);
          assert.doesNotMatch(err, /Cannot read/, 'refused before the profile was read');
          assert.equal(err.split('\n').filter(Boolean).length, 2, 'one error line and one fix line');
        });
      }

      it('refuses a value separated by a space the same way (e.g. 1e9)', async () => {
        const { code, err } = await runCli([...option.with, ...NO_PROFILE, option.flag, '1e9']);
        assert.equal(code, 2, err);
        assert.match(err, new RegExp(`${escape(option.flag)}: is '1e9', not a whole number in plain digits\\.`));
        assert.match(err, option.range);
      });

      for (const [value, read, expected] of option.good) {
        it(`accepts the boundary ${value}`, () => {
          assert.equal(read(parseCliArgs([...option.with, ...NO_PROFILE, option.flag, value])), expected);
        });
      }
    });
  }

  it('keeps the defaults when the options are left out', () => {
    const options = parseCliArgs(['send', ...NO_PROFILE]);
    assert.equal(options.count, EVENT_COUNT.default);
    assert.equal(options.timeoutMs, STAGE_TIMEOUT_SECONDS.default * 1000);
    assert.equal(options.expiryWarningDays, EXPIRY_WARNING_DAYS.default);
    assert.equal(parseCliArgs(['send', ...NO_PROFILE, '--read-back']).readBack?.timeoutSeconds, undefined, "the profile's, else the engine's default");
  });

  it('pins the ranges the core states (the CLI and the send panel read them)', () => {
    assert.deepEqual([EVENT_COUNT.min, EVENT_COUNT.max], [1, 1_000_000]);
    assert.deepEqual([STAGE_TIMEOUT_SECONDS.min, STAGE_TIMEOUT_SECONDS.max], [1, 600]);
    assert.deepEqual([READ_BACK_TIMEOUT_SECONDS.min, READ_BACK_TIMEOUT_SECONDS.max], [1, 600]);
    assert.deepEqual([EXPIRY_WARNING_DAYS.min, EXPIRY_WARNING_DAYS.max], [0, 3650]);
  });

  it('names the ranges in --help', async () => {
    const { code, out } = await runCli(['--help']);
    assert.equal(code, 0);
    assert.match(out, /--count N\s+send N events, 1 to 1,000,000/);
    assert.match(out, /--timeout SECONDS\s+per-stage timeout, 1 to 600/);
    assert.match(out, /--read-back-timeout S\s+seconds to wait for the event, 1 to 600/);
    assert.match(out, /within N days, 0 to 3650/);
  });
});
