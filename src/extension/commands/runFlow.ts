import type { ExtensionServices } from '../services';
import { runStageCommand, testEventRequest } from './stageCommand';

/**
 * The pipeline end to end: Key Vault token, both reads, Event Hubs token, and a test event sent.
 * Success shows on the profile row, each stage row and the status bar (no notification); a failure
 * is thrown and explained in one notification naming the stage.
 */
export async function runFlow(services: ExtensionServices, node?: unknown): Promise<void> {
  await runStageCommand(services, node, 'send', testEventRequest());
}
