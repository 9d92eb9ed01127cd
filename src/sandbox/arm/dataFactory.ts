/**
 * Azure Data Factory pipelines and runs on the sandbox's Resource Manager peer, run by the sandbox's
 * pipeline runner. Contract: Azure/azure-rest-api-specs, specification/datafactory/resource-manager/
 * Microsoft.DataFactory/stable/2018-06-01 (datafactory.json; examples Pipelines_Create,
 * Pipelines_CreateRun, PipelineRuns_Get, ActivityRuns_QueryByPipelineRun, PipelineRuns_Cancel).
 *
 * The sandbox has one factory, `esf-factory`, in the demo subscription's resource group, with a
 * system-assigned managed identity that holds Key Vault Secrets User on the sandbox vault (what the
 * export's description asks for). Writing pipelines and starting or cancelling runs needs Contributor
 * (or Owner) on the subscription or Data Factory Contributor on the factory; the vault reader
 * principal, who stands in for the user, has the latter.
 */
import { randomBytes } from 'node:crypto';
import { DefinitionError, readPipelineDefinition, type PipelineDefinition } from '../pipelineRunner/definition';
import { roundTripTimestamp, toText, type Value } from '../pipelineRunner/expression';
import { pipelineHostOf, type HostedRun } from '../pipelineRunner/host';
import { queryActivityRuns } from '../pipelineRunner/query';
import { RunRequestError, type ActivityRunRecord } from '../pipelineRunner/runner';
import type { ArmWorld } from './armWorld';
import type { ArmRequest, ArmRoute, ArmRouteModule } from './server';

export const SANDBOX_FACTORY_NAME = 'esf-factory';
/** datafactory.json's only stable version. */
const API_VERSIONS = ['2018-06-01'] as const;
/** PipelineName pattern and length in datafactory.json. */
const PIPELINE_NAME = /^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$/;

interface StoredPipeline {
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly definition: PipelineDefinition;
  readonly etag: string;
}

interface Factory {
  readonly name: string;
  readonly pipelines: Map<string, StoredPipeline>;
  /** Data Factory Contributor at factory scope, by appid / oid. */
  readonly contributors: Set<string>;
}

const factoriesByWorld = new WeakMap<ArmWorld, Map<string, Factory>>();

