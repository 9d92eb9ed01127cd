// The vscode-fabric satellite path in the real host, against a stand-in core extension
// (test/integration/fixtures/fabric-core-standin, packaged as a VSIX and installed with runInHost's --install-vsix) that
// implements the documented contract: registration for the Eventstream item type, the custom
// endpoint nodes under an Eventstream through the core's signed-in API client (here: the sandbox's
// Fabric peer), Create Profile from Endpoint from such a node, and a core whose API version differs
// refusing the satellite while our own Fabric & Azure view keeps working.
// Without the stand-in (the default run) the extension must report the core as absent.
import * as assert from 'node:assert/strict';
import { request } from 'node:https';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { registerFabricSatellite } from '../../../src/extension/fabricSatellite/satellite';
import { ensureSandbox, freshState, getApi } from './helpers';

const CORE_ID = 'fabric.vscode-fabric';

interface StandIn {
  testHooks: {
    signIn(baseUrl: string, token: string, ca: string): void;
    setApiVersion(version: string): void;
    forget(identity: string): void;
    provider(artifactType: string): { createArtifactTreeNode(artifact: unknown): Promise<vscode.TreeItem & { getChildNodes(): Promise<(vscode.TreeItem & { endpoint?: unknown })[]> }> } | undefined;
    registered(): { identity: string; apiVersion: string; artifactTypes: string[] }[];
  };
}

/** JSON over HTTPS with the sandbox CA (the host's fetch does not take a per-request CA). */
function json(url: string, ca: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function readerToken(api: ExtensionApi): Promise<string> {
  const sandbox = api.services.sandbox.current;
  assert.ok(sandbox);
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.world.reader.clientId, client_secret: sandbox.world.reader.clientSecret, resource: 'https://api.fabric.microsoft.com' }).toString();
  const answer = await json(`${sandbox.urls.authorityHost}/${sandbox.world.tenantId}/oauth2/token`, sandbox.caPem, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return String(answer['access_token']);
}

