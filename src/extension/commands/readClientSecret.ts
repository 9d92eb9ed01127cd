import type { ExtensionServices } from '../services';
import { announce, runStageCommand } from './stageCommand';

/** Stage 3: reads the secret holding the pipeline's client secret value (runs stage 1 first). */
export async function readClientSecret(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'readClientSecret');
  if (result) {
    announce(services, result, 'readClientSecret');
  }
}
