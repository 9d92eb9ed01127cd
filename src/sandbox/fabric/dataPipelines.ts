/**
 * Fabric data pipelines, their job runs and activity runs, served by the sandbox's Fabric peer and
 * run by the sandbox's pipeline runner.
 *
 * Contract (microsoft/fabric-rest-api-specs at 4a7d6e4): dataPipeline/swagger.json (create, get,
 * list, delete, getDefinition, updateDefinition, `/dataPipelines/{id}/jobs/execute/instances`),
 * platform/swagger.json (job scheduler `/items/{itemId}/jobs/instances?jobType=…`, get, cancel;
 * `/operations/{operationId}` and `/result`) and their examples. The definition part is
 * `pipeline-content.json`, `InlineBase64` (standard base64).
 *
 * Activity runs: the specs have no activity-run path. The Fabric docs ("REST API capabilities for
 * pipelines in Fabric Data Factory", MicrosoftDocs/fabric-docs docs/data-factory/pipeline-rest-api-capabilities.md)
 * give `POST /v1/workspaces/{ws}/datapipelines/pipelineruns/{jobInstanceId}/queryactivityruns` and a
 * bare JSON array as the answer; that is the route the product uses. Some clients call
 * `.../items/{itemId}/jobs/instances/{jobInstanceId}/queryactivityruns`; the sandbox answers that too.
 *
 * Long-running operations: create with a definition and updateDefinition answer 202 with Location,
 * x-ms-operation-id and Retry-After (both 201/200 and 202 are in the spec: the sandbox always takes
 * the long-running form, so clients exercise it); the operation is Running on its first poll and
 * Succeeded on the next. getDefinition answers 200 directly.
 */
import { randomUUID } from 'node:crypto';
import type { World } from '../world';
import { DefinitionError, readPipelineDefinition } from '../pipelineRunner/definition';
import { pipelineHostOf, type HostedRun } from '../pipelineRunner/host';
import { queryActivityRuns } from '../pipelineRunner/query';
import { RunRequestError, type ActivityRunRecord } from '../pipelineRunner/runner';
import { roundTripTimestamp } from '../pipelineRunner/expression';
import type { FabricItem, FabricWorld } from './fabricWorld';
import type { FabricRequest, FabricRoute, FabricRouteModule } from './server';

export const PIPELINE_CONTENT_PART = 'pipeline-content.json';
const PLATFORM_PART = '.platform';

interface DefinitionPart {
  readonly path: string;
  readonly payload: string;
  readonly payloadType: 'InlineBase64';
}

interface Operation {
  readonly id: string;
  readonly createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  polls: number;
  readonly result?: unknown;
}

interface PipelineState {
  readonly definitions: Map<string, DefinitionPart[]>;
  readonly operations: Map<string, Operation>;
}

const states = new WeakMap<FabricWorld, PipelineState>();

function stateOf(fabric: FabricWorld): PipelineState {
  let state = states.get(fabric);
  if (!state) {
    state = { definitions: new Map(), operations: new Map() };
    states.set(fabric, state);
  }
  return state;
}

/** The stored definition parts of a data pipeline (tests). */
export function dataPipelineDefinition(fabric: FabricWorld, itemId: string): readonly DefinitionPart[] | undefined {
  return stateOf(fabric).definitions.get(itemId.toLowerCase());
}

