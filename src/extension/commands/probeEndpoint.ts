import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { formatDuration } from '../tree/presentation';
import { runStageCommand } from './stageCommand';

/** Checks the endpoint without sending anything: AMQP `$management` reads of the hub and partitions. */
export async function probeEndpoint(services: ExtensionServices, node?: unknown): Promise<void> {
  const result = await runStageCommand(services, node, 'probe');
  const info = result?.endpoint;
  if (!result || !info) {
    return;
  }
  const outcome = result.outcomes.find((o) => o.stage === 'probe');
  void vscode.window.showInformationMessage(
    services.redactor.redact(`Endpoint reachable: hub ${info.eventHubName}, ${info.partitionIds.length} partition(s) (${formatDuration(outcome?.durationMs)}).`),
  );
}
