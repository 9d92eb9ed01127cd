// The CLI end to end, in-process against the sandbox it starts itself, and across processes with
// `eventstream-flow sandbox` + `run --profile`: exit codes per stage, explanations, --json, no leaks.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';

import { runCli as cli } from './cliRunner';

const root = join(__dirname, '..', '..', '..');

/** Secrets of the in-process sandboxes are random; these shapes must never appear in any output. */
function assertNothingSecret(text: string): void {
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
  assert.doesNotMatch(text, /sig=[A-Za-z0-9%]{10,}/, 'a SAS signature leaked');
  assert.doesNotMatch(text, /client_secret=[^&\s[]/, 'a client secret leaked');
  assert.doesNotMatch(text, /SharedAccessKey=[^;\s[]/, 'a SAS key leaked');
}

describe('eventstream-flow CLI', () => {
  it('runs the five stages against the sandbox and exits 0', async () => {
    const { code, out } = await cli(['run']);
    assert.equal(code, 0, out);
    for (const title of ['Key Vault token', 'Read client id', 'Read client secret', 'Event Hubs token', 'Send event']) {
      assert.match(out, new RegExp(`✔ ${title}\\s+\\d+ ms`));
    }
    assert.match(out, /Flow succeeded in \d+ ms/);
    assert.match(out, /sandbox's Event Hubs received 1 event/);
    assertNothingSecret(out);
  });

  it('prints one JSON object per stage and a result with --json', async () => {
    const { code, out } = await cli(['run', '--json', '--protocol', 'amqp']);
    assert.equal(code, 0, out);
    const objects = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stage?: string; status?: string; ok?: boolean; durationMs?: number });
    const stages = objects.filter((o) => o.type === 'stage');
    // Lines come as stages finish: the two Key Vault reads run in parallel, so either may come first.
    const order = stages.map((s) => s.stage);
    assert.deepEqual([order[0], [order[1], order[2]].sort(), order[3], order[4]], ['keyVaultToken', ['readClientId', 'readClientSecret'], 'eventHubsToken', 'send']);
    assert.equal(stages.length, 5);
    assert.ok(stages.every((s) => s.status === 'succeeded' && typeof s.durationMs === 'number'));
    assert.equal(objects.at(-1)?.type, 'result');
    assert.equal(objects.at(-1)?.ok, true);
    assertNothingSecret(out);
  });

  const faults: [string, string, number, RegExp][] = [
    ['kv-token', 'invalidClientSecret', 11, /AADSTS7000215/],
    ['client-id', 'secretNotFound', 12, /SecretNotFound/],
    ['client-secret', 'secretDisabled', 13, /SecretDisabled/],
    ['eh-token', 'invalidClientSecret', 14, /AADSTS7000215/],
    ['send', 'missingRole', 15, /Send/],
  ];
  for (const [stage, kind, exit, code] of faults) {
    it(`exits ${exit} and explains the failure when ${stage} fails with ${kind}`, async () => {
      const human = await cli(['run', '--fault', `${stage}:${kind}`]);
      assert.equal(human.code, exit, human.out);
      assert.match(human.out, /✘/);
      assert.match(human.out, code);
      assert.match(human.out, /Fix: {3}\S/);
      assert.match(human.out, new RegExp(`Exit code ${exit}`));
      assertNothingSecret(human.out + human.err);

      const json = await cli(['run', '--json', '--fault', `${stage}:${kind}`]);
      assert.equal(json.code, exit);
      const failed = json.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status?: string; error?: { explanation?: { fix?: string } } })
        .find((o) => o.status === 'failed');
      assert.ok(failed?.error?.explanation?.fix, 'the JSON failure carries the remedy');
      assertNothingSecret(json.out + json.err);
    });
  }

  it('reads the secrets with the pipeline\'s own request when given an api-version', async () => {
    const { code, out } = await cli(['test', 'client-secret', '--kv-api-version', '7.0']);
    assert.equal(code, 0, out);
    assert.match(out, /✔ Read client secret .*\(api-version 7\.0\)/);
  });

  it('tests one stage alone', async () => {
    const { code, out } = await cli(['test', 'kv-token', '--json']);
    assert.equal(code, 0, out);
    const stages = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stage?: string }).filter((o) => o.type === 'stage');
    assert.deepEqual(stages.map((s) => s.stage), ['keyVaultToken']);
  });

  it('probes the endpoint', async () => {
    const { code, out } = await cli(['test', 'probe']);
    assert.equal(code, 0, out);
    assert.match(out, /hub es_demo reachable: 2 partitions/);
  });

  it('sends several events with parameters, properties and a partition key over AMQP', async () => {
    const body = '{"site":"@{pipeline().parameters.site}","id":"@{guid()}","n":@{eventIndex()}}';
    const { code, out } = await cli(['send', '--body', body, '--param', 'site=Oslo', '--count', '3', '--protocol', 'amqp', '--property', 'team=data', '--partition-key', 'oslo']);
    assert.equal(code, 0, out);
    assert.match(out, /3 events accepted over AMQP/);
    assert.match(out, /Last body: \{"site":"Oslo","id":"[0-9a-f-]{36}","n":2\}/);
  });

  const refusals: [string[], RegExp][] = [
    [['run', '--client-secret', 'abc'], /never accepted as command-line arguments/],
    [['test', 'nope'], /not a stage/],
    [['run', '--body', '{"a": 1,}'], /line 1/i],
    [['run', '--count', '0'], /--count: is 0\.\n {2}fix: Give a whole number from 1 to 1,000,000/],
    [['run', '--body', '{"x":"@{pipeline().parameters.missing}"}'], /parameters\.missing/],
    [['run', '--partition-key', 'a', '--partition-id', '0'], /cannot be combined/],
    [['run', '--protocol', 'kafka'], /not a protocol/],
    [['run', '--kv-api-version', 'latest'], /not a Key Vault api-version/],
    [['run', '--fault', 'send:meteorStrike'], /not a fault kind/],
    [['run', '--profile', '/nonexistent/profile.json'], /Cannot read/],
  ];
  for (const [args, message] of refusals) {
    it(`refuses ${args.slice(1).join(' ')} with exit 2 and says how to fix it`, async () => {
      const { code, err } = await cli(args);
      assert.equal(code, 2, err);
      assert.match(err, message);
      assert.match(err, /fix: \S/);
    });
  }

  it('refuses a profile file that is not JSON without quoting the text (it may hold a secret)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'esf-cli-'));
    const path = join(dir, 'broken.profile.json');
    await writeFile(path, '{ "keyVault": { "auth": { "clientSecret": Xy7~Q8abcdefghijklmnop } } }');
    const { code, err } = await cli(['run', '--profile', path]);
    assert.equal(code, 2, err);
    assert.match(err, /is not valid JSON: Unexpected token/);
    assert.ok(!err.includes('Xy7~Q8'), err);
  });

  it('warns when a secret read expires within --expiry-warning-days, and not with the default window', async () => {
    // The sandbox's pipeline client secret expires in 150 days.
    const warned = await cli(['test', 'client-secret', '--expiry-warning-days', '200']);
    assert.equal(warned.code, 0, warned.out);
    assert.match(warned.out, /✔ Read client secret .* — warning: expires in 150 days \(\d{4}-\d{2}-\d{2}\); rotate: create a new client secret for the app/);
    assert.match(warned.out, /Key Vault cannot know when the app registration's client secret expires/);
    assertNothingSecret(warned.out + warned.err);
    const quiet = await cli(['test', 'client-secret']);
    assert.equal(quiet.code, 0, quiet.out);
    assert.doesNotMatch(quiet.out, /expires in \d+ days/);
    const json = await cli(['test', 'client-secret', '--json', '--expiry-warning-days', '200']);
    const stage = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stage?: string; summary?: string })
      .find((o) => o.stage === 'readClientSecret');
    assert.match(stage?.summary ?? '', /warning: expires in 150 days/);
  });

  it('refuses a negative or fractional --expiry-warning-days', async () => {
    for (const value of ['-1', '2.5', 'soon']) {
      const { code, err } = await cli(['run', `--expiry-warning-days=${value}`]);
      assert.equal(code, 2, err);
      assert.match(err, /--expiry-warning-days: is .*\n {2}fix: Give a whole number of days from 0 to 3,650/);
      assert.match(err, /fix: \S/);
    }
  });

  it('explains an unknown option, a missing value and a value starting with a dash as bad input (exit 2)', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [['run', '--bogus'], /--bogus: is not an option/, /--help/],
      [['run', '--timeout'], /--timeout: needs a value/, /--help/],
      [['run', '--timeout', '-1'], /--timeout: has a value starting with a dash/, /--timeout=<value>/],
    ];
    for (const [args, problem, fix] of cases) {
      const { code, err } = await cli(args);
      assert.equal(code, 2, err);
      assert.match(err, problem);
      assert.match(err, new RegExp(`fix: .*${fix.source}`));
    }
  });

  it('prints help', async () => {
    const { code, out } = await cli(['--help']);
    assert.equal(code, 0);
    assert.match(out, /Exit codes/);
  });
});

