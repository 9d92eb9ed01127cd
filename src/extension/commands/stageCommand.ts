import { randomUUID } from 'node:crypto';
import { CancelledError, createStageError } from '../../core/errors/errors';
import type { FlowResult, SendRequest, StageId } from '../../core/flow/types';
import { STAGE_TITLES } from '../../core/flow/types';
import { SANDBOX_PROFILE_ID } from '../profiles/sandboxProfileId';
import type { ExtensionServices } from '../services';
import { resolveProfileId } from './commandContext';

/**
 * Runs the flow up to `target` for the node's (or a picked) profile with a cancellable progress
 * notification. A failed stage is thrown as its StageError, so the wrapper explains it; the tree
 * already shows it on the stage node. Undefined when the user backed out of the profile pick.
 */
export async function runStageCommand(services: ExtensionServices, node: unknown, target: StageId, send?: SendRequest): Promise<FlowResult | undefined> {
  const profileId = await resolveProfileId(services, node, `Profile to run "${STAGE_TITLES[target]}" for`);
  if (!profileId || !(await sandboxReadyFor(services, profileId))) {
    return undefined;
  }
  const result = await services.flows.run(profileId, { target, ...(send ? { send } : {}) });
  if (result.cancelled) {
    throw new CancelledError('Run cancelled');
  }
  if (!result.ok) {
    const failed = result.outcomes.find((o) => o.status === 'failed');
    if (failed?.error) {
      throw createStageError(failed.stage, failed.error);
    }
    throw new Error(`${STAGE_TITLES[target]} did not complete.`);
  }
  return result;
}

export const START_SANDBOX = 'Start Sandbox';

/**
 * The stopped sandbox's profile points at peers that are gone: offer to start them rather than
 * fail with "connection refused". False when the user declined.
 */
export async function sandboxReadyFor(services: ExtensionServices, profileId: string): Promise<boolean> {
  if (profileId !== SANDBOX_PROFILE_ID || services.sandbox.current) {
    return true;
  }
  const choice = await services.input.showWarningMessage('The local sandbox is stopped: start it to run this profile?', { modal: true }, START_SANDBOX);
  if (choice !== START_SANDBOX) {
    return false;
  }
  const { startSandbox } = await import('./startSandbox');
  await startSandbox(services);
  return services.sandbox.current !== undefined;
}

/** The event "Send Test Event" and "Run Full Flow" send: small, recognisable, no secrets. */
export function testEventRequest(): SendRequest {
  return {
    events: [
      {
        body: { source: 'Eventstream Flow', type: 'connectivityTest', id: randomUUID(), sentAt: new Date().toISOString() },
        contentType: 'application/json',
        properties: { 'eventstream-flow': 'test' },
      },
    ],
  };
}
