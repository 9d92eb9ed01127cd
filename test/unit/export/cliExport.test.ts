// `eventstream-flow export`: from a profile file without secrets to a pipeline, .http or curl
// export on stdout or in --out; its argument errors; and the exported script run against the sandbox.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { toShareableProfile } from '../../../src/core/model/shareable';
import type { Sandbox } from '../../../src/sandbox/types';
import { startTestSandbox } from '../azure/sandboxFixture';
import { runCli } from '../cli/cliRunner';
import { READER_SECRET, sampleProfile } from '../extension/profilesFixtures';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'schemas', 'datafactory-pipeline.schema.json'), 'utf8')) as object;

/** No secret in the environment unless a test gives one. */
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, env);

describe('eventstream-flow export', () => {
  let dir: string;
  let profilePath: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'esf-cli-export-'));
    profilePath = join(dir, 'profile.json');
    // The file a user keeps: no secret in it, none in the environment either.
    await writeFile(profilePath, JSON.stringify(toShareableProfile(sampleProfile()), null, 2));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints a pipeline the Data Factory schema accepts, with the body and its parameters, and needs no secret', async () => {
    const { code, out, err } = await cli(['export', '--format', 'pipeline', '--profile', profilePath, '--body', '{"site": "@{pipeline().parameters.site}"}', '--param', 'site=Oslo']);
    assert.equal(code, 0, err);
    const pipeline = JSON.parse(out) as { properties: { parameters: unknown; activities: { name: string }[] } };
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(validate(pipeline), JSON.stringify(validate.errors));
    assert.deepEqual(pipeline.properties.parameters, { site: { type: 'String', defaultValue: 'Oslo' } });
    assert.equal(pipeline.properties.activities.length, 4);
    assert.ok(!out.includes(READER_SECRET));
  });

  it('--kv-auth service-principal adds the Key Vault token activity', async () => {
    const { code, out } = await cli(['export', '--format', 'pipeline', '--profile', profilePath, '--kv-auth', 'service-principal']);
    assert.equal(code, 0);
    assert.match(out, /"name": "Get Key Vault token"/);
    assert.match(out, /"keyVaultReaderClientSecret": \{\s*"type": "SecureString"\s*\}/);
  });

  it('--out writes the file (a script executable) and says so on stderr', async () => {
    const out = join(dir, 'flow.sh');
    const result = await cli(['export', '--format', 'curl', '--profile', profilePath, '--out', out]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, '');
    assert.match(result.err, /Exported profile "Orders pipeline" as curl to .*flow\.sh\. It holds no secret/);
    assert.ok(((await stat(out)).mode & 0o111) !== 0, 'the script is executable');
    assert.match(await readFile(out, 'utf8'), /^#!\/usr\/bin\/env bash\n/);
  });

  // Issue #13: --out never follows a link and never replaces a file unless --force.
  it('--out refuses an existing file without --force (exit 2, naming --out and the fix) and leaves it as it was', async () => {
    const out = join(dir, 'existing.http');
    await writeFile(out, 'keep me\n');
    const refused = await cli(['export', '--format', 'http', '--profile', profilePath, '--out', out]);
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /error: --out: .*existing\.http already exists; export does not replace it\.\n {2}fix: Add --force to replace it, or give another --out path\./);
    assert.equal(await readFile(out, 'utf8'), 'keep me\n');
  });

  it('--out --force replaces an existing regular file', async () => {
    const out = join(dir, 'replaced.http');
    await writeFile(out, 'old\n');
    const result = await cli(['export', '--format', 'http', '--profile', profilePath, '--out', out, '--force']);
    assert.equal(result.code, 0, result.err);
    const text = await readFile(out, 'utf8');
    assert.ok(!text.includes('old\n'));
    assert.match(text, /EVENTSTREAM_FLOW_CLIENT_SECRET/);
  });

  for (const force of [false, true]) {
    it(`--out never follows a symbolic link to an existing file${force ? ', not even with --force' : ''}`, async () => {
      const target = join(dir, `target-${force}.txt`);
      const link = join(dir, `link-${force}.http`);
      await writeFile(target, 'victim\n');
      await symlink(target, link);
      const result = await cli(['export', '--format', 'http', '--profile', profilePath, '--out', link, ...(force ? ['--force'] : [])]);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /error: --out: .*link-\w+\.http is a symbolic link; export does not follow links/);
      assert.equal(await readFile(target, 'utf8'), 'victim\n');
      assert.ok((await lstat(link)).isSymbolicLink());
    });

    it(`--out never follows a dangling symbolic link (it would create the file it points to)${force ? ', not even with --force' : ''}`, async () => {
      const target = join(dir, `created-through-link-${force}.sh`);
      const link = join(dir, `dangling-${force}.sh`);
      await symlink(target, link);
      const result = await cli(['export', '--format', 'curl', '--profile', profilePath, '--out', link, ...(force ? ['--force'] : [])]);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /is a symbolic link/);
      await assert.rejects(lstat(target), { code: 'ENOENT' });
    });
  }

  it('--out refuses a directory, even with --force', async () => {
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    const result = await cli(['export', '--format', 'http', '--profile', profilePath, '--out', sub, '--force']);
    assert.equal(result.code, 2, result.err);
    assert.match(result.err, /a-directory exists and is not a regular file/);
  });

  const mistakes: [string[], RegExp][] = [
    [['export', '--format', 'http', '--profile', 'p.json', '--force'], /--force: only applies with --out/],
    [['run', '--force'], /--force: only applies to export\./],
    [['export', '--profile', 'p.json'], /--format: export needs a format\.\n {2}fix: Add --format pipeline, --format http or --format curl\./],
    [['export', '--format', 'pipeline'], /--profile: export needs the profile you tested\./],
    [['export', '--format', 'postman', '--profile', 'p.json'], /'postman' is not an export format/],
    [['export', '--format', 'pipeline', '--profile', 'p.json', '--kv-auth', 'key'], /--kv-auth: 'key' is not a sign-in/],
    [['run', '--out', 'x'], /--out: only applies to export\./],
    [['export', '--format', 'http', '--profile', '/nonexistent/p.json'], /Cannot read \/nonexistent\/p\.json \(ENOENT\)/],
    [['export', '--format', 'http', '--profile', 'PROFILE', '--body', '{"a": }'], /body: is not valid JSON at line 1, column 7/],
    [['export', '--format', 'http', '--profile', 'PROFILE', '--body', '{"a": "@{concat(1)}"}'], /not supported in sample events/],
  ];
  for (const [args, expected] of mistakes) {
    it(`refuses ${args.join(' ')} with exit 2 and a fix`, async () => {
      const { code, err } = await cli(args.map((a) => (a === 'PROFILE' ? profilePath : a)));
      assert.equal(code, 2, err);
      assert.match(err, expected);
    });
  }

  it('refuses a profile with a real mistake, naming the field', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...toShareableProfile(sampleProfile()), eventHubsToken: { tenantId: 'common', endpointVersion: 'v1' } }));
    const { code, err } = await cli(['export', '--format', 'curl', '--profile', bad]);
    assert.equal(code, 2);
    assert.match(err, /eventHubsToken\.tenantId: is "common", a multi-tenant alias/);
  });
});

describe('eventstream-flow export, then the script against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    sandbox = await startTestSandbox();
    dir = await mkdtemp(join(tmpdir(), 'esf-cli-export-run-'));
  });
  after(async () => {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the curl script exported by the CLI delivers the event with the secret from the environment', async () => {
    const profilePath = join(dir, 'sandbox.json');
    await writeFile(profilePath, JSON.stringify(toShareableProfile(sandbox.profile({ protocol: 'rest' }))));
    const script = join(dir, 'flow.sh');
    const exported = await cli(['export', '--format', 'curl', '--profile', profilePath, '--out', script, '--body', '{"from": "cli"}']);
    assert.equal(exported.code, 0, exported.err);
    const caPath = join(dir, 'ca.pem');
    await writeFile(caPath, sandbox.caPem);
    const env = { PATH: process.env.PATH, CURL_CA_BUNDLE: caPath, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
    const code = await new Promise<number>((resolve) => execFile(script, [], { env, timeout: 60_000 }, (error) => resolve(error ? 1 : 0)));
    assert.equal(code, 0);
    const [event] = sandbox.received.all();
    assert.equal(event?.body.toString('utf8'), '{"from": "cli"}');
    assert.equal(event?.sender, sandbox.world.pipeline.clientId);
  });
});