export function factoriesOf(arm: ArmWorld): Map<string, Factory> {
  let factories = factoriesByWorld.get(arm);
  if (!factories) {
    factories = new Map([[SANDBOX_FACTORY_NAME, { name: SANDBOX_FACTORY_NAME, pipelines: new Map(), contributors: new Set([arm.world.readerClientId]) }]]);
    factoriesByWorld.set(arm, factories);
  }
  return factories;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const dataFactoryRoutes: ArmRouteModule = (arm) => {
  const factories = factoriesOf(arm);
  const prefix = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataFactory/factories/{factoryName}';

  /** The factory, if it exists and the caller may do `action` there; answers otherwise. */
  const factoryFor = (request: ArmRequest, action: string, write: boolean): Factory | undefined => {
    const { subscriptionId = '', resourceGroupName = '', factoryName = '' } = request.params;
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.DataFactory/factories/${factoryName}`;
    const sub = request.subscriptionFor(subscriptionId, action, scope);
    if (!sub) {
      return undefined;
    }
    if (sub.subscriptionId !== arm.world.subscriptionId || resourceGroupName.toLowerCase() !== arm.world.resourceGroup.toLowerCase()) {
      request.error(404, 'ResourceGroupNotFound', `Resource group '${resourceGroupName}' could not be found.`);
      return undefined;
    }
    const factory = factories.get(factoryName.toLowerCase());
    if (!factory) {
      request.error(404, 'ResourceNotFound', `The Resource 'Microsoft.DataFactory/factories/${factoryName}' under resource group '${resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      return undefined;
    }
    if (write) {
      const role = arm.roleOf(sub, request.principal);
      const allowed = role === 'Contributor' || role === 'Owner' || factory.contributors.has(request.principal.appid) || factory.contributors.has(request.principal.oid);
      if (!allowed) {
        request.error(
          403,
          'AuthorizationFailed',
          `The client '${request.claims.oid}' with object id '${request.claims.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
        return undefined;
      }
    }
    return factory;
  };

  const resourceJson = (request: ArmRequest, pipeline: StoredPipeline): Record<string, unknown> => ({
    id: `/subscriptions/${arm.world.subscriptionId}/resourceGroups/${arm.world.resourceGroup}/providers/Microsoft.DataFactory/factories/${request.params['factoryName'] ?? ''}/pipelines/${pipeline.name}`,
    name: pipeline.name,
    type: 'Microsoft.DataFactory/factories/pipelines',
    properties: pipeline.properties,
    etag: pipeline.etag,
  });

  const pipelineOf = (request: ArmRequest, factory: Factory): StoredPipeline | undefined => {
    const name = request.params['pipelineName'] ?? '';
    const pipeline = factory.pipelines.get(name.toLowerCase());
    if (!pipeline) {
      // Data Factory's text for a missing entity (observed; the spec's CloudError has no examples of it).
      request.error(404, 'NotFound', `Entity ${name} not found`);
      return undefined;
    }
    return pipeline;
  };

  const runOf = (request: ArmRequest, factory: Factory): HostedRun | undefined => {
    const runId = request.params['runId'] ?? '';
    const hosted = pipelineHostOf(arm.world).run(runId);
    if (!hosted || hosted.service !== 'adf' || !hosted.pipelineKey.startsWith(`${factory.name}/`)) {
      request.error(404, 'PipelineRunNotFound', `Pipeline run ${runId} not found.`);
      return undefined;
    }
    return hosted;
  };

  const route = (method: ArmRoute['method'], path: string, handle: (request: ArmRequest) => void): ArmRoute => ({ method, path: `${prefix}${path}`, apiVersions: API_VERSIONS, resourceType: 'factories', handle });

  return [
    route('PUT', '/pipelines/{pipelineName}', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelines/write', true);
      if (!factory) {
        return;
      }
      const name = request.params['pipelineName'] ?? '';
      if (!PIPELINE_NAME.test(name) || name.length > 260) {
        request.error(400, 'InvalidResourceName', `The pipeline name '${name}' is not valid: it must match ^[A-Za-z0-9_][^<>*#.%&:\\\\+?/]*$ and be at most 260 characters.`);
        return;
      }
      const body = request.json();
      if (!isRecord(body) || !isRecord(body['properties'])) {
        request.error(400, 'BadRequest', "The request body must be a pipeline resource: { \"properties\": { \"activities\": [...] } }.");
        return;
      }
      const existing = factory.pipelines.get(name.toLowerCase());
      const ifMatch = request.req.headers['if-match'];
      if (typeof ifMatch === 'string' && ifMatch !== '*' && ifMatch !== existing?.etag) {
        request.error(412, 'PreconditionFailed', `The etag '${ifMatch}' does not match the pipeline's current etag.`);
        return;
      }
      let definition: PipelineDefinition;
      try {
        definition = readPipelineDefinition(body);
      } catch (error) {
        if (error instanceof DefinitionError) {
          request.error(400, 'BadRequest', error.message);
          return;
        }
        throw error;
      }
      // The etag's form: ARM etags of Data Factory resources are quoted GUID-like values ("0a0069d4-0000-0000-0000-5b245bd50000").
      const etag = `${randomBytes(4).toString('hex')}-0000-0000-0000-${randomBytes(6).toString('hex')}`;
      const stored: StoredPipeline = { name: existing?.name ?? name, properties: body['properties'], definition, etag };
      factory.pipelines.set(name.toLowerCase(), stored);
      request.reply(200, resourceJson(request, stored));
    }),
    route('GET', '/pipelines/{pipelineName}', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelines/read', false);
      const pipeline = factory && pipelineOf(request, factory);
      if (pipeline) {
        request.reply(200, resourceJson(request, pipeline));
      }
    }),
    route('DELETE', '/pipelines/{pipelineName}', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelines/delete', true);
      if (!factory) {
        return;
      }
      // Deleting what is not there is 204, as the spec's Pipelines_Delete allows.
      const existed = factory.pipelines.delete((request.params['pipelineName'] ?? '').toLowerCase());
      request.reply(existed ? 200 : 204, undefined);
    }),
    route('POST', '/pipelines/{pipelineName}/createRun', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelines/createrun/action', true);
      const pipeline = factory && pipelineOf(request, factory);
      if (!factory || !pipeline) {
        return;
      }
      const body = request.json();
      const parameters = isRecord(body) ? body : {};
      try {
        const hosted = pipelineHostOf(arm.world).start({
          service: 'adf',
          pipelineKey: `${factory.name}/${pipeline.name}`,
          pipelineName: pipeline.name,
          factoryName: factory.name,
          definition: pipeline.definition,
          parameters,
        });
        request.reply(200, { runId: hosted.run.runId });
      } catch (error) {
        if (error instanceof RunRequestError) {
          // The service refuses a run without a required parameter with 400; its exact text is undocumented.
          request.error(400, 'BadRequest', error.message);
          return;
        }
        throw error;
      }
    }),
    route('GET', '/pipelineruns/{runId}', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelineruns/read', false);
      const hosted = factory && runOf(request, factory);
      if (hosted) {
        request.reply(200, adfPipelineRun(hosted));
      }
    }),
    route('POST', '/pipelineruns/{runId}/queryActivityruns', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelineruns/queryactivityruns/action', false);
      const hosted = factory && runOf(request, factory);
      if (!hosted) {
        return;
      }
      const selected = queryActivityRuns(request.json(), hosted.run.activityRuns, (message) => request.error(400, 'BadRequest', message));
      if (selected) {
        request.reply(200, { value: selected.map((record) => adfActivityRun(record, hosted)) });
      }
    }),
    route('POST', '/pipelineruns/{runId}/cancel', (request) => {
      const factory = factoryFor(request, 'Microsoft.DataFactory/factories/pipelineruns/cancel/action', true);
      const hosted = factory && runOf(request, factory);
      if (hosted) {
        hosted.run.cancel();
        request.reply(200, undefined);
      }
    }),
  ];
};

