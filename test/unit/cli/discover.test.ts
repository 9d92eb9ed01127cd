// `eventstream-flow discover fabric|azure` against the sandbox's Fabric and Resource Manager peers:
// the listings (text and --json), --create-profile writing a profile whose keys stay in the
// environment (and that then runs green with them), wrong input (exit 2) and each service refusal
// (explained, exit 1), and never a key in the output.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDiscoverCommand } from '../../../src/cli/commands/discover';
import { sandboxInternals, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { runCli, type CliRun } from './cliRunner';

let sandbox: Sandbox;
let dir: string;
before(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'esf-discover-'));
});
after(() => sandbox.stop());

async function discover(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runDiscoverCommand(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), color: false, env }, { sandbox });
  return { code, out, err };
}

function assertNoKey(run: CliRun): void {
  const all = run.out + run.err;
  for (const secret of [sandbox.world.sas.key, sandbox.world.reader.clientSecret, sandbox.world.pipeline.clientSecret]) {
    assert.ok(!all.includes(secret), 'a secret reached the output');
  }
  assert.doesNotMatch(all, /SharedAccessKey=/);
}

describe('discover fabric', () => {
  it('lists workspaces → eventstreams → custom endpoint sources and destinations with their status', async () => {
    const run = await discover(['fabric']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Fabric \(the local sandbox\)$/m);
    assert.match(run.out, /^ {2}Contoso Streaming {3}workspace [0-9a-f-]{36}$/m);
    assert.match(run.out, /^ {4}es-orders {3}eventstream [0-9a-f-]{36}$/m);
    assert.match(run.out, /^ {6}source {6}orders-in\s+Running$/m);
    assert.match(run.out, /^ {6}destination orders-readback\s+Running$/m);
    assert.match(run.out, /\+ 1 other source\/destination \(not custom endpoints\)/);
    assert.match(run.out, /es-telemetry[^\n]*\n {6}\(no custom endpoint\)/);
    assert.match(run.out, /Sales Analytics[^\n]*\n {4}\(no eventstreams\)/);
    assertNoKey(run);
  });

  it('--json: one document with every node, no key', async () => {
    const run = await discover(['fabric', '--json']);
    assert.equal(run.code, 0, run.err);
    const doc = JSON.parse(run.out) as { type: string; workspaces: { workspace: { displayName: string }; eventstreams: { eventstream: { displayName: string }; sources: { name: string; type: string; status: string }[] }[] }[] };
    assert.equal(doc.type, 'fabric');
    assert.equal(doc.workspaces.length, 3);
    const es = doc.workspaces.find((w) => w.workspace.displayName === 'Contoso Streaming')?.eventstreams.find((e) => e.eventstream.displayName === 'es-orders');
    assert.deepEqual(es?.sources.map((s) => [s.name, s.type, s.status]), [
      ['orders-in', 'CustomEndpoint', 'Running'],
      ['bikes-sample', 'SampleData', 'Running'],
    ]);
    assertNoKey(run);
  });

  it('--create-profile writes a profile with no key; with the keys in the environment it runs green, read back included', async () => {
    const out = join(dir, 'profile.json');
    const run = await discover(['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--read-back', 'orders-readback', '--out', out]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Wrote profile "es-orders \/ orders-in"/);
    assert.match(run.out, /EVENTSTREAM_FLOW_SAS_KEY: the source's key/);
    assert.match(run.out, /EVENTSTREAM_FLOW_READ_BACK_SAS_KEY: the destination's key/);
    assertNoKey(run);
    const text = await readFile(out, 'utf8');
    assert.ok(!text.includes(sandbox.world.sas.key), 'the key was written');
    const profile = JSON.parse(text) as { endpoint: { namespace: string; eventHubName: string; auth: { kind: string; keyName: string; key: string } }; readBack: { consumerGroup: string } };
    assert.deepEqual(profile.endpoint.auth, { kind: 'sas', keyName: sandbox.world.sas.keyName, key: '' });
    assert.equal(profile.endpoint.namespace, sandbox.urls.namespace);
    assert.equal(profile.endpoint.eventHubName, sandbox.world.eventHubName);
    assert.equal(profile.readBack.consumerGroup, sandbox.world.consumerGroups[1]);

    const before = sandbox.received.all().length;
    const env = { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: sandbox.world.reader.clientSecret, EVENTSTREAM_FLOW_SAS_KEY: sandbox.world.sas.key, EVENTSTREAM_FLOW_READ_BACK_SAS_KEY: sandbox.world.sas.key };
    const flow = await runCli(['run', '--profile', out, '--read-back', '--read-back-timeout', '10'], env);
    assert.equal(flow.code, 0, flow.out + flow.err);
    assert.match(flow.out, /✔ Read back/);
    assert.ok(sandbox.received.all().length > before, 'the event reached the sandbox hub');
    assertNoKey(flow);
  });

  it('--create-profile --endpoint-auth entra: the secure flow, no SAS at all', async () => {
    const out = join(dir, 'entra.json');
    const run = await discover(['fabric', '--create-profile', 'contoso streaming/ES-ORDERS/orders-in', '--endpoint-auth', 'entra', '--out', out, '--json']);
    assert.equal(run.code, 0, run.err);
    const doc = JSON.parse(run.out) as { type: string; secretsFromEnvironment: string[] };
    assert.equal(doc.type, 'profile');
    assert.deepEqual(doc.secretsFromEnvironment, ['EVENTSTREAM_FLOW_CLIENT_SECRET']);
    const profile = JSON.parse(await readFile(out, 'utf8')) as { endpoint: { auth: { kind: string } } };
    assert.equal(profile.endpoint.auth.kind, 'entra');
  });

  it('an existing --out needs --force; a link at --out is never followed', async () => {
    const out = join(dir, 'exists.json');
    await writeFile(out, 'keep');
    const refused = await discover(['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--out', out]);
    assert.equal(refused.code, 2, refused.out);
    assert.equal(await readFile(out, 'utf8'), 'keep');
    assert.equal((await discover(['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--out', out, '--force'])).code, 0);
    const link = join(dir, 'link.json');
    await symlink(join(dir, 'target.json'), link);
    const linked = await discover(['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--out', link, '--force']);
    assert.equal(linked.code, 2, linked.out);
  });

  const mistakes: [string[], RegExp][] = [
    [[], /discover: needs what to discover\./],
    [['kusto'], /'kusto' is not fabric or azure/],
    [['fabric', 'extra'], /Unexpected argument 'extra'/],
    [['fabric', '--bogus'], /discover: Unknown option '--bogus'/],
    [['fabric', '--create-profile', 'only/two'], /is not WORKSPACE\/EVENTSTREAM\/SOURCE/],
    [['fabric', '--create-profile', 'a/b/c'], /--out: is needed with --create-profile/],
    [['fabric', '--out', 'x.json'], /--out: applies only with --create-profile/],
    [['azure', '--create-profile', 'a/b/c', '--out', 'x'], /--create-profile: applies to discover fabric/],
    [['fabric', '--cloud', 'mars'], /--cloud: 'mars' is not a cloud/],
    [['fabric', '--cloud', 'china'], /cloud: Azure China \(21Vianet\) has no Fabric REST API/],
    [['fabric', '--tenant', 'contoso.onmicrosoft.com'], /--tenant: applies to --azure-cli or --client-id/],
    [['fabric', '--client-id', 'not-a-guid', '--tenant', 'contoso.onmicrosoft.com'], /--client-id: 'not-a-guid' is not a GUID/],
    [['fabric', '--client-id', '00000000-0000-4000-8000-000000000000'], /--tenant: A service principal needs its tenant/],
    [['fabric', '--create-profile', 'Nowhere/es-orders/orders-in', '--out', 'x.json'], /No workspace 'Nowhere'\.\n {2}fix: Pick one of: Contoso Streaming, Sales Analytics, Finance Reporting/],
    [['fabric', '--create-profile', 'Contoso Streaming/es-orders/nope', '--out', 'x.json'], /No source 'nope'\.\n {2}fix: Pick one of: orders-in, bikes-sample/],
    [['fabric', '--create-profile', 'Contoso Streaming/es-orders/bikes-sample', '--out', 'x.json'], /'bikes-sample' is a SampleData source, not a custom endpoint\.\n {2}fix: Pick a custom endpoint source: orders-in/],
    [['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--read-back', 'missing', '--out', 'x.json'], /--read-back: No destination 'missing'/],
    [['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--endpoint-auth', 'key', '--out', 'x.json'], /--endpoint-auth: 'key' is not sas or entra/],
    [['fabric', '--create-profile', 'a/b/c', '--out', 'x.json', '--azure-cli'], /--vault-url: Fabric cannot know the Key Vault side of the flow/],
  ];
  for (const [args, message] of mistakes) {
    it(`refuses ${JSON.stringify(args)} (exit 2, nothing written)`, async () => {
      const run = await discover(args);
      assert.equal(run.code, 2, run.out + run.err);
      assert.match(run.err, message);
    });
  }

  it('--help', async () => {
    const run = await runCli(['discover', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.out, /eventstream-flow discover fabric --create-profile WORKSPACE\/EVENTSTREAM\/SOURCE/);
  });
});

describe('discover fabric: service refusals are explained (exit 1)', () => {
  it('InsufficientPrivileges when the identity is only a Viewer: names the role', async () => {
    const { fabric, world } = sandboxInternals(sandbox);
    fabric.setWorkspaceRole(fabric.demoWorkspaceId, world.readerClientId, 'Viewer');
    try {
      const run = await discover(['fabric', '--create-profile', 'Contoso Streaming/es-orders/orders-in', '--out', join(dir, 'viewer.json')]);
      assert.equal(run.code, 1, run.out);
      assert.match(run.err, /InsufficientPrivileges, HTTP 403/);
      assert.match(run.err, /Contributor/);
      assertNoKey(run);
      // The listing still works for a Viewer: the topology needs read only.
      assert.equal((await discover(['fabric'])).code, 0);
    } finally {
      fabric.setWorkspaceRole(fabric.demoWorkspaceId, world.readerClientId, 'Contributor');
    }
  });

  it('a tenant that does not let service principals call Fabric', async () => {
    const { fabric } = sandboxInternals(sandbox);
    fabric.servicePrincipalsAllowed = false;
    try {
      const run = await discover(['fabric']);
      assert.equal(run.code, 1);
      assert.match(run.err, /Service principals can use Fabric APIs/);
    } finally {
      fabric.servicePrincipalsAllowed = true;
    }
  });

  it('throttling with a long Retry-After is explained with the wait', async () => {
    sandbox.faults.inject({ peer: 'fabric', kind: 'throttled', times: 1, retryAfterSeconds: 45 });
    const run = await discover(['fabric']);
    assert.equal(run.code, 1);
    assert.match(run.err, /FabricThrottled, HTTP 429/);
    assert.match(run.err, /wait 45 s/);
  });
});

describe('discover azure', () => {
  it('lists subscriptions → vaults (URI, RBAC, tenant) and namespaces → hubs; --json too', async () => {
    const run = await discover(['azure']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Contoso Streaming \(sandbox\) {3}subscription [0-9a-f-]{36} {3}Enabled/);
    assert.ok(run.out.includes(`vault      ${sandboxInternals(sandbox).world.vaultName}`));
    assert.ok(run.out.includes(sandbox.urls.vaultUrl));
    assert.match(run.out, /Azure RBAC {3}tenant /);
    assert.ok(run.out.includes(sandbox.urls.namespace));
    assert.match(run.out, /hub {6}es_demo/);
    assert.match(run.out, /Contoso Legacy[^\n]*Disabled/);
    const json = JSON.parse((await discover(['azure', '--json', '--subscription', sandboxInternals(sandbox).world.subscriptionId])).out) as { subscriptions: { vaults: { vaultUri: string }[]; namespaces: { host: string; hubs: string[] }[] }[] };
    assert.equal(json.subscriptions.length, 1);
    assert.equal(json.subscriptions[0]?.vaults[0]?.vaultUri, sandbox.urls.vaultUrl);
    assert.deepEqual(json.subscriptions[0]?.namespaces[0]?.hubs, ['es_demo']);
  });

  it('a subscription without a role is not listed; the others still are', async () => {
    const { arm, world } = sandboxInternals(sandbox);
    arm.setRole(world.subscriptionId, world.readerClientId, undefined);
    try {
      const run = await discover(['azure']);
      assert.equal(run.code, 0, run.err);
      assert.doesNotMatch(run.out, /Contoso Streaming \(sandbox\)/, 'a subscription without a role is not listed');
      assert.match(run.out, /Contoso Dev\/Test/);
    } finally {
      arm.setRole(world.subscriptionId, world.readerClientId, 'Reader');
    }
  });

  it('throttled Resource Manager is explained', async () => {
    sandbox.faults.inject({ peer: 'arm', kind: 'throttled', times: 1, retryAfterSeconds: 30 });
    const run = await discover(['azure']);
    assert.equal(run.code, 1);
    assert.match(run.err, /ArmThrottled, HTTP 429/);
  });

  it('--subscription must be a GUID', async () => {
    const run = await discover(['azure', '--subscription', 'prod']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--subscription: 'prod' is not a GUID/);
  });
});
