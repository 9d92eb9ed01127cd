/**
 * Fabric data pipelines through the Fabric REST API (microsoft/fabric-rest-api-specs dataPipeline/
 * and platform/; the activity-run query from the Fabric docs' "REST API capabilities for pipelines"
 * page, which the specs do not have): the definition part `pipeline-content.json` is the pipeline's
 * `{ "properties": … }` in standard base64; runs go through the job scheduler with `jobType=Pipeline`.
 */
import { listAll } from '../discovery/rest';
import type { DiscoveryService } from '../discovery/endpoints';
import { HttpResponseError } from '../errors/errors';
import type { PipelineResource } from '../export/pipeline';
import { call, followOperation, isRecord, text, type PipelineContext } from './rest';
import { activityRunOf } from './activityRuns';
import type { ActivityRun, PipelineClient, PipelineRunState, PipelineRunStatus } from './types';

export const PIPELINE_CONTENT_PART = 'pipeline-content.json';

/** The definition parts of a pipeline resource: its properties, standard base64 (the docs: not URL-safe). */
export function fabricDefinitionOf(resource: PipelineResource): { parts: { path: string; payload: string; payloadType: 'InlineBase64' }[] } {
  const payload = Buffer.from(JSON.stringify({ properties: resource.properties }, null, 2), 'utf8').toString('base64');
  return { parts: [{ path: PIPELINE_CONTENT_PART, payload, payloadType: 'InlineBase64' }] };
}

/** ItemJobStatus (platform.json) in the run vocabulary; a Deduped job did not run (another instance did). */
const JOB_STATUS: Readonly<Record<string, PipelineRunStatus>> = {
  NotStarted: 'Queued',
  InProgress: 'InProgress',
  Completed: 'Succeeded',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
  Deduped: 'Cancelled',
};

export function fabricPipelineClient(service: DiscoveryService, workspaceId: string, context: PipelineContext): PipelineClient {
  const ws = `${service.baseUrl}/v1/workspaces/${encodeURIComponent(workspaceId)}`;
  const item = (id: string): string => `${ws}/items/${encodeURIComponent(id)}`;

  async function definitionOf(id: string): Promise<unknown> {
    const accepted = await call(service, 'POST', `${ws}/dataPipelines/${encodeURIComponent(id)}/getDefinition`, context);
    const result = await followOperation(service, accepted, context);
    const parts = isRecord(result) && isRecord(result['definition']) && Array.isArray(result['definition']['parts']) ? (result['definition']['parts'] as unknown[]) : [];
    const content = parts.find((part) => isRecord(part) && part['path'] === PIPELINE_CONTENT_PART);
    if (!isRecord(content) || typeof content['payload'] !== 'string') {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(Buffer.from(content['payload'], 'base64').toString('utf8'));
      return isRecord(parsed) ? parsed['properties'] : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    kind: 'fabric',
    location: `workspace ${workspaceId}`,
    async find(name) {
      const items = await listAll(service, `${ws}/dataPipelines`, context);
      const found = items.find((entry) => text(entry['displayName']).toLowerCase() === name.toLowerCase());
      if (!found) {
        return undefined;
      }
      const id = text(found['id']);
      return { id, name: text(found['displayName']), properties: await definitionOf(id) };
    },
    async create(resource) {
      const accepted = await call(service, 'POST', `${ws}/dataPipelines`, context, {
        displayName: resource.name,
        description: resource.properties.description.slice(0, 256),
        definition: fabricDefinitionOf(resource),
      });
      const created = await followOperation(service, accepted, context);
      if (!isRecord(created) || typeof created['id'] !== 'string') {
        throw new HttpResponseError('fabric', 502, accepted.headers, 'Creating the data pipeline gave no item id.');
      }
      return { id: created['id'], name: resource.name, properties: resource.properties };
    },
    async update(existing, resource) {
      const accepted = await call(service, 'POST', `${ws}/dataPipelines/${encodeURIComponent(existing.id)}/updateDefinition`, context, { definition: fabricDefinitionOf(resource) });
      await followOperation(service, accepted, context);
      return { ...existing, properties: resource.properties };
    },
    async start(pipeline, parameters) {
      const started = await call(service, 'POST', `${item(pipeline.id)}/jobs/instances?jobType=Pipeline`, context, { executionData: { parameters } }, [202]);
      const location = started.headers['location'] ?? '';
      const jobId = /\/jobs\/instances\/([^/?#]+)/.exec(location)?.[1];
      if (!jobId) {
        throw new HttpResponseError('fabric', 502, started.headers, 'The job scheduler accepted the run without a job instance Location.');
      }
      return decodeURIComponent(jobId);
    },
    async state(pipeline, runId): Promise<PipelineRunState> {
      const { body } = await call(service, 'GET', `${item(pipeline.id)}/jobs/instances/${encodeURIComponent(runId)}`, context);
      const record = isRecord(body) ? body : {};
      const status = JOB_STATUS[text(record['status'])] ?? 'InProgress';
      const failure = isRecord(record['failureReason']) ? record['failureReason'] : undefined;
      const message = failure ? text(failure['message']) : text(record['status']) === 'Deduped' ? 'Fabric deduplicated this job: another instance of the pipeline was already running.' : '';
      return { status, ...(message ? { message } : {}) };
    },
    async cancel(pipeline, runId) {
      await call(service, 'POST', `${item(pipeline.id)}/jobs/instances/${encodeURIComponent(runId)}/cancel`, context);
    },
    async activityRuns(_pipeline, runId): Promise<ActivityRun[]> {
      const { body } = await call(service, 'POST', `${ws}/datapipelines/pipelineruns/${encodeURIComponent(runId)}/queryactivityruns`, context, queryWindow());
      // The docs show a bare array; accept a { value } page too.
      const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body['value']) ? body['value'] : [];
      return list.filter(isRecord).map(activityRunOf);
    },
  };
}

/** A window around now wide enough for any run this process watches. */
export function queryWindow(): { lastUpdatedAfter: string; lastUpdatedBefore: string } {
  const now = Date.now();
  return { lastUpdatedAfter: new Date(now - 7 * 24 * 3_600_000).toISOString(), lastUpdatedBefore: new Date(now + 3_600_000).toISOString() };
}
