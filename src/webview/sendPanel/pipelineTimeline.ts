/**
 * The pipeline run beside the local timeline (#10.2): `#pipeline-run`, the selected profile's
 * latest run (Run Pipeline, Compare) with one row per activity (`li[data-activity][data-status]`):
 * the local stage it does, status, duration, attempts, and a failure's cause and fix. Hidden while
 * the profile has no run in this window.
 */
import { STAGE_TITLES } from '../../core/flow/stageId';
import type { ActivityView, PipelineRunView } from '../../shared/sendPanelProtocol';
import { clear, formatDuration, h, icon } from './dom';
import { errorBlock } from './timeline';

function glyph(status: string): [string, string] {
  switch (status) {
    case 'Succeeded':
      return ['pass-filled', ''];
    case 'Failed':
      return ['error', ''];
    case 'Skipped':
      return ['debug-step-over', ''];
    case 'Cancelled':
    case 'Cancelling':
      return ['circle-slash', ''];
    case 'Queued':
      return ['circle-large-outline', ''];
    default:
      return ['loading', 'codicon-modifier-spin'];
  }
}

/** The CSS status of a row, shared with the local timeline's colours. */
function rowStatus(status: string): string {
  return status === 'Succeeded' ? 'ok' : status === 'Failed' ? 'failed' : status === 'InProgress' || status === 'Queued' ? 'running' : 'skipped';
}

export class PipelineTimeline {
  private readonly heading = h('h2', { id: 'h-pipeline-run' }, 'Pipeline run');
  private readonly line = h('p', { className: 'muted', attrs: { 'data-testid': 'pipeline-run-line' } });
  private readonly list = h('ol', { id: 'pipeline-timeline', className: 'timeline', attrs: { 'aria-live': 'polite', 'data-testid': 'pipeline-timeline' } });
  readonly element = h(
    'section',
    { id: 'pipeline-run', className: 'pipeline-run', attrs: { 'aria-labelledby': 'h-pipeline-run', 'data-testid': 'pipeline-run', hidden: true } },
    this.heading,
    this.line,
    this.list,
  );

  constructor(private readonly openDocs: (url: string) => void) {}

  show(run: PipelineRunView | undefined): void {
    clear(this.list);
    this.element.hidden = !run;
    if (!run) {
      return;
    }
    this.element.dataset.status = run.status;
    this.heading.textContent = `Pipeline run: ${run.pipelineName}`;
    const where = run.target ? ` on ${run.target}` : '';
    const done = run.activities.filter((a) => a.status === 'Succeeded').length;
    this.line.textContent = `${run.status}${where} · ${done} of ${run.activities.length} activities succeeded · from Run Pipeline or Compare`;
    for (const activity of run.activities) {
      this.list.appendChild(this.row(activity));
    }
  }

  private row(activity: ActivityView): HTMLLIElement {
    const [name, extra] = glyph(activity.status);
    const stage = activity.stage ? STAGE_TITLES[activity.stage] : 'no local stage';
    const row = h(
      'li',
      { attrs: { 'data-activity': activity.activityName, 'data-status': rowStatus(activity.status), ...(activity.stage ? { 'data-stage': activity.stage } : {}) } },
      h(
        'div',
        { className: 'stage-head' },
        icon(name, extra),
        h('span', { className: 'stage-title' }, activity.activityName),
        h('span', { className: 'stage-status' }, activity.status),
        activity.durationMs === undefined ? null : h('span', { className: 'stage-duration' }, formatDuration(activity.durationMs)),
        activity.attempts > 1 ? h('span', { className: 'badge' }, `${activity.attempts} attempts`) : null,
      ),
      h('div', { className: 'stage-summary' }, `Local stage: ${stage}`),
    );
    if (activity.error) {
      row.appendChild(errorBlock(activity.activityName, activity.error, this.openDocs));
    }
    return row;
  }
}
