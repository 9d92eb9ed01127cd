import * as vscode from 'vscode';
import { STAGE_TITLES } from '../../core/flow/types';
import type { ExtensionServices } from '../services';
import { formatDuration } from '../tree/presentation';
import { runStageCommand, testEventRequest } from './stageCommand';

/** The pipeline end to end: Key Vault token, both reads, Event Hubs token, and a test event sent. */
export async function runFlow(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'send', testEventRequest());
  if (!result) {
    return;
  }
  const stages = result.outcomes
    .filter((o) => o.status === 'succeeded')
    .map((o) => `${STAGE_TITLES[o.stage]} ${formatDuration(o.durationMs)}`)
    .join(', ');
  void vscode.window.showInformationMessage(`Full flow passed in ${formatDuration(result.totalMs)}: ${stages}.`);
}
