import * as vscode from 'vscode';
import type { StageId } from '../../core/flow/types';
import { STAGE_TITLES } from '../../core/flow/types';
import { faultChoices } from '../faultChoices';
import { SANDBOX_PROFILE_ID } from '../profiles/sandboxProfileId';
import type { ExtensionServices } from '../services';
import { profileIdOf } from './commandContext';
import { runStageCommand, sandboxReadyFor, testEventRequest } from './stageCommand';

// Make This Stage Fail…: a documented fault injected at one stage of a running sandbox.
export const MAKE_STAGE_FAIL_TITLE = 'Make This Stage Fail';

const STAGES: readonly StageId[] = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send', 'probe'];

/**
 * "Make This Stage Fail…" (issue #11): on the local sandbox's profile, makes one stage's next
 * request fail the way Azure does (the CLI's --fault, without a terminal) and runs that stage, so
 * the failure and its explanation show where they would for real: on the stage row, and in one
 * notification naming the stage. The fault is removed afterwards, whatever happened.
 */
export async function makeStageFail(services: ExtensionServices, node?: unknown, ...args: unknown[]): Promise<void> {
  const profileId = profileIdOf(node) ?? SANDBOX_PROFILE_ID;
  if (profileId !== SANDBOX_PROFILE_ID) {
    void vscode.window.showInformationMessage(`${MAKE_STAGE_FAIL_TITLE} works on the "Local sandbox" profile: its peers can fail on purpose, Azure cannot.`);
    return;
  }
  if (!(await sandboxReadyFor(services, profileId))) {
    return;
  }
  const stage = stageOf(node, args[0]) ?? (await pickStage(services));
  const sandbox = services.sandbox.current;
  if (!stage || !sandbox) {
    return;
  }
  const { FAULTS_BY_STAGE, faultForStage } = await import('../../sandbox/stageFaults');
  const picked = await services.input.showQuickPick(faultChoices(stage, FAULTS_BY_STAGE), {
    title: `${MAKE_STAGE_FAIL_TITLE}: ${STAGE_TITLES[stage]}`,
    placeHolder: 'How should it fail? (the next request only; the stage then runs)',
    ignoreFocusOut: true,
  });
  if (!picked) {
    return;
  }
  // The stage must reach the peer: no token, secret or connection kept from an earlier run.
  services.tree.refresh();
  const id = sandbox.faults.inject(faultForStage(stage, picked.label, sandbox.world, 1));
  services.logger.child('sandbox').info(`Fault ${picked.label} on ${STAGE_TITLES[stage]} for the next request.`);
  try {
    await runStageCommand(services, profileId, stage, stage === 'send' ? testEventRequest() : undefined);
  } finally {
    sandbox.faults.clear(id);
  }
}

function stageOf(node: unknown, arg: unknown): StageId | undefined {
  const fromNode = typeof node === 'object' && node !== null ? ((node as { stage?: unknown }).stage ?? ((node as { id?: unknown }).id === undefined ? undefined : endpointStage(node))) : undefined;
  for (const candidate of [fromNode, arg]) {
    if (STAGES.includes(candidate as StageId)) {
      return candidate as StageId;
    }
  }
  return undefined;
}

/** The endpoint row is the probe stage's. */
function endpointStage(node: object): StageId | undefined {
  return /\/endpoint$/.test(String((node as { id?: unknown }).id)) ? 'probe' : undefined;
}

async function pickStage(services: ExtensionServices): Promise<StageId | undefined> {
  const picked = await services.input.showQuickPick(
    STAGES.map((s) => ({ label: STAGE_TITLES[s], stage: s })),
    { title: MAKE_STAGE_FAIL_TITLE, placeHolder: 'Which stage should fail?', ignoreFocusOut: true },
  );
  return picked?.stage;
}