function itemJson(item: FabricItem): Record<string, unknown> {
  return { id: item.id, type: item.type, displayName: item.displayName, description: item.description, workspaceId: item.workspaceId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the parts and the pipeline in them; answers 400 and returns undefined when they are wrong.
 * CorruptedPayload is in the swagger's common error codes; the code for a well-formed payload that is
 * not a valid pipeline is undocumented (the sandbox says InvalidDefinition and names the field).
 */
function readParts(request: FabricRequest, definition: unknown, displayName: string): DefinitionPart[] | undefined {
  if (!isRecord(definition) || !Array.isArray(definition['parts'])) {
    request.error(400, 'InvalidDefinition', "The definition must have 'parts': an array of { path, payload, payloadType }.");
    return undefined;
  }
  const parts: DefinitionPart[] = [];
  for (const raw of definition['parts'] as unknown[]) {
    if (!isRecord(raw) || typeof raw['path'] !== 'string' || typeof raw['payload'] !== 'string' || raw['payloadType'] !== 'InlineBase64') {
      request.error(400, 'InvalidDefinition', "Each definition part needs a 'path', a 'payload' and payloadType 'InlineBase64'.");
      return undefined;
    }
    parts.push({ path: raw['path'], payload: raw['payload'], payloadType: 'InlineBase64' });
  }
  const content = parts.find((part) => part.path === PIPELINE_CONTENT_PART);
  if (!content) {
    request.error(400, 'InvalidDefinition', `The definition has no '${PIPELINE_CONTENT_PART}' part.`);
    return undefined;
  }
  // Standard base64 (not URL-safe), as the docs write it: anything else is a corrupted payload.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content.payload) || content.payload.length % 4 !== 0) {
    request.error(400, 'CorruptedPayload', `The payload of '${PIPELINE_CONTENT_PART}' is not standard base64.`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content.payload, 'base64').toString('utf8'));
  } catch {
    request.error(400, 'CorruptedPayload', `The payload of '${PIPELINE_CONTENT_PART}' is not JSON.`);
    return undefined;
  }
  try {
    readPipelineDefinition(parsed);
  } catch (error) {
    if (error instanceof DefinitionError) {
      request.error(400, 'InvalidDefinition', `${PIPELINE_CONTENT_PART}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (!parts.some((part) => part.path === PLATFORM_PART)) {
    parts.push(platformPart(displayName));
  }
  return parts;
}

/** The `.platform` part Fabric keeps beside the content (git integration's platformProperties schema). */
function platformPart(displayName: string): DefinitionPart {
  const platform = {
    $schema: 'https://developer.microsoft.com/json-schemas/fabric/gitIntegration/platformProperties/2.0.0/schema.json',
    metadata: { type: 'DataPipeline', displayName },
    config: { version: '2.0', logicalId: '00000000-0000-0000-0000-000000000000' },
  };
  return { path: PLATFORM_PART, payload: Buffer.from(JSON.stringify(platform, null, 2)).toString('base64'), payloadType: 'InlineBase64' };
}

function accepted(request: FabricRequest, state: PipelineState, retryAfter: string, result?: unknown): void {
  const now = new Date().toISOString();
  const operation: Operation = { id: randomUUID(), createdTimeUtc: now, lastUpdatedTimeUtc: now, polls: 0, ...(result !== undefined ? { result } : {}) };
  state.operations.set(operation.id, operation);
  request.reply(202, undefined, { location: `${request.base}/v1/operations/${operation.id}`, 'x-ms-operation-id': operation.id, 'retry-after': retryAfter });
}

/** The pipeline item, if the caller may see it; answers otherwise. */
function pipelineItem(request: FabricRequest, fabric: FabricWorld, minimal: 'Viewer' | 'Contributor', what: string, param = 'dataPipelineId'): FabricItem | undefined {
  const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', minimal, what);
  if (!ws) {
    return undefined;
  }
  const item = fabric.item(ws.id, request.params[param] ?? '');
  if (!item || item.type !== 'DataPipeline') {
    request.error(404, 'ItemNotFound', 'The requested item was not found.');
    return undefined;
  }
  return item;
}

/** Fabric's job status for a run (platform.json ItemJobStatus: NotStarted, InProgress, Completed, Failed, Cancelled, Deduped). */
function jobStatus(hosted: HostedRun): string {
  switch (hosted.run.status) {
    case 'Queued':
      return 'NotStarted';
    case 'InProgress':
    case 'Cancelling':
      return 'InProgress';
    case 'Succeeded':
      return 'Completed';
    case 'Failed':
      return 'Failed';
    case 'Cancelled':
      return 'Cancelled';
  }
}

/** Job instance times as the examples write them: UTC, seven fractional digits, no zone suffix. */
function jobTime(date: Date | undefined): string | null {
  return date ? roundTripTimestamp(date).replace(/Z$/, '') : null;
}

function jobInstanceJson(hosted: HostedRun, itemId: string): Record<string, unknown> {
  const { run } = hosted;
  const failed = run.status === 'Failed';
  const lastError = failed ? [...run.activityRuns].reverse().find((record) => record.status === 'Failed')?.error : undefined;
  return {
    id: run.runId,
    itemId,
    jobType: hosted.jobType ?? 'Pipeline',
    invokeType: 'Manual',
    status: jobStatus(hosted),
    rootActivityId: run.runId,
    startTimeUtc: jobTime(run.runStart),
    endTimeUtc: jobTime(run.runEnd),
    // failureReason is an ErrorResponse; which errorCode Fabric puts there for a failed pipeline is
    // undocumented: the sandbox gives the failing activity's code and the pipeline's message.
    failureReason: failed ? { requestId: run.runId, errorCode: lastError?.errorCode ?? 'PipelineFailed', message: run.message } : null,
  };
}

/** One activity run as the Fabric docs' sample shows it (secure input/output: an empty object). */
export function fabricActivityRun(record: ActivityRunRecord, hosted: HostedRun, world: World, workspaceId: string): Record<string, unknown> {
  return {
    pipelineName: hosted.pipelineKey,
    pipelineRunId: hosted.run.runId,
    activityName: record.activityName,
    activityType: record.activityType,
    activityRunId: record.activityRunId,
    linkedServiceName: '',
    status: record.status,
    activityRunStart: roundTripTimestamp(record.activityRunStart),
    activityRunEnd: record.activityRunEnd ? roundTripTimestamp(record.activityRunEnd) : null,
    durationInMs: record.durationInMs ?? null,
    input: record.input ?? {},
    output: record.output ?? {},
    error: record.error ?? { errorCode: '', message: '', failureType: '', target: record.activityName, details: '' },
    retryAttempt: record.retryAttempt,
    iterationHash: '',
    userProperties: {},
    recoveryStatus: 'None',
    integrationRuntimeNames: null,
    executionDetails: null,
    // The docs' sample id: an ARM-style path under MICROSOFT.TRIDENT (Fabric's resource provider).
    id: `/SUBSCRIPTIONS/${world.subscriptionId}/RESOURCEGROUPS/${world.subscriptionId}/PROVIDERS/MICROSOFT.TRIDENT/WORKSPACES/${workspaceId}/pipelineruns/${hosted.run.runId}/activityruns/${record.activityRunId}`,
  };
}

export const dataPipelineRoutes: FabricRouteModule = (fabric) => {
  const state = stateOf(fabric);
  const host = (): ReturnType<typeof pipelineHostOf> => pipelineHostOf(fabric.world);
  // Seconds asked between polls: the examples say 20–60; the sandbox's host says (1 by default).
  const retryAfter = (): string => String(host().retryAfterSeconds);
  const base = '/v1/workspaces/{workspaceId}/dataPipelines';

  const startJob = (request: FabricRequest, item: FabricItem, jobType: string): void => {
    const body = request.json();
    const executionData = isRecord(body) && isRecord(body['executionData']) ? body['executionData'] : {};
    const parameters = isRecord(executionData['parameters']) ? executionData['parameters'] : {};
    const parts = state.definitions.get(item.id) ?? [];
    const content = parts.find((part) => part.path === PIPELINE_CONTENT_PART);
    let hosted: HostedRun;
    try {
      const definition = readPipelineDefinition(content ? JSON.parse(Buffer.from(content.payload, 'base64').toString('utf8')) : { properties: {} });
      hosted = host().start({ service: 'fabric', pipelineKey: item.id, pipelineName: item.displayName, factoryName: item.workspaceId, definition, parameters, jobType });
    } catch (error) {
      if (error instanceof RunRequestError || error instanceof DefinitionError) {
        // Undocumented: how Fabric refuses a run whose required parameters are missing; the sandbox answers 400 naming it.
        request.error(400, 'InvalidParameter', error.message);
        return;
      }
      throw error;
    }
    request.reply(202, undefined, { location: `${request.base}/v1/workspaces/${item.workspaceId}/items/${item.id}/jobs/instances/${hosted.run.runId}`, 'retry-after': retryAfter() });
  };

  const hostedFor = (request: FabricRequest, item: FabricItem): HostedRun | undefined => {
    const hosted = host().run(request.params['jobInstanceId'] ?? '');
    if (!hosted || hosted.service !== 'fabric' || hosted.pipelineKey !== item.id) {
      // Job instances are per item: another item's id is not found (text undocumented).
      request.error(404, 'ItemJobInstanceNotFound', 'The requested job instance was not found.');
      return undefined;
    }
    return hosted;
  };

  const activityRuns = (request: FabricRequest, hosted: HostedRun): void => {
    const selected = queryActivityRuns(request.json(), hosted.run.activityRuns, (message) => request.error(400, 'InvalidRequest', message));
    if (selected) {
      request.reply(200, selected.map((record) => fabricActivityRun(record, hosted, fabric.world, request.params['workspaceId'] ?? '')));
    }
  };

  const routes: FabricRoute[] = [
    {
      method: 'POST',
      path: base,
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Contributor', 'create a data pipeline');
        if (!ws) {
          return;
        }
        const body = request.json();
        if (!isRecord(body) || typeof body['displayName'] !== 'string' || !body['displayName'].trim()) {
          request.error(400, 'InvalidInput', "The request needs a 'displayName'.");
          return;
        }
        const displayName = body['displayName'];
        if (fabric.items.some((item) => item.workspaceId === ws.id && item.type === 'DataPipeline' && item.displayName.toLowerCase() === displayName.toLowerCase())) {
          request.error(409, 'ItemDisplayNameAlreadyInUse', `Requested '${displayName}' is already in use`);
          return;
        }
        let parts: DefinitionPart[] | undefined;
        if (body['definition'] !== undefined) {
          parts = readParts(request, body['definition'], displayName);
          if (!parts) {
            return;
          }
        }
        const item = fabric.addItem(ws.id, 'DataPipeline', displayName, typeof body['description'] === 'string' ? body['description'] : '');
        if (!parts) {
          request.reply(201, itemJson(item));
          return;
        }
        state.definitions.set(item.id, parts);
        accepted(request, state, retryAfter(), itemJson(item));
      },
    },
    {
      method: 'GET',
      path: base,
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Viewer', 'list data pipelines');
        if (ws) {
          request.page(fabric.items.filter((item) => item.workspaceId === ws.id && item.type === 'DataPipeline').map(itemJson));
        }
      },
    },
    {
      method: 'GET',
      path: `${base}/{dataPipelineId}`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'read the data pipeline');
        if (item) {
          request.reply(200, itemJson(item));
        }
      },
    },
    {
      method: 'DELETE',
      path: `${base}/{dataPipelineId}`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'delete the data pipeline');
        if (item) {
          fabric.items.splice(fabric.items.indexOf(item), 1);
          state.definitions.delete(item.id);
          request.reply(200, undefined);
        }
      },
    },
    {
      method: 'POST',
      path: `${base}/{dataPipelineId}/getDefinition`,
      handle(request) {
        // Reading a definition needs write permission on the item (the swagger: "read and write permissions").
        const item = pipelineItem(request, fabric, 'Contributor', 'read the data pipeline definition');
        if (item) {
          request.reply(200, { definition: { parts: state.definitions.get(item.id) ?? [platformPart(item.displayName)] } });
        }
      },
    },
    {
      method: 'POST',
      path: `${base}/{dataPipelineId}/updateDefinition`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'update the data pipeline definition');
        if (!item) {
          return;
        }
        const body = request.json();
        const parts = readParts(request, isRecord(body) ? body['definition'] : undefined, item.displayName);
        if (!parts) {
          return;
        }
        state.definitions.set(item.id, parts);
        accepted(request, state, retryAfter());
      },
    },
    {
      method: 'POST',
      path: '/v1/workspaces/{workspaceId}/items/{itemId}/jobs/instances',
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Contributor', 'run a job');
        if (!ws) {
          return;
        }
        const item = fabric.item(ws.id, request.params['itemId'] ?? '');
        if (!item) {
          request.error(404, 'ItemNotFound', 'The requested item was not found.');
          return;
        }
        const jobType = request.url.searchParams.get('jobType') ?? '';
        // The job type of a data pipeline run is `Pipeline` (the Fabric docs); the sandbox runs no other item's jobs.
        if (item.type !== 'DataPipeline' || jobType.toLowerCase() !== 'pipeline') {
          request.error(400, 'InvalidJobType', `The job type '${jobType}' is not valid for a ${item.type} item.`);
          return;
        }
        startJob(request, item, 'Pipeline');
      },
    },
    {
      method: 'POST',
      path: `${base}/{dataPipelineId}/jobs/execute/instances`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'run the data pipeline');
        if (item) {
          startJob(request, item, 'Execute');
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/items/{itemId}/jobs/instances/{jobInstanceId}',
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'read the job instance', 'itemId');
        const hosted = item && hostedFor(request, item);
        if (item && hosted) {
          const done = ['Succeeded', 'Failed', 'Cancelled'].includes(hosted.run.status);
          request.reply(200, jobInstanceJson(hosted, item.id), done ? {} : { 'retry-after': retryAfter() });
        }
      },
    },
    {
      method: 'GET',
      path: `${base}/{dataPipelineId}/jobs/execute/instances/{jobInstanceId}`,
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'read the job instance');
        const hosted = item && hostedFor(request, item);
        if (item && hosted) {
          request.reply(200, jobInstanceJson(hosted, item.id));
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspaceId}/items/{itemId}/jobs/instances',
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'list job instances', 'itemId');
        if (item) {
          request.page(host().runsOf(item.id).map((hosted) => jobInstanceJson(hosted, item.id)));
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/workspaces/{workspaceId}/items/{itemId}/jobs/instances/{jobInstanceId}/cancel',
      handle(request) {
        const item = pipelineItem(request, fabric, 'Contributor', 'cancel the job instance', 'itemId');
        const hosted = item && hostedFor(request, item);
        if (item && hosted) {
          hosted.run.cancel();
          request.reply(202, undefined, { location: `${request.base}/v1/workspaces/${item.workspaceId}/items/${item.id}/jobs/instances/${hosted.run.runId}`, 'retry-after': retryAfter() });
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/workspaces/{workspaceId}/datapipelines/pipelineruns/{jobInstanceId}/queryactivityruns',
      handle(request) {
        const ws = request.workspaceWithRole(request.params['workspaceId'] ?? '', 'Viewer', 'read activity runs');
        if (!ws) {
          return;
        }
        const hosted = host().run(request.params['jobInstanceId'] ?? '');
        const item = hosted && hosted.service === 'fabric' ? fabric.item(ws.id, hosted.pipelineKey) : undefined;
        if (!hosted || !item) {
          request.error(404, 'ItemJobInstanceNotFound', 'The requested pipeline run was not found.');
          return;
        }
        activityRuns(request, hosted);
      },
    },
    {
      method: 'POST',
      path: '/v1/workspaces/{workspaceId}/items/{itemId}/jobs/instances/{jobInstanceId}/queryactivityruns',
      handle(request) {
        const item = pipelineItem(request, fabric, 'Viewer', 'read activity runs', 'itemId');
        const hosted = item && hostedFor(request, item);
        if (hosted) {
          activityRuns(request, hosted);
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/operations/{operationId}',
      handle(request) {
        const operation = state.operations.get((request.params['operationId'] ?? '').toLowerCase());
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
          headers['retry-after'] = retryAfter();
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
        const operation = state.operations.get((request.params['operationId'] ?? '').toLowerCase());
        if (!operation || operation.polls < 2 || operation.result === undefined) {
          // Undocumented: the answer for a result that is not (yet) there; the sandbox says so with 400.
          request.error(operation ? 400 : 404, operation ? 'OperationHasNoResult' : 'OperationNotFound', operation ? 'The operation has not succeeded yet, or has no result.' : 'The requested operation was not found.');
          return;
        }
        request.reply(200, operation.result);
      },
    },
  ];
  return routes;
};
