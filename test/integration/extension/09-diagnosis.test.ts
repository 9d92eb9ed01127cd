// Diagnosis per stage in the extension: every case of the shared table (test/shared/diagnosisCases.ts)
// is injected into the sandbox, the full flow is run from the command, and the failed stage's node
// must show that it failed with the cause and the fix, and no secret.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { explanationKeyFor } from '../../../src/core/errors/explain';
import { STAGE_TITLES } from '../../../src/core/flow/types';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { COMMANDS, SETTINGS } from '../../../src/extension/constants';
import type { ExtensionApi } from '../../../src/extension/extension';
import { nodeIds } from '../../../src/extension/tree/nodeIds';
import { applyProfileFault, faultForStage } from '../../../src/sandbox/stageFaults';
import { DIAGNOSIS_CASES, unescapeMarkdown, type DiagnosisCase } from '../../shared/diagnosisCases';
import { ensureSandbox, flags, freshState, getApi, SANDBOX_PROFILE_ID, sandboxChildren, sleep, spyNotifications, tooltipText } from './helpers';

const P = SANDBOX_PROFILE_ID;

/**
 * A profile mistake is made on the stored sandbox profile as the runner loads it. The store itself
 * refuses some of these profiles (a `.invalid` host is outside every cloud's suffix), so the test
 * wraps its `get` for the sandbox profile only, and restores it after the case.
 */
function withProfileMistake(api: ExtensionApi, change: (profile: ConnectionProfile) => ConnectionProfile): () => void {
  const store = api.services.profiles as { get: (id: string) => Promise<ConnectionProfile | undefined> };
  const original = store.get;
  store.get = async (id: string) => {
    const stored = await original(id);
    return stored && id === P ? change(stored) : stored;
  };
  return () => {
    store.get = original;
  };
}

async function setStageTimeout(seconds: number | undefined): Promise<void> {
  const [section, key] = [SETTINGS.stageTimeoutSeconds.split('.')[0] ?? '', SETTINGS.stageTimeoutSeconds.split('.').slice(1).join('.')];
  await vscode.workspace.getConfiguration(section).update(key, seconds, vscode.ConfigurationTarget.Global);
}

describe('diagnosis per stage (shared cases): the failed stage node shows stage, cause and fix', () => {
  let api: ExtensionApi;
  let restore: (() => void) | undefined;

  before(async () => {
    api = await getApi();
    await ensureSandbox(api);
  });
  afterEach(async () => {
    restore?.();
    restore = undefined;
    api.services.sandbox.current?.faults.clear();
    await setStageTimeout(undefined);
    // Listener-level faults (refused, untrusted certificate) are undone asynchronously.
    await sleep(300);
  });

  for (const c of DIAGNOSIS_CASES) {
    it(c.name, async () => {
      await runCase(c);
    });
  }

  async function runCase(c: DiagnosisCase): Promise<void> {
    const sandbox = await ensureSandbox(api);
    await freshState(api);
    if ('fault' in c.inject) {
      sandbox.faults.inject(faultForStage(c.stage, c.inject.fault, sandbox.world));
      await sleep(300);
    } else {
      const kind = c.inject.profileFault;
      restore = withProfileMistake(api, (profile) => applyProfileFault(kind, profile, sandbox.world));
    }
    if (c.stageTimeoutSeconds) {
      await setStageTimeout(c.stageTimeoutSeconds);
    }
    const spy = spyNotifications();
    try {
      await vscode.commands.executeCommand(COMMANDS.runFlow, P);
    } finally {
      spy.restore();
    }

    const outcome = api.services.results.get(P, c.stage);
    assert.equal(outcome?.status, 'failed', `${c.stage}: ${JSON.stringify(outcome)}`);
    const code = outcome?.error?.code ?? '';
    assert.ok(c.entries.includes(explanationKeyFor(code) ?? code), `${code} is explained by ${c.entries.join(' or ')}`);

    await sandboxChildren(api);
    const node = api.tree.find(nodeIds.stage(P, c.stage));
    assert.ok(node, `tree node for ${c.stage}`);
    const item = node.getTreeItem();
    assert.ok(flags(item).includes('status:failed'), item.contextValue);
    const tip = unescapeMarkdown(tooltipText(item));
    // The tooltip opens with the stage's title (bold or not) and "failed".
    assert.ok(tip.replace(/^\*\*([^*]+)\*\*/, '$1').startsWith(`${STAGE_TITLES[c.stage]} — failed`), tip);
    const cause = /\*\*Cause:\*\* (.*)/.exec(tip)?.[1] ?? '';
    const fix = /\*\*Fix:\*\* (.*)/.exec(tip)?.[1] ?? '';
    assert.match(cause, c.cause);
    assert.match(fix, c.fix);

    const world = sandbox.world;
    for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.sas.key, world.listenOnlySas.key]) {
      assert.ok(!tip.includes(secret), 'no secret in the tooltip');
    }
    assert.doesNotMatch(tip, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'no token in the tooltip');
  }
});
