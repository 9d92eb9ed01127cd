// Discovery addressed to the real hosts through the sandbox proxy, as a profile on public or
// sovereign clouds would go: api.fabric.microsoft.com and each cloud's Resource Manager host reach
// the peers (whose certificate names them), and resources come back with their real host names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AzureDiscovery } from '../../../src/core/discovery/arm';
import { armService, fabricService } from '../../../src/core/discovery/endpoints';
import { FabricDiscovery } from '../../../src/core/discovery/fabric';
import { servicePrincipalTokens } from '../../../src/core/discovery/tokens';
import { routeOfHost } from '../../../src/sandbox/routes';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(() => sandbox.stop());

describe('discovery on the real hosts, through the sandbox proxy', () => {
  it('routes api.fabric.microsoft.com and every cloud\'s Resource Manager host to the peers', () => {
    assert.deepEqual(routeOfHost('api.fabric.microsoft.com'), { peer: 'fabric', cloud: 'public', ports: [443] });
    assert.deepEqual(routeOfHost('management.azure.com'), { peer: 'arm', cloud: 'public', ports: [443] });
    assert.deepEqual(routeOfHost('MANAGEMENT.chinacloudapi.cn.'), { peer: 'arm', cloud: 'china', ports: [443] });
    assert.deepEqual(routeOfHost('management.usgovcloudapi.net'), { peer: 'arm', cloud: 'usgov', ports: [443] });
    assert.equal(routeOfHost('api.fabric.microsoft.us'), undefined, 'no Fabric host outside the public cloud');
  });

  it('lists Fabric and Azure at their real addresses; the connection names the namespace by its real host', async () => {
    const proxy = { url: sandbox.urls.proxy };
    const tokens = servicePrincipalTokens({
      authorityHost: sandbox.urls.authorityHost,
      tenantId: sandbox.world.tenantId,
      clientId: sandbox.world.reader.clientId,
      clientSecret: sandbox.world.reader.clientSecret,
      trustedCaPem: sandbox.caPem,
      destination: destinationOf(sandbox.urls.authorityHost),
    });
    const context = { tokens, signal: new AbortController().signal, trustedCaPem: sandbox.caPem, proxy };
    const fabric = new FabricDiscovery(fabricService('public'), context);
    const { fabric: world } = sandboxInternals(sandbox);
    const connection = await fabric.sourceConnection(world.demoWorkspaceId, world.demoEventstreamId, world.demoSourceId);
    assert.match(connection.namespace, /^[a-z0-9-]+\.servicebus\.windows\.net$/);
    assert.equal((await fabric.workspaces()).length, 3, 'continuationUri on the real host is followed through the proxy too');
    const azure = new AzureDiscovery(armService('public'), context);
    const [vault] = await azure.keyVaults(sandboxInternals(sandbox).world.subscriptionId);
    assert.match(vault?.vaultUri ?? '', /^https:\/\/kv-esf-[0-9a-f]{4}\.vault\.azure\.net\/$/);
    const tunnels = sandbox.proxy.tunnels().map((t) => `${t.host}→${t.routedTo ?? t.status}`);
    assert.ok(tunnels.includes('api.fabric.microsoft.com→fabric') && tunnels.includes('management.azure.com→arm'), tunnels.join(', '));
  });
});
