/**
 * Data pipeline runs as Fabric job instances: start (`jobs/instances?jobType=Pipeline` and
 * `/dataPipelines/{id}/jobs/execute/instances`), read, list and cancel them, and read their activity
 * runs, played by the sandbox's pipeline runner.
 *
 * Contract: platform/swagger.json (job scheduler) and dataPipeline/swagger.json (microsoft/fabric-rest-api-specs
 * at 4a7d6e4). Activity runs: the specs have no activity-run path. The Fabric docs ("REST API capabilities for
 * pipelines in Fabric Data Factory", MicrosoftDocs/fabric-docs docs/data-factory/pipeline-rest-api-capabilities.md)
 * give `POST /v1/workspaces/{ws}/datapipelines/pipelineruns/{jobInstanceId}/queryactivityruns` and a
 * bare JSON array as the answer; that is the route the product uses. Some clients call
 * `.../items/{itemId}/jobs/instances/{jobInstanceId}/queryactivityruns`; the sandbox answers that too.
 */
import type { World } from '../world';
import { DefinitionError, readPipelineDefinition } from '../pipelineRunner/definition';
import { pipelineHostOf, type HostedRun } from '../pipelineRunner/host';
import { queryActivityRuns } from '../pipelineRunner/query';
import { RunRequestError, type ActivityRunRecord } from '../pipelineRunner/runner';
import { roundTripTimestamp } from '../pipelineRunner/expression';
import { pipelineItem } from './dataPipelines';
import type { FabricItem } from './fabricWorld';
import { retryAfter } from './operations';
import { isRecord, PIPELINE_CONTENT_PART, storedDefinitions } from './pipelineDefinitions';
import type { FabricRequest, FabricRoute, FabricRouteModule } from './server';

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

export const pipelineJobRoutes: FabricRouteModule = (fabric) => {
  const definitions = storedDefinitions(fabric);
  const host = (): ReturnType<typeof pipelineHostOf> => pipelineHostOf(fabric.world);
  const base = '/v1/workspaces/{workspaceId}/dataPipelines';

  const startJob = (request: FabricRequest, item: FabricItem, jobType: string): void => {
    const body = request.json();
    const executionData = isRecord(body) && isRecord(body['executionData']) ? body['executionData'] : {};
    const parameters = isRecord(executionData['parameters']) ? executionData['parameters'] : {};
    const parts = definitions.get(item.id) ?? [];
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
    request.reply(202, undefined, { location: `${request.base}/v1/workspaces/${item.workspaceId}/items/${item.id}/jobs/instances/${hosted.run.runId}`, 'retry-after': retryAfter(fabric) });
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
          request.reply(200, jobInstanceJson(hosted, item.id), done ? {} : { 'retry-after': retryAfter(fabric) });
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
          request.reply(202, undefined, { location: `${request.base}/v1/workspaces/${item.workspaceId}/items/${item.id}/jobs/instances/${hosted.run.runId}`, 'retry-after': retryAfter(fabric) });
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
  ];
  return routes;
};
