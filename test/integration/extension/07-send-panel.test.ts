// The send panel in the host: the command opens one webview panel (reused), and the flow it runs
// for a send (services.flows.run with target 'send', no progress notification, stage events)
// reaches the sandbox with all five stages. The panel's own message handler is private to the
// extension, so clicking Send and reading the timeline is covered by the UI test
// (test/integration/ui/workbench.test.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import type { FlowEvent } from '../../../src/core/flow/types';
import { ensureSandbox, freshState, getApi, SANDBOX_PROFILE_ID, waitFor } from './helpers';

const P = SANDBOX_PROFILE_ID;

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('eventstreamFlow.sendPanel'));
}

describe('send panel', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
    await freshState(api);
  });
  after(async () => {
    for (const tab of panelTabs()) {
      await vscode.window.tabGroups.close(tab);
    }
  });

  it('openSendPanel opens one "Send Events" webview panel and reuses it', async () => {
    await vscode.commands.executeCommand(COMMANDS.openSendPanel, P);
    const tabs = await waitFor(() => (panelTabs().length > 0 ? panelTabs() : undefined), 'the Send Events tab');
    assert.equal(tabs[0]?.label, 'Send Events');
    await vscode.commands.executeCommand(COMMANDS.openSendPanel, P);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(panelTabs().length, 1, 'a second open reveals the same panel');
  });

  it('a panel-style send (no progress notification) runs all five stages and the sandbox receives the events', async () => {
    const sandbox = api.services.sandbox.current!;
    const before = sandbox.received.all().length;
    const events: FlowEvent[] = [];
    const marker = `inhost-${Date.now()}`;
    const result = await api.services.flows.run(P, {
      target: 'send',
      showProgress: false,
      send: { events: [{ body: { marker, n: 1 }, contentType: 'application/json' }, { body: { marker, n: 2 }, contentType: 'application/json' }] },
      onEvent: (e) => events.push(e),
    });
    assert.ok(result.ok, JSON.stringify(result.outcomes.filter((o) => o.status === 'failed')));
    const succeeded = events.filter((e) => e.type === 'stageSucceeded').map((e) => e.stage);
    // Events come as stages finish: the two Key Vault reads run in parallel, so either may finish first.
    assert.deepEqual([succeeded[0], [succeeded[1], succeeded[2]].sort(), ...succeeded.slice(3)], ['keyVaultToken', ['readClientId', 'readClientSecret'], 'eventHubsToken', 'send']);
    assert.equal(result.send?.eventsAccepted, 2);
    const received = (await sandbox.received.waitFor(before + 2, 10_000)).slice(before);
    assert.deepEqual(
      received.map((r) => (JSON.parse(r.body.toString('utf8')) as { marker: string; n: number }).n).sort(),
      [1, 2],
    );
    assert.ok(received.every((r) => r.body.toString('utf8').includes(marker)));
    assert.equal(received[0]?.sender, sandbox.world.pipeline.clientId, 'sent as the pipeline principal read from the vault');
    for (const e of events) {
      const text = JSON.stringify(e);
      assert.ok(!text.includes(sandbox.world.pipeline.clientSecret), 'no secret in a stage event');
    }
  });

  it('a send with Read back finds the event on the consumer group and reports its latency', async () => {
    const sandbox = api.services.sandbox.current!;
    const result = await api.services.flows.run(P, {
      target: 'send',
      showProgress: false,
      send: { events: [{ body: { marker: `readback-${Date.now()}` }, contentType: 'application/json' }] },
      readBack: { timeoutSeconds: 20 },
    });
    assert.ok(result.ok, JSON.stringify(result.outcomes.filter((o) => o.status === 'failed')));
    const readBack = result.readBack;
    assert.equal(readBack?.status, 'matched', JSON.stringify(readBack));
    assert.ok(readBack?.status === 'matched');
    const arrived = sandbox.received.all().find((e) => e.correlationId === readBack.correlationId);
    assert.equal(arrived?.partitionId, readBack.partitionId);
    assert.equal(arrived?.sequenceNumber, readBack.sequenceNumber);
    assert.ok(readBack.latencyMs >= 0);
  });
});