/** PipelineRun (datafactory.json) as PipelineRuns_Get shows it; parameter values as strings, SecureString ones left out. */
export function adfPipelineRun(hosted: HostedRun): Record<string, unknown> {
  const { run } = hosted;
  const parameters = Object.fromEntries(Object.entries(run.recordedParameters).map(([name, value]) => [name, typeof value === 'string' ? value : toText(value)]));
  return {
    runId: run.runId,
    runGroupId: run.runId,
    isLatest: true,
    pipelineName: run.pipelineName,
    parameters,
    invokedBy: { id: run.runId.replace(/-/g, ''), name: 'Manual', invokedByType: 'Manual' },
    runStart: roundTripTimestamp(run.runStart),
    runEnd: run.runEnd ? roundTripTimestamp(run.runEnd) : null,
    durationInMs: run.durationInMs ?? null,
    // The spec's status values: Queued, InProgress, Succeeded, Failed, Canceling, Cancelled.
    status: run.status === 'Cancelling' ? 'Canceling' : run.status,
    message: run.message,
    lastUpdated: roundTripTimestamp(run.lastUpdated),
    annotations: [],
  };
}

/** ActivityRun (datafactory.json) as ActivityRuns_QueryByPipelineRun shows it; secure input/output as {}. */
export function adfActivityRun(record: ActivityRunRecord, hosted: HostedRun): Record<string, Value | null> {
  const error = record.error;
  return {
    activityRunEnd: record.activityRunEnd ? roundTripTimestamp(record.activityRunEnd) : null,
    activityName: record.activityName,
    activityRunStart: roundTripTimestamp(record.activityRunStart),
    activityType: record.activityType,
    durationInMs: record.durationInMs ?? null,
    retryAttempt: record.retryAttempt,
    error: error ? { errorCode: error.errorCode, message: error.message, failureType: error.failureType, target: error.target } : { errorCode: '', message: '', failureType: '', target: record.activityName },
    activityRunId: record.activityRunId,
    input: record.input ?? {},
    linkedServiceName: '',
    output: record.output ?? {},
    userProperties: {},
    pipelineName: hosted.run.pipelineName,
    pipelineRunId: hosted.run.runId,
    status: record.status,
  };
}
