// The CLI with a sovereign-cloud profile (Azure China, Azure US Government): the stages reach the
// cloud's own authority, vault and namespace host names (HTTPS_PROXY → the sandbox proxy, which
// routes them to its peers) and ask for the cloud's audiences; a profile whose hosts belong to
// another cloud is refused before anything is sent, with the cloud to switch to.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLOUDS, type CloudName } from '../../../src/core/model/cloud';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';
import { cloudHosts, realHostProfile, withoutReaderSecret } from '../../shared/realHostProfile';
import { runCli } from './cliRunner';

let sandbox: Sandbox;
let dir: string;

function cli(args: string[]): ReturnType<typeof runCli> {
  const env: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: sandbox.urls.proxy, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret };
  delete env.NO_PROXY;
  delete env.no_proxy;
  return runCli(args, env);
}

/** A profile file without secrets (the reader's secret comes from EVENTSTREAM_FLOW_CLIENT_SECRET). */
async function profileFile(cloud: CloudName, hostsOf: CloudName = cloud): Promise<string> {
  const hosts = cloudHosts(hostsOf, 'esf-cli-sovereign', 'eventstream-clisov1');
  const profile = withoutReaderSecret(realHostProfile(sandbox.world, { name: `CLI ${cloud}`, cloud, hosts }));
  const path = join(dir, `${cloud}-${hostsOf}.json`);
  await writeFile(path, JSON.stringify(profile));
  return path;
}

before(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'esf-cli-sovereign-'));
});
after(async () => {
  await sandbox.stop();
});

for (const cloud of ['china', 'usgov'] as const) {
  describe(`eventstream-flow with an ${CLOUDS[cloud].displayName} profile`, () => {
    it("runs all five stages on the cloud's hosts and audiences", async () => {
      sandbox.proxy.clearTunnels();
      const received = sandbox.received.all().length;
      const { code, out, err } = await cli(['run', '--profile', await profileFile(cloud)]);
      assert.equal(code, 0, `${out}\n${err}`);
      assert.match(out, new RegExp(`token for ${CLOUDS[cloud].keyVaultResource.replace(/\./g, '\\.')}`));
      assert.match(out, new RegExp(`https://${new URL(CLOUDS[cloud].authorityHost).hostname.replace(/\./g, '\\.')}:443`));
      const hosts = new Set(sandbox.proxy.tunnels().map((t) => t.host));
      assert.ok(hosts.has(`esf-cli-sovereign${CLOUDS[cloud].keyVaultSuffix}`) && hosts.has(`eventstream-clisov1${CLOUDS[cloud].eventHubsSuffix}`), [...hosts].join(', '));
      await sandbox.received.waitFor(received + 1);
      assert.ok(!`${out}${err}`.includes(sandbox.world.reader.clientSecret));
    });

    it('refuses a profile whose hosts belong to another cloud, naming the cloud to switch to (exit 2, nothing sent)', async () => {
      sandbox.proxy.clearTunnels();
      const { code, out, err } = await cli(['run', '--profile', await profileFile('public', cloud)]);
      assert.equal(code, 2, `${out}\n${err}`);
      assert.match(`${out}${err}`, new RegExp(`Set the profile's cloud to ${CLOUDS[cloud].displayName.replace(/[()]/g, '\\$&')}`));
      assert.equal(sandbox.proxy.tunnels().length, 0);
    });
  });
}