describe('eventstream-flow least-privilege advisory', () => {
  it('warns before the run that the namespace root key is more than sending needs, without printing the key', async () => {
    const { startTestSandbox } = await import('../azure/sandboxFixture');
    const { sandboxInternals } = await import('../../../src/sandbox/index');
    const sandbox = await startTestSandbox();
    try {
      const rootKey = randomBytes(32).toString('base64');
      sandboxInternals(sandbox).world.sasRules.set('RootManageSharedAccessKey', { key: rootKey, rights: ['Manage', 'Send', 'Listen'] });
      const base = sandbox.profile({ name: 'root key' });
      const dir = await mkdtemp(join(tmpdir(), 'esf-cli-'));
      const path = join(dir, 'root.profile.json');
      const { clientSecret: _dropped, ...auth } = base.keyVault.auth as { clientSecret: string };
      await writeFile(path, JSON.stringify({ ...base, keyVault: { ...base.keyVault, auth }, endpoint: { ...base.endpoint, auth: { kind: 'connectionString' } } }));
      const connectionString = `Endpoint=sb://${sandbox.urls.namespace}/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${rootKey}`;
      const env = { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret, EVENTSTREAM_FLOW_CONNECTION_STRING: connectionString };
      const run = await cli(['run', '--profile', path], env);
      assert.equal(run.code, 0, run.out + run.err);
      assert.match(run.err, /^warning: RootManageSharedAccessKey is the namespace's root key/m);
      assert.match(run.err, /A send-only policy on the event hub is enough: create one with only Send \(Azure: Event Hub → Shared access policies/);
      assert.ok(!(run.out + run.err).includes(rootKey), 'the root key is never printed');
      assertNothingSecret(run.out + run.err);

      // An entity-level key (Fabric's key_… form) gets no advisory.
      const entity = `Endpoint=sb://${sandbox.urls.namespace}/;SharedAccessKeyName=${sandbox.world.sas.keyName};SharedAccessKey=${sandbox.world.sas.key};EntityPath=${sandbox.world.eventHubName}`;
      const quiet = await cli(['run', '--profile', path], { ...env, EVENTSTREAM_FLOW_CONNECTION_STRING: entity });
      assert.equal(quiet.code, 0, quiet.out + quiet.err);
      assert.doesNotMatch(quiet.err, /send-only policy/);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('eventstream-flow sandbox + run --profile across processes', () => {
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGINT');
  });

  it('writes a profile without secrets, and a run with secrets from the environment never prints them', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'sandbox', '--json'], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const summary = JSON.parse(first) as { profile: string; secretsEnv: string };
    const profileText = await readFile(summary.profile, 'utf8');
    const envText = await readFile(summary.secretsEnv, 'utf8');
    const secret = /EVENTSTREAM_FLOW_CLIENT_SECRET='([^']+)'/.exec(envText)?.[1];
    assert.ok(secret && secret.length > 10, 'the secrets file holds the reader secret');
    assert.ok(!profileText.includes(secret), 'the profile file holds no secret');

    const withoutSecret = await cli(['run', '--profile', summary.profile], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: '' });
    assert.equal(withoutSecret.code, 2, 'a missing secret is bad input');
    assert.match(withoutSecret.err, /EVENTSTREAM_FLOW_CLIENT_SECRET/);

    const run = await cli(['run', '--profile', summary.profile, '--json'], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: secret });
    assert.equal(run.code, 0, run.out + run.err);
    assert.ok(!(run.out + run.err).includes(secret), 'the secret never appears in the output');
    assertNothingSecret(run.out + run.err);
  });
});
