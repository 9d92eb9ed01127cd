/** Activity-run records of both services (Fabric docs sample; datafactory.json ActivityRun) read into one shape. */
import { isRecord, text } from './rest';
import type { ActivityRun } from './types';

export function activityRunOf(record: Record<string, unknown>): ActivityRun {
  const error = isRecord(record['error']) ? record['error'] : undefined;
  const errorCode = error ? text(error['errorCode']) : '';
  const duration = record['durationInMs'];
  const retry = record['retryAttempt'];
  return {
    activityName: text(record['activityName']),
    activityType: text(record['activityType']),
    activityRunId: text(record['activityRunId']),
    status: text(record['status']),
    ...(text(record['activityRunStart']) ? { start: text(record['activityRunStart']) } : {}),
    ...(text(record['activityRunEnd']) ? { end: text(record['activityRunEnd']) } : {}),
    ...(typeof duration === 'number' ? { durationMs: duration } : {}),
    retryAttempt: typeof retry === 'number' ? retry : null,
    // An empty errorCode is how both services say "no error".
    ...(error && (errorCode || text(error['message'])) ? { error: { errorCode, message: text(error['message']), failureType: text(error['failureType']) } } : {}),
  };
}
