import type { ExtensionServices } from '../services';
import { announce, runStageCommand } from './stageCommand';

/** Stage 1: gets a Key Vault token the way the profile says (service principal, Azure CLI or signed-in account). */
export async function testKeyVaultToken(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'keyVaultToken');
  if (result) {
    announce(services, result, 'keyVaultToken');
  }
}
