/**
 * A pipeline run as the send panel's webview may see it: the Pipeline Runs view's record projected
 * to activity, local stage, status, duration, attempts and a failure's explanation, every string
 * redacted and bounded. No activity input or output, no raw service message. No vscode import.
 */
import type { TimelineEntry } from '../../core/pipeline/index';
import { PANEL_STAGES, PIPELINE_RUN_STATUSES, PIPELINE_VIEW_LIMITS, type ActivityView, type PanelStageId, type PipelineRunView } from '../../shared/sendPanelProtocol';
import type { PipelineRunRecord } from '../pipeline/runsView';
import { safeError } from './prepareEvents';

type Redact = (text: string) => string;

/** A run as the webview shows it: every string redacted and bounded; no input, output or raw message. */
export function projectPipelineRun(record: PipelineRunRecord, redact: Redact): PipelineRunView {
  const L = PIPELINE_VIEW_LIMITS;
  const line = (text: string, max: number): string => {
    const safe = redact(text).replace(/[\r\n\0]+/g, ' ');
    return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
  };
  const status = (PIPELINE_RUN_STATUSES as readonly string[]).includes(record.state.status) ? record.state.status : 'InProgress';
  return {
    key: record.key,
    pipelineName: line(record.pipelineName, L.maxName) || 'pipeline',
    target: line(record.target, L.maxName),
    status,
    activities: record.timeline.slice(0, L.maxActivities).map((entry) => projectActivity(entry, redact)),
  };
}

function projectActivity(entry: TimelineEntry, redact: Redact): ActivityView {
  const L = PIPELINE_VIEW_LIMITS;
  const text = (value: string): string => {
    const safe = redact(value);
    return safe.length > L.maxText ? `${safe.slice(0, L.maxText - 1)}…` : safe;
  };
  const stage = entry.stage && (PANEL_STAGES as readonly string[]).includes(entry.stage) ? (entry.stage as PanelStageId) : undefined;
  const activityStatus = /^[A-Za-z]{1,20}$/.test(entry.status) ? entry.status : 'Unknown';
  let error: ActivityView['error'];
  if (entry.explained) {
    const safe = safeError(entry.explained, text);
    error = { ...safe, code: safe.code.replace(/[\r\n\0]+/g, ' ').slice(0, 200) || 'ActivityFailed' };
  } else if (entry.error) {
    // While the run goes on, failures are not explained yet (the explanation comes with the end).
    const code = text(entry.error.errorCode).replace(/[\r\n\0]+/g, ' ').slice(0, 200) || 'ActivityFailed';
    error = { code, summary: 'The activity failed; its explanation follows when the run ends.', cause: '', fix: '' };
  }
  return {
    activityName: text(entry.activityName).replace(/[\r\n\0]+/g, ' ').slice(0, L.maxName) || 'activity',
    ...(stage ? { stage } : {}),
    status: activityStatus,
    ...(entry.durationMs !== undefined && Number.isInteger(entry.durationMs) && entry.durationMs >= 0 ? { durationMs: entry.durationMs } : {}),
    attempts: Math.min(Math.max(entry.attempts, 0), L.maxAttempts),
    ...(error ? { error } : {}),
  };
}
