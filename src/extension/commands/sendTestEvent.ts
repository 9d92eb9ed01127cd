import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { formatDuration } from '../tree/presentation';
import { runStageCommand, testEventRequest } from './stageCommand';

/** Sends one small JSON test event through the whole flow (use the send panel for your own events). */
export async function sendTestEvent(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'send', testEventRequest());
  const sent = result?.send;
  if (!result || !sent) {
    return;
  }
  void vscode.window.showInformationMessage(
    `Test event accepted over ${sent.protocol.toUpperCase()} (${sent.bytes} bytes) in ${formatDuration(result.totalMs)}.`,
  );
}
