import type { ExtensionServices } from '../services';
import { runStageCommand } from './stageCommand';

/** Stage 4: gets an Event Hubs token with the client id and secret read from Key Vault (runs stages 1–3 first). */
export async function getEventHubsToken(services: ExtensionServices, node?: unknown): Promise<void> {
  // Success shows on the stage row and in the status bar; a failure is thrown and explained (runCommand).
  await runStageCommand(services, node, 'eventHubsToken');
}
