import type { ExtensionServices } from '../services';
import { runStageCommand } from './stageCommand';

/**
 * Checks the endpoint without sending anything: AMQP `$management` reads of the hub and partitions.
 * The result shows on the endpoint row and its partitions (and the status bar).
 */
export async function probeEndpoint(services: ExtensionServices, node?: unknown): Promise<void> {
  await runStageCommand(services, node, 'probe');
}
