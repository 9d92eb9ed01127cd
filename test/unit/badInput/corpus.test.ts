// The bad-input corpus (#11): every row of corpusTable.ts is refused before anything is sent,
// naming its field with a fix, and never as an internal error. CLI rows run the CLI in-process
// against a profile whose every host is a loopback listener that counts connections: a row that
// reached the network would be seen there.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parseConnectionString } from '../../../src/core/azure/connectionString';
import { isValidationError, type ValidationError } from '../../../src/core/errors/errors';
import {
  validateClientId,
  validateClientSecret,
  validateConsumerGroup,
  validateEventHubName,
  validateNamespace,
  validateSasKey,
  validateSasKeyName,
  validateSecretName,
  validateSecretVersion,
  validateTenantId,
  validateVaultUrl,
  type Validated,
} from '../../../src/core/model/validate';
import { countProblem, isParseError, parseWebviewMessage } from '../../../src/shared/sendPanelProtocol';
import { checkProfileName, CorruptEntryError, decodeProfile as decodeStoredProfile } from '../../../src/extension/profiles/profileCodec';
import { parseProfilesFile, planImport } from '../../../src/extension/profiles/profileImport';
import { runCli, type CliRun } from '../cli/cliRunner';
import { baseProfile, CLI_ROWS, PANEL_ROWS, PROFILE_ROWS, WIZARD_ROWS, type WizardRow } from './corpusTable';

/** What an internal error looks like in any output: none may appear. */
const INTERNAL = /TypeError|ReferenceError|Something went wrong|\[object Object\]|\bundefined\b|\bNaN\b|at .+\(.+:\d+:\d+\)/;

const READER_SECRET = 'Abc8Q~reader.secret-value_0123456789xyz';

let server: Server;
let port = 0;
let contacts = 0;
let dir = '';
let basePath = '';
let hugePath = '';
let fileNumber = 0;

