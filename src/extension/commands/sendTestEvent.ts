import type { ExtensionServices } from '../services';
import { runStageCommand, testEventRequest } from './stageCommand';

/**
 * Sends one small JSON test event through the whole flow (use the send panel for your own events).
 * Success shows on the send row, the status bar and the partitions (read again after the send).
 */
export async function sendTestEvent(services: ExtensionServices, node?: unknown): Promise<void> {
  await runStageCommand(services, node, 'send', testEventRequest());
}
