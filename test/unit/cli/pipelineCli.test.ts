// `eventstream-flow pipeline deploy|run` against the sandbox it starts: Fabric and Data Factory,
// human and --json output, the failing activity's stage as the exit code with the local stage's
// explanation, an update refused without --yes, bad input as exit 2; no secret in any output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, type CliRun } from './cliRunner';

function assertNoSecretIn(run: CliRun): void {
  assert.doesNotMatch(run.out + run.err, /eyJ[A-Za-z0-9_-]{10,}\./, 'a token was printed');
  assert.doesNotMatch(run.out + run.err, /[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{34}/, 'a client secret was printed');
}

interface Report {
  readonly target: string;
  readonly deployment: string;
  readonly run: { readonly status: string };
  readonly activities: { readonly name: string; readonly stage?: string; readonly status: string; readonly attempts: number; readonly error?: { errorCode: string }; readonly explanation?: { code: string; cause: string; status?: number } }[];
  readonly eventsReceived: number;
  readonly exitCode: number;
}

describe('eventstream-flow pipeline', () => {
  it('run --target fabric --json: deployed, four activities succeed, the event arrives, exit 0', async () => {
    const run = await runCli(['pipeline', 'run', '--target', 'fabric', '--json']);
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as Report;
    assert.equal(report.deployment, 'create');
    assert.equal(report.run.status, 'Succeeded');
    assert.deepEqual(report.activities.map((a) => [a.stage, a.status]), [['readClientId', 'Succeeded'], ['readClientSecret', 'Succeeded'], ['eventHubsToken', 'Succeeded'], ['send', 'Succeeded']]);
    assert.equal(report.eventsReceived, 1);
    assertNoSecretIn(run);
  });

  it('run --target adf with a 403 at the client-secret read: exit 13, the activity explained as the local stage', async () => {
    const run = await runCli(['pipeline', 'run', '--target', 'adf', '--fault', 'client-secret:missingRole', '--json']);
    assert.equal(run.code, 13, run.err);
    const report = JSON.parse(run.out) as Report;
    assert.equal(report.run.status, 'Failed');
    const failed = report.activities.find((a) => a.status === 'Failed');
    assert.equal(failed?.name, 'Get client secret');
    assert.equal(failed?.attempts, 3);
    assert.equal(failed?.error?.errorCode, '2108');
    assert.equal(failed?.explanation?.code, 'ForbiddenByRbac');
    assert.equal(failed?.explanation?.status, 403);
    assert.equal(report.eventsReceived, 0);
    assertNoSecretIn(run);
  });

  it('human output: the timeline beside the local stages, and the explanation of the failure', async () => {
    const run = await runCli(['pipeline', 'run', '--target', 'adf', '--fault', 'eh-token:invalidClientSecret']);
    assert.equal(run.code, 14, run.err);
    assert.match(run.out, /✓ Get client id +Succeeded .*\(local stage: Read client id\)/);
    assert.match(run.out, /✗ Get Event Hubs token +Failed .*\(local stage: Event Hubs token, 3 attempts\)/);
    assert.match(run.out, /2108: .*AADSTS7000215/);
    assert.match(run.out, /The run failed at 'Get Event Hubs token' \(local stage: Event Hubs token; exit 14\)/);
    assertNoSecretIn(run);
  });

  it('deploy --json, a service-principal export (SecureString parameter from the sandbox), and bad input', async () => {
    const deploy = await runCli(['pipeline', 'deploy', '--target', 'adf', '--json', '--name', 'esf-cli']);
    assert.equal(deploy.code, 0, deploy.err);
    assert.deepEqual(JSON.parse(deploy.out), { target: 'adf', pipeline: { name: 'esf-cli', id: 'esf-cli' }, deployment: 'create' });
    const sp = await runCli(['pipeline', 'run', '--target', 'fabric', '--kv-auth', 'service-principal', '--json']);
    assert.equal(sp.code, 0, sp.err);
    assert.equal((JSON.parse(sp.out) as Report).activities.length, 5);
    assertNoSecretIn(sp);
    for (const args of [['pipeline', 'run'], ['pipeline', 'launch', '--target', 'adf'], ['pipeline', 'run', '--target', 'adf', '--fault', 'nope:missingRole'], ['pipeline', 'run', '--target', 'synapse']]) {
      const bad = await runCli(args);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.err}`);
      assert.match(bad.err, /^error: /);
    }
    const help = await runCli(['pipeline', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /pipeline deploy\|run --target fabric\|adf/);
  });
});
