/** The activity-run query both services share (RunFilterParameters of datafactory.json; the Fabric docs' body is the same). */
import type { ActivityRunRecord } from './runner';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Filter = { readonly operand: string; readonly operator: string; readonly values: readonly string[] };

/**
 * The query body of both services' activity-run queries (RunFilterParameters: lastUpdatedAfter and
 * lastUpdatedBefore required, filters, orderBy); answers 400 and returns undefined when it is wrong.
 */
export function queryActivityRuns(
  body: unknown,
  records: readonly ActivityRunRecord[],
  refuse: (message: string) => void,
): ActivityRunRecord[] | undefined {
  if (!isRecord(body)) {
    refuse('The request body must be RunFilterParameters: { lastUpdatedAfter, lastUpdatedBefore, filters?, orderBy? }.');
    return undefined;
  }
  const after = Date.parse(String(body['lastUpdatedAfter']));
  const before = Date.parse(String(body['lastUpdatedBefore']));
  if (typeof body['lastUpdatedAfter'] !== 'string' || typeof body['lastUpdatedBefore'] !== 'string' || Number.isNaN(after) || Number.isNaN(before)) {
    refuse('lastUpdatedAfter and lastUpdatedBefore are required ISO 8601 times.');
    return undefined;
  }
  const filters = Array.isArray(body['filters']) ? (body['filters'] as Filter[]) : [];
  const field = (record: ActivityRunRecord, operand: string): string => {
    switch (operand.toLowerCase()) {
      case 'activityname':
        return record.activityName;
      case 'activitytype':
        return record.activityType;
      case 'status':
        return record.status;
      case 'activityrunid':
        return record.activityRunId;
      default:
        return '';
    }
  };
  let selected = records.filter((record) => record.lastUpdated.getTime() >= after && record.lastUpdated.getTime() <= before);
  for (const filter of filters) {
    const values = Array.isArray(filter.values) ? filter.values.map(String) : [];
    const negate = /^not/i.test(String(filter.operator));
    selected = selected.filter((record) => values.includes(field(record, String(filter.operand))) !== negate);
  }
  const orderBy = Array.isArray(body['orderBy']) ? (body['orderBy'] as { orderBy?: string; order?: string }[]) : [];
  const first = orderBy[0];
  if (first?.orderBy) {
    const key = first.orderBy.toLowerCase();
    const direction = String(first.order).toUpperCase() === 'DESC' ? -1 : 1;
    const value = (record: ActivityRunRecord): number | string =>
      key === 'activityrunstart' ? record.activityRunStart.getTime() : key === 'activityrunend' ? (record.activityRunEnd?.getTime() ?? Infinity) : field(record, key);
    selected = [...selected].sort((a, b) => (value(a) < value(b) ? -direction : value(a) > value(b) ? direction : 0));
  }
  return selected;
}

