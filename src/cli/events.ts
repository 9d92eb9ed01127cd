import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors/errors';
import type { EventSource } from '../core/events/eventSource';
import type { EventToSend, SendRequest } from '../core/flow/types';
import { everyEventValidIfFirstIs } from '../core/events/jsonStability';
import { compileTemplate, SAMPLE_EVENT_TEMPLATE } from '../core/events/template';
import { parseEventBody, validateContentType, validatePartitionId, validatePartitionKey, validateProperties, valueOrThrow } from '../core/model/validate';
import { problems } from '../core/model/validated';
import type { CliOptions } from './options';

/**
 * The events to send from --body/--file, pipeline parameters and --count (or --rate × --duration):
 * a source that renders each event when the sender asks for it, so a million events never sit in
 * memory. The first is rendered (and its JSON checked) here, before anything is sent.
 */
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
  const json = /json/i.test(contentType);
  const runId = randomUUID();
  const properties = Object.keys(options.properties).length > 0 ? options.properties : undefined;
  const render = compileTemplate(template, { parameters: options.params, runId, pipelineName: 'eventstream-flow-cli' });
  // A malformed body is refused with line and column, the first event before anything is sent; the
  // others only when their per-event values could make them differ (see everyEventValidIfFirstIs).
  const checkEach = json && !everyEventValidIfFirstIs(render.pieces(0));
  const eventAt = (index: number): EventToSend => {
    const body = render(index);
    if (json && (index === 0 || checkEach)) {
      valueOrThrow(parseEventBody(body, index > 0 ? `--body (event ${index})` : '--body'));
    }
    return properties ? { body, contentType, properties } : { body, contentType };
  };
  eventAt(0);
  // Refused here, before any stage runs: the send stage would meet them only after stages 1–4 reached Azure (#11).
  const problem = [
    ...(options.contentType !== undefined ? problems([validateContentType(options.contentType, '--content-type')]) : []),
    ...validateProperties(options.properties, '--property'),
    ...problems([validatePartitionKey(options.partitionKey, '--partition-key'), validatePartitionId(options.partitionId, '--partition-id')]),
  ][0];
  if (problem) {
    throw problem;
  }
  const events: EventSource = { count: options.count, eventAt };
  return {
    events,
    ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
    ...(options.partitionId !== undefined ? { partitionId: options.partitionId } : {}),
    ...(options.protocol !== undefined ? { protocol: options.protocol } : {}),
    ...(options.load ? { pace: { eventsPerSecond: options.load.eventsPerSecond } } : {}),
  };
}
