/**
 * Azure Data Factory pipelines through Azure Resource Manager, api-version 2018-06-01
 * (Azure/azure-rest-api-specs datafactory.json): PUT the pipeline, createRun, get the run,
 * queryActivityruns (paged by continuationToken), cancel.
 */
import type { DiscoveryService } from '../discovery/endpoints';
import { HttpResponseError, isHttpResponseError } from '../errors/errors';
import { call, isRecord, text, type PipelineContext } from './rest';
import { activityRunOf } from './activityRuns';
import { queryWindow } from './fabricClient';
import type { ActivityRun, PipelineClient, PipelineRunStatus } from './types';

export const DATA_FACTORY_API_VERSION = '2018-06-01';

export interface FactoryAddress {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly factoryName: string;
}

const STATUS: Readonly<Record<string, PipelineRunStatus>> = {
  Queued: 'Queued',
  InProgress: 'InProgress',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Canceling: 'Cancelling',
  Cancelled: 'Cancelled',
};

export function adfPipelineClient(service: DiscoveryService, factory: FactoryAddress, context: PipelineContext): PipelineClient {
  const base = `${service.baseUrl}/subscriptions/${encodeURIComponent(factory.subscriptionId)}/resourceGroups/${encodeURIComponent(factory.resourceGroup)}/providers/Microsoft.DataFactory/factories/${encodeURIComponent(factory.factoryName)}`;
  const url = (path: string): string => `${base}${path}?api-version=${DATA_FACTORY_API_VERSION}`;

  return {
    kind: 'adf',
    location: `factory ${factory.factoryName} (resource group ${factory.resourceGroup})`,
    async find(name) {
      try {
        const { body } = await call(service, 'GET', url(`/pipelines/${encodeURIComponent(name)}`), context);
        const record = isRecord(body) ? body : {};
        return { id: text(record['name']) || name, name: text(record['name']) || name, properties: record['properties'] };
      } catch (error) {
        if (isHttpResponseError(error) && error.status === 404) {
          return undefined;
        }
        throw error;
      }
    },
    async create(resource) {
      await call(service, 'PUT', url(`/pipelines/${encodeURIComponent(resource.name)}`), context, { properties: resource.properties });
      return { id: resource.name, name: resource.name, properties: resource.properties };
    },
    async update(existing, resource) {
      await call(service, 'PUT', url(`/pipelines/${encodeURIComponent(existing.id)}`), context, { properties: resource.properties });
      return { ...existing, properties: resource.properties };
    },
    async start(pipeline, parameters) {
      const { body, headers } = await call(service, 'POST', url(`/pipelines/${encodeURIComponent(pipeline.id)}/createRun`), context, parameters);
      const runId = isRecord(body) ? text(body['runId']) : '';
      if (!runId) {
        throw new HttpResponseError('arm', 502, headers, 'createRun answered without a runId.');
      }
      return runId;
    },
    async state(_pipeline, runId) {
      const { body } = await call(service, 'GET', url(`/pipelineruns/${encodeURIComponent(runId)}`), context);
      const record = isRecord(body) ? body : {};
      const message = text(record['message']);
      return { status: STATUS[text(record['status'])] ?? 'InProgress', ...(message ? { message } : {}) };
    },
    async cancel(_pipeline, runId) {
      await call(service, 'POST', url(`/pipelineruns/${encodeURIComponent(runId)}/cancel`), context);
    },
    async activityRuns(_pipeline, runId): Promise<ActivityRun[]> {
      const runs: ActivityRun[] = [];
      let continuationToken: string | undefined;
      // ActivityRunsQueryResponse pages with continuationToken in the next request's body.
      for (let page = 0; page < 100; page++) {
        const { body } = await call(service, 'POST', url(`/pipelineruns/${encodeURIComponent(runId)}/queryActivityruns`), context, { ...queryWindow(), ...(continuationToken ? { continuationToken } : {}) });
        const record = isRecord(body) ? body : {};
        runs.push(...(Array.isArray(record['value']) ? record['value'] : []).filter(isRecord).map(activityRunOf));
        continuationToken = text(record['continuationToken']) || undefined;
        if (!continuationToken) {
          break;
        }
      }
      return runs;
    },
  };
}
