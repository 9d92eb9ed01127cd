// Sovereign clouds in the editor: a profile for Azure China or Azure US Government reaches that
// cloud's own authority, vault and Event Hubs host names (VS Code's http.proxy → the sandbox proxy,
// which routes them to its peers; the CA comes through NODE_EXTRA_CA_CERTS, passed by the harness),
// asks for the cloud's audiences, and the stage nodes say so.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ExtensionApi } from '../../../src/extension/extension';
import { CLOUDS, type CloudName } from '../../../src/core/model/cloud';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { Sandbox } from '../../../src/sandbox/types';
import { cloudHosts, realHostProfile } from '../../shared/realHostProfile';
import { ensureSandbox, freshState, getApi, setHttpProxy } from './helpers';

function cloudProfile(sandbox: Sandbox, cloud: CloudName): ConnectionProfile {
  const hosts = cloudHosts(cloud, 'esf-host-sovereign', 'eventstream-hostsov1');
  return realHostProfile(sandbox.world, { id: `sovereign-${cloud}-${randomUUID()}`, name: `${CLOUDS[cloud].displayName} through the proxy`, cloud, hosts });
}

describe('sovereign clouds', () => {
  let api: ExtensionApi;
  let sandbox: Sandbox;
  const saved: string[] = [];
  before(async () => {
    api = await getApi();
    sandbox = await ensureSandbox(api);
    await freshState(api);
    await setHttpProxy(sandbox.urls.proxy);
  });
  after(async () => {
    await setHttpProxy(undefined);
    for (const id of saved) {
      await api.services.profiles.delete(id);
    }
    await freshState(api);
  });

  for (const cloud of ['china', 'usgov'] as const) {
    it(`runs the whole flow for an ${CLOUDS[cloud].displayName} profile on that cloud's hosts and audiences`, async () => {
      const profile = cloudProfile(sandbox, cloud);
      await api.services.profiles.save(profile);
      saved.push(profile.id);
      sandbox.proxy.clearTunnels();
      const received = sandbox.received.all().length;
      const result = await api.services.flows.run(profile.id, { target: 'send', send: { events: [{ body: `{"cloud":"${cloud}"}` }] }, showProgress: false });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes));
      const c = CLOUDS[cloud];
      const routed = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200).map((t) => `${t.host}>${t.routedTo}`));
      assert.deepEqual(
        [...routed].sort(),
        [`${new URL(c.authorityHost).hostname}>entra`, `esf-host-sovereign${c.keyVaultSuffix}>keyVault`, `eventstream-hostsov1${c.eventHubsSuffix}>eventHubs`].sort(),
      );
      assert.ok((api.services.results.get(profile.id, 'keyVaultToken')?.summary ?? '').includes(`token for ${c.keyVaultResource}`));
      const events = await sandbox.received.waitFor(received + 1, 10_000);
      assert.equal(events.at(-1)?.body.toString(), `{"cloud":"${cloud}"}`);
    });
  }
});
