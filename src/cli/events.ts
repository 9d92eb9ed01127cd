import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors/errors';
import type { SendRequest } from '../core/flow/types';
import { renderTemplate, SAMPLE_EVENT_TEMPLATE } from '../core/events/template';
import { parseEventBody, validatePartitionId, validatePartitionKey, validateProperties, valueOrThrow } from '../core/model/validate';
import { problems } from '../core/model/validated';
import type { CliOptions } from './options';

/** Builds the events to send from --body/--file, pipeline parameters and --count. */
export async function buildSendRequest(options: CliOptions): Promise<SendRequest> {
  let template = options.body ?? SAMPLE_EVENT_TEMPLATE;
  if (options.file !== undefined) {
    try {
      template = await readFile(options.file, 'utf8');
    } catch (error) {
      throw new ValidationError('--file', `Cannot read ${options.file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path.');
    }
  }
  const contentType = options.contentType ?? 'application/json';
  const runId = randomUUID();
  const events = Array.from({ length: options.count }, (_, index) => {
    const body = renderTemplate(template, { parameters: options.params, runId, index, pipelineName: 'eventstream-flow-cli' });
    if (/json/i.test(contentType)) {
      valueOrThrow(parseEventBody(body, '--body')); // refuses malformed JSON with line and column before anything is sent
    }
    return { body, contentType, ...(Object.keys(options.properties).length > 0 ? { properties: options.properties } : {}) };
  });
  // Refused here, before any stage runs: the send stage would meet them only after stages 1–4 reached Azure (#11).
  const problem = [
    ...validateProperties(options.properties, '--property'),
    ...problems([validatePartitionKey(options.partitionKey, '--partition-key'), validatePartitionId(options.partitionId, '--partition-id')]),
  ][0];
  if (problem) {
    throw problem;
  }
  return {
    events,
    ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
    ...(options.partitionId !== undefined ? { partitionId: options.partitionId } : {}),
    ...(options.protocol !== undefined ? { protocol: options.protocol } : {}),
  };
}