/** The environment of every run: the reader's secret, and nothing else of this machine's flow settings. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: READER_SECRET };
  for (const name of ['EVENTSTREAM_FLOW_SAS_KEY', 'EVENTSTREAM_FLOW_CONNECTION_STRING', 'EVENTSTREAM_FLOW_READ_BACK_SAS_KEY', 'EVENTSTREAM_FLOW_READ_BACK_CONNECTION_STRING', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    delete env[name];
  }
  return env;
}

async function profileFile(value: unknown): Promise<string> {
  const path = join(dir, `row-${++fileNumber}.profile.json`);
  await writeFile(path, JSON.stringify(value));
  return path;
}

function assertRefused(run: CliRun, field: RegExp): void {
  const all = run.err + run.out;
  assert.equal(run.code, 2, `exit ${run.code}:\n${all.slice(0, 2000)}`);
  // Warnings (a secret written into the file) may come first; the refusal is the error line.
  const refusal = run.err.slice(run.err.indexOf('error: ') + 'error: '.length);
  assert.match(run.err, /(^|\n)error: \S/);
  assert.match(refusal, field);
  assert.match(run.err, /\n {2}fix: \S/, 'the refusal says how to fix it');
  assert.doesNotMatch(all, INTERNAL);
  // A pasted megabyte is never printed whole.
  assert.ok(all.length < 4000, `printed ${all.length} characters`);
}

before(async () => {
  server = createServer((socket) => {
    contacts += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  dir = await mkdtemp(join(tmpdir(), 'esf-bad-input-'));
  basePath = await profileFile(baseProfile(port));
  hugePath = join(dir, 'huge.profile.json');
  await writeFile(hugePath, `{"name": "${'n'.repeat(2_000_000 - 12)}"}`);
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('bad-input corpus (#11)', () => {
  it('has at least 150 rows', () => {
    assert.ok(PROFILE_ROWS.length + CLI_ROWS.length + PANEL_ROWS.length + WIZARD_ROWS.length >= 150);
  });

  it('the listener sees a run of the valid base profile, so a row that reached the network would be caught', async () => {
    const before = contacts;
    const run = await runCli(['test', 'kv-token', '--profile', basePath, '--timeout', '5'], cliEnv());
    assert.equal(run.code, 11, run.out + run.err);
    assert.ok(contacts > before, 'the stage reached the listener');
  });

  describe('profile files: `run --profile FILE`', () => {
    for (const row of PROFILE_ROWS) {
      it(`refuses ${row.label}`, async () => {
        const before = contacts;
        const run = await runCli(['run', '--profile', await profileFile(row.make(baseProfile(port)))], cliEnv());
        assertRefused(run, row.field);
        assert.equal(contacts, before, 'no peer was contacted');
      });
    }
  });

  describe('profile files: Import Profiles and stored entries', () => {
    // Import takes lists and leaves names and secrets to fill in, so some rows are accepted there;
    // what no row may do is fail any other way than a ValidationError naming the row's field.
    for (const row of PROFILE_ROWS) {
      it(`imports or refuses ${row.label}, naming the field`, () => {
        const text = JSON.stringify(row.make(baseProfile(port)));
        try {
          planImport(parseProfilesFile(text, 'x.json'), [], () => 'fresh-id');
        } catch (e) {
          assert.ok(isValidationError(e), `not a ValidationError: ${String(e)}`);
          assert.doesNotMatch(e.message, INTERNAL);
          const path = /^\^?([A-Za-z.]+):/.exec(row.field.source.replace(/\\\./g, '.'))?.[1];
          if (path && path !== 'profile' && !e.field.startsWith('file')) {
            assert.ok(e.field.endsWith(path) || e.field.includes(`${path}`), `${e.field} does not name ${path}`);
          }
        }
      });

      it(`reads or skips a stored entry with ${row.label}, never with a TypeError`, () => {
        const value = row.make(baseProfile(port));
        const stored = JSON.stringify({ v: 1, profile: value && typeof value === 'object' && !Array.isArray(value) ? { ...value, id: 'p-1' } : value });
        try {
          decodeStoredProfile(stored, 'k');
        } catch (e) {
          assert.ok(e instanceof CorruptEntryError, `not a CorruptEntryError: ${String(e)}`);
          assert.doesNotMatch(e.message, INTERNAL);
        }
      });
    }
  });

  describe('CLI options', () => {
    for (const row of CLI_ROWS) {
      it(`refuses ${row.args.join(' ').slice(0, 80)}`, async () => {
        const before = contacts;
        const args = row.noProfile ? row.args.map((a) => (a === 'BASE' ? basePath : a === 'HUGE' ? hugePath : a)) : [...row.args, '--profile', basePath];
        assertRefused(await runCli(args, cliEnv()), row.field);
        assert.equal(contacts, before, 'no peer was contacted');
      });
    }
  });

  describe('send-panel messages', () => {
    for (const row of PANEL_ROWS) {
      it(`refuses ${row.label}`, () => {
        // The host refuses a message when it parses it, and a count out of range when it prepares the send.
        const result = parseWebviewMessage(row.message);
        const count = !isParseError(result) && result.type === 'send' ? countProblem(result.form.count) : undefined;
        const refusal = isParseError(result) ? result.error : count ? `${count.message} ${count.fix}` : undefined;
        assert.ok(refusal !== undefined, `accepted: ${JSON.stringify(result).slice(0, 200)}`);
        assert.match(refusal, row.field);
        assert.doesNotMatch(refusal, INTERNAL);
      });
    }
  });

  describe('wizard steps', () => {
    for (const row of WIZARD_ROWS) {
      it(`refuses ${row.label}`, () => {
        const result = wizardCheck(row);
        assert.equal(result?.severity, 'error', JSON.stringify(result));
        assert.match(result.message, row.says);
        assert.doesNotMatch(result.message, INTERNAL);
        assert.ok(result.message.length < 600, `${result.message.length} characters`);
      });
    }
  });
});

type StepCheck = { readonly severity: 'error' | 'warning' | 'info'; readonly message: string } | undefined;

// The wizard's input boxes show `${label} ${problem} ${fix}` for a refused value (its check() and
// error() helpers, being moved into src/extension/profiles/steps/ by #12): the same wording here,
// over the same validators, so these rows do not depend on where the helpers live.
function error(label: string, problem: ValidationError): StepCheck {
  return { severity: 'error', message: `${label} ${problem.problem} ${problem.fix}` };
}

function check(label: string, result: Validated<unknown>): StepCheck {
  return result.ok ? undefined : error(label, result.error);
}

/** "name" or "name/version", as the wizard reads a secret reference. */
function secretRef(text: string): { name: string; version: string } {
  const slash = text.trim().indexOf('/');
  return slash < 0 ? { name: text.trim(), version: '' } : { name: text.trim().slice(0, slash), version: text.trim().slice(slash + 1) };
}

/** The step's own check, as the wizard (and Configure Read Back…) wire it into the input box. */
function wizardCheck(row: WizardRow): StepCheck {
  const v = row.value;
  switch (row.step) {
    case 'name': {
      const problem = checkProfileName(v, [{ id: 'other', name: 'Orders pipeline' }]);
      return problem ? error('The name', problem) : undefined;
    }
    case 'vaultUrl':
      return check('The vault URL', validateVaultUrl(v, 'public'));
    case 'tenant':
      return check('The tenant', validateTenantId(v));
    case 'clientId':
      return check('The client id', validateClientId(v));
    case 'clientSecret':
      return check('The client secret', validateClientSecret(v));
    case 'secretRef': {
      const ref = secretRef(v);
      const name = validateSecretName(ref.name);
      if (!name.ok) {
        return error('The client id secret', name.error);
      }
      return check("The client id secret's version", validateSecretVersion(ref.version));
    }
    case 'namespace':
      return check('The namespace', validateNamespace(v, 'public'));
    case 'eventHubName':
      return check('The event hub name', validateEventHubName(v));
    case 'keyName':
      return check('The key name', validateSasKeyName(v));
    case 'sasKey':
      return check('The SAS key', validateSasKey(v));
    case 'connectionString':
      try {
        return check('The connection string’s namespace', validateNamespace(parseConnectionString(v).namespace, 'public'));
      } catch (e) {
        if (isValidationError(e)) {
          return error('The connection string', e);
        }
        throw e;
      }
    case 'consumerGroup':
      return check('The consumer group', validateConsumerGroup(v));
  }
}
