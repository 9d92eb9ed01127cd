import type { ExtensionServices } from '../services';
import { announce, runStageCommand } from './stageCommand';

/** Stage 2: reads the secret holding the pipeline's client id (runs stage 1 first). */
export async function readClientId(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'readClientId');
  if (result) {
    announce(services, result, 'readClientId');
  }
}
