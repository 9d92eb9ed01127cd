import type { ExtensionServices } from '../services';
import { announce, runStageCommand } from './stageCommand';

/** Stage 4: gets an Event Hubs token with the client id and secret read from Key Vault (runs stages 1–3 first). */
export async function getEventHubsToken(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'eventHubsToken');
  if (result) {
    announce(services, result, 'eventHubsToken');
  }
}
