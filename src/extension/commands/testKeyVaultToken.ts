import type { ExtensionServices } from '../services';
import { runStageCommand } from './stageCommand';

/** Stage 1: gets a Key Vault token the way the profile says (service principal, Azure CLI or signed-in account). */
export async function testKeyVaultToken(services: ExtensionServices, node?: unknown): Promise<void> {
  // Success shows on the stage row and in the status bar; a failure is thrown and explained (runCommand).
  await runStageCommand(services, node, 'keyVaultToken');
}