describe('Fabric extension satellite', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await getApi();
  });
  afterEach(() => api.testing.useUserInput(undefined));

  it('reports the Fabric extension as absent when it is not installed (our own view is the way in)', async function () {
    if (vscode.extensions.getExtension(CORE_ID)) {
      this.skip(); // The stand-in is loaded in this run: the cases below cover it.
    }
    assert.deepEqual(await api.fabricSatellite, { state: 'absent' });
  });

  describe('with the stand-in core extension', () => {
    let core: StandIn;

    before(async function () {
      const ext = vscode.extensions.getExtension<StandIn>(CORE_ID);
      if (!ext) {
        // scripts/test-host.sh installs the stand-in and says so: then its absence is a failure, not a skip.
        assert.ok(process.env.ESF_EXPECT_FABRIC_STANDIN !== '1', 'the stand-in Fabric core extension was to be installed but is not loaded');
        this.skip(); // Run with --install-vsix <the stand-in packaged by test/integration/fixtures/fabric-core-standin/pack.mjs>.
        return;
      }
      core = ext.isActive ? ext.exports : await ext.activate();
      await ensureSandbox(api);
      await freshState(api);
      const sandbox = api.services.sandbox.current;
      assert.ok(sandbox);
      core.testHooks.signIn(sandbox.urls.fabricApi, await readerToken(api), sandbox.caPem);
    });

    it('registers for the Eventstream item type with the contract API version', async () => {
      const state = await api.fabricSatellite;
      assert.equal(state?.state, 'registered', JSON.stringify(state));
      assert.deepEqual(core.testHooks.registered(), [{ identity: 'eventstream-flow.eventstream-flow', apiVersion: '0.7', artifactTypes: ['Eventstream'] }]);
    });

    it('adds the custom endpoints (with status) under an Eventstream, and creates a profile from the source', async () => {
      const sandbox = api.services.sandbox.current;
      assert.ok(sandbox);
      const provider = core.testHooks.provider('Eventstream');
      assert.ok(provider, 'an Eventstream node provider is registered');
      // The artifact as the core lists it (Fabric items API): find the sandbox eventstream's ids through the Fabric peer.
      const token = await readerToken(api);
      const get = (url: string): Promise<Record<string, unknown>> => json(url.startsWith('https://') ? url : `${sandbox.urls.fabricApi}/v1${url}`, sandbox.caPem, { headers: { authorization: `Bearer ${token}` } });
      let workspaces = (await get('/workspaces')) as { value: { id: string; displayName: string }[]; continuationUri?: string };
      let ws = workspaces.value.find((w) => w.displayName === 'Contoso Streaming');
      while (!ws && workspaces.continuationUri) {
        workspaces = (await get(workspaces.continuationUri)) as typeof workspaces;
        ws = workspaces.value.find((w) => w.displayName === 'Contoso Streaming');
      }
      assert.ok(ws);
      const es = ((await get(`/workspaces/${ws.id}/eventstreams`)) as { value: { id: string; displayName: string }[] }).value.find((e) => e.displayName === 'es-orders');
      assert.ok(es);
      const node = await provider.createArtifactTreeNode({ id: es.id, type: 'Eventstream', displayName: es.displayName, workspaceId: ws.id, fabricEnvironment: 'PROD' });
      assert.equal(node.label, 'es-orders');
      const children = await node.getChildNodes();
      assert.deepEqual(
        children.map((c) => [c.label, c.description]),
        [
          ['orders-in', 'custom endpoint source · Running'],
          ['orders-readback', 'custom endpoint destination · Running'],
        ],
      );
      const source = children[0];
      assert.ok(source);
      assert.equal(source.command?.command, COMMANDS.createProfileFromEndpoint, 'clicking the source creates a profile');
      assert.ok(!JSON.stringify(children.map((c) => [c.label, c.description, c.tooltip])).includes(sandbox.world.sas.key), 'no key on a node');

      // Through the core's account: Fabric gives the endpoint, the vault is typed (the core lists no Azure resources).
      const input = new api.testing.TestUserInput().answer(
        'From the Fabric extension',
        { pick: "The endpoint's key (SAS)" },
        { pick: 'Type a vault URL…' },
        sandbox.urls.vaultUrl,
        'pipeline-client-id',
        'pipeline-client-secret',
        { pick: 'No read back' },
      );
      api.testing.useUserInput(input);
      const before = new Set((await api.services.profiles.list()).map((p) => p.id));
      await vscode.commands.executeCommand(COMMANDS.createProfileFromEndpoint, source);
      assert.equal(input.pending, 0, `asked: ${input.prompts.map((p) => p.text).join(' | ')}`);
      const created = (await api.services.profiles.list()).find((p) => !before.has(p.id));
      assert.ok(created);
      const profile = (await api.services.profiles.get(created.id)) as ConnectionProfile;
      assert.equal(profile.endpoint.namespace, sandbox.urls.namespace);
      assert.deepEqual(profile.endpoint.auth, { kind: 'sas', keyName: sandbox.world.sas.keyName, key: sandbox.world.sas.key });
      assert.equal(profile.keyVault.auth.kind, 'signedInUser');
    });

    it('a core with another API version refuses the satellite with its message; our own view keeps working', async () => {
      core.testHooks.forget('eventstream-flow.eventstream-flow');
      core.testHooks.setApiVersion('1.6');
      try {
        const state = await registerFabricSatellite(api.services);
        assert.equal(state.state, 'refused');
        assert.match(state.state === 'refused' ? state.reason : '', /is not compatible with Microsoft Fabric extension \(version 0\.39\.0-standin\)/);
        const roots = await api.discovery?.getChildren();
        assert.ok(roots?.some((r) => r.id === 'discovery/sandbox'), 'the Fabric & Azure view still lists the sandbox account');
      } finally {
        core.testHooks.setApiVersion('0.7');
      }
    });
  });
});
