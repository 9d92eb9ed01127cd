import type { StageId } from '../../core/flow/types';
import { COMMANDS, type CommandId } from '../constants';

/**
 * The command that runs each stage from the tree (its inline icon, its context menu, and Enter or a
 * click on its row). Stage 5 opens the send panel on Enter instead of sending: a click must never
 * put an event on someone's hub. Pure (no vscode), so the manifest test can check it.
 */
export const STAGE_RUN_COMMAND: Readonly<Record<StageId, CommandId>> = {
  keyVaultToken: COMMANDS.testKeyVaultToken,
  readClientId: COMMANDS.readClientId,
  readClientSecret: COMMANDS.readClientSecret,
  eventHubsToken: COMMANDS.getEventHubsToken,
  send: COMMANDS.sendTestEvent,
  probe: COMMANDS.probeEndpoint,
};

/** What Enter (or a click) on a stage row does: run it, except the send, which opens the panel. */
export function stageDefaultCommand(stage: StageId): { readonly command: CommandId; readonly title: string } {
  return stage === 'send' ? { command: COMMANDS.openSendPanel, title: 'Open Send Event Panel' } : { command: STAGE_RUN_COMMAND[stage], title: 'Run This Stage' };
}
