/**
 * Fabric's long-running operations, as the sandbox plays them: create with a definition and
 * updateDefinition answer 202 with Location, x-ms-operation-id and Retry-After (both 201/200 and 202
 * are in the spec: the sandbox always takes the long-running form, so clients exercise it); the
 * operation is Running on its first poll and Succeeded on the next. Contract: platform/swagger.json
 * `/operations/{operationId}` and `/result` (microsoft/fabric-rest-api-specs at 4a7d6e4).
 */
import { randomUUID } from 'node:crypto';
import { pipelineHostOf } from '../pipelineRunner/host';
import type { FabricWorld } from './fabricWorld';
import type { FabricRequest, FabricRouteModule } from './server';

interface Operation {
  readonly id: string;
  readonly createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  polls: number;
  readonly result?: unknown;
}

const stores = new WeakMap<FabricWorld, Map<string, Operation>>();

function operationsOf(fabric: FabricWorld): Map<string, Operation> {
  let store = stores.get(fabric);
  if (!store) {
    store = new Map();
    stores.set(fabric, store);
  }
  return store;
}

/** Seconds asked between polls (operations and job instances): the examples say 20–60; the sandbox's pipeline host says (1 by default). */
export function retryAfter(fabric: FabricWorld): string {
  return String(pipelineHostOf(fabric.world).retryAfterSeconds);
}

/** Answers 202 for a new long-running operation, with what its polls will finally hold. */
export function acceptOperation(request: FabricRequest, fabric: FabricWorld, result?: unknown): void {
  const now = new Date().toISOString();
  const operation: Operation = { id: randomUUID(), createdTimeUtc: now, lastUpdatedTimeUtc: now, polls: 0, ...(result !== undefined ? { result } : {}) };
  operationsOf(fabric).set(operation.id, operation);
  request.reply(202, undefined, { location: `${request.base}/v1/operations/${operation.id}`, 'x-ms-operation-id': operation.id, 'retry-after': retryAfter(fabric) });
}

export const operationRoutes: FabricRouteModule = (fabric) => {
  const operations = operationsOf(fabric);
  return [
    {
      method: 'GET',
      path: '/v1/operations/{operationId}',
      handle(request) {
        const operation = operations.get((request.params['operationId'] ?? '').toLowerCase());
        if (!operation) {
          request.error(404, 'OperationNotFound', 'The requested operation was not found.');
          return;
        }
        operation.polls++;
        const running = operation.polls === 1;
        operation.lastUpdatedTimeUtc = new Date().toISOString();
        const headers: Record<string, string> = { 'x-ms-operation-id': operation.id };
        if (running) {
          headers['location'] = `${request.base}/v1/operations/${operation.id}`;
          headers['retry-after'] = retryAfter(fabric);
        } else if (operation.result !== undefined) {
          headers['location'] = `${request.base}/v1/operations/${operation.id}/result`;
        }
        request.reply(200, { status: running ? 'Running' : 'Succeeded', createdTimeUtc: operation.createdTimeUtc, lastUpdatedTimeUtc: operation.lastUpdatedTimeUtc, percentComplete: running ? 50 : 100 }, headers);
      },
    },
    {
      method: 'GET',
      path: '/v1/operations/{operationId}/result',
      handle(request) {
        const operation = operations.get((request.params['operationId'] ?? '').toLowerCase());
        if (!operation || operation.polls < 2 || operation.result === undefined) {
          // Undocumented: the answer for a result that is not (yet) there; the sandbox says so with 400.
          request.error(operation ? 400 : 404, operation ? 'OperationHasNoResult' : 'OperationNotFound', operation ? 'The operation has not succeeded yet, or has no result.' : 'The requested operation was not found.');
          return;
        }
        request.reply(200, operation.result);
      },
    },
  ];
};
