import type { ExtensionServices } from '../services';
import { runStageCommand } from './stageCommand';

/** Stage 2: reads the secret holding the pipeline's client id (runs stage 1 first). */
export async function readClientId(services: ExtensionServices, node?: unknown): Promise<void> {
  // Success shows on the stage row and in the status bar; a failure is thrown and explained (runCommand).
  await runStageCommand(services, node, 'readClientId');
}
