import { STAGE_TITLES } from '../../core/flow/types';
import type { PanelStageId, ReadBackView, SendOutcome, SendProgressView, StageView, StageViewStatus } from '../../shared/sendPanelProtocol';
import { PANEL_STAGES } from '../../shared/sendPanelProtocol';
import { clear, formatBytes, formatDuration, h, icon } from './dom';

// The Flow timeline of the send panel: one row a stage, its status, duration and summary, and a failure's cause and fix.
const STATUS_ICON: Readonly<Record<StageViewStatus, string>> = {
  pending: 'circle-large-outline',
  running: 'loading',
  ok: 'pass-filled',
  failed: 'error',
  skipped: 'debug-step-over',
  cancelled: 'circle-slash',
  notRun: 'circle-large-outline',
};

const STATUS_TEXT: Readonly<Record<StageViewStatus, string>> = {
  pending: 'pending',
  running: 'running',
  ok: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
  notRun: 'not run',
};

/**
 * The five stages as an ordered list: `#timeline li[data-stage][data-status]`. Rows are updated
 * in place; the list is an aria-live region, so a screen reader hears each stage finish.
 */
export class Timeline {
  private readonly rows = new Map<PanelStageId, HTMLLIElement>();
  /** `li[data-stage=readBack]`: shown only for a send with "Read back" on. */
  private readonly readBackRow = h('li', { attrs: { 'data-stage': 'readBack', 'data-status': 'pending', 'data-testid': 'read-back' } });
  readonly progress = h('p', { id: 'request-progress', className: 'muted', attrs: { 'data-testid': 'request-progress' } });
  readonly list = h('ol', { id: 'timeline', className: 'timeline', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions text', 'data-testid': 'timeline' } });

  constructor(private readonly openDocs: (url: string) => void) {
    for (const stage of PANEL_STAGES) {
      const row = h('li', { attrs: { 'data-stage': stage, 'data-status': 'pending' } });
      this.rows.set(stage, row);
      this.list.appendChild(row);
      this.update({ stage, status: 'pending' });
    }
    this.readBackRow.hidden = true;
    this.list.appendChild(this.readBackRow);
  }

  reset(request?: number, requests?: number): void {
    for (const stage of PANEL_STAGES) {
      this.update({ stage, status: 'pending' });
    }
    this.progress.textContent = request && requests && requests > 1 ? `Request ${request} of ${requests}` : '';
    this.readBackRow.hidden = true;
  }

  /** The round trip's row: the matched event's partition, sequence number and latency, or why it was not read back. */
  updateReadBack(view: ReadBackView): void {
    const row = this.readBackRow;
    const status: StageViewStatus = view.status === 'matched' ? 'ok' : view.status;
    row.hidden = false;
    row.dataset.status = status;
    clear(row);
    row.appendChild(
      h(
        'div',
        { className: 'stage-head' },
        icon(STATUS_ICON[status], status === 'running' ? 'codicon-modifier-spin' : ''),
        h('span', { className: 'stage-title' }, 'Read back'),
        h('span', { className: 'stage-status' }, view.status === 'matched' ? 'matched' : STATUS_TEXT[status]),
        view.latencyMs === undefined ? null : h('span', { className: 'stage-duration', attrs: { 'data-testid': 'read-back-latency' } }, formatDuration(view.latencyMs)),
      ),
    );
    const line =
      view.status === 'matched'
        ? `Event ${view.correlationId ?? ''} on partition ${view.partitionId ?? '?'} (seq ${view.sequenceNumber ?? '?'}), consumer group ${view.consumerGroup ?? ''}: end-to-end ${formatDuration(view.latencyMs ?? 0)}, enqueued after ${formatDuration(view.enqueueLatencyMs ?? 0)}`
        : view.status === 'running'
          ? 'Listening on the consumer group for the sent event…'
          : (view.reason ?? '');
    if (line) {
      row.appendChild(h('div', { className: 'stage-summary' }, line));
    }
    if (view.error) {
      this.appendError(row, 'Read back', view.error);
    }
  }

  update(view: StageView): void {
    const row = this.rows.get(view.stage);
    if (!row) {
      return;
    }
    row.dataset.status = view.status;
    clear(row);
    const title = STAGE_TITLES[view.stage];
    const head = h(
      'div',
      { className: 'stage-head' },
      icon(STATUS_ICON[view.status], view.status === 'running' ? 'codicon-modifier-spin' : ''),
      h('span', { className: 'stage-title' }, title),
      h('span', { className: 'stage-status' }, STATUS_TEXT[view.status]),
      view.durationMs === undefined ? null : h('span', { className: 'stage-duration', attrs: { 'data-testid': 'duration' } }, formatDuration(view.durationMs)),
      view.cached ? h('span', { className: 'badge' }, 'cached') : null,
    );
    row.appendChild(head);
    if (view.summary) {
      row.appendChild(h('div', { className: 'stage-summary' }, view.summary));
    }
    if (view.error) {
      this.appendError(row, title, view.error);
    }
  }

  private appendError(row: HTMLLIElement, title: string, error: NonNullable<StageView['error']>): void {
    row.appendChild(errorBlock(title, error, this.openDocs));
  }
}

/** An explained error: code and summary, why, the fix, and a docs link (an empty why or fix is left out). */
export function errorBlock(title: string, error: NonNullable<StageView['error']>, openDocs: (url: string) => void): HTMLElement {
  return h(
    'div',
    { className: 'stage-error', attrs: { role: 'group', 'aria-label': `${title} error` } },
    h('div', { className: 'error-summary' }, h('code', { className: 'error-code' }, error.code), ' ', error.summary),
    error.cause ? h('div', {}, h('strong', {}, 'Why: '), error.cause) : null,
    error.fix ? h('div', {}, h('strong', {}, 'Fix: '), error.fix) : null,
    error.docsUrl ? docsLink(error.docsUrl, openDocs) : null,
  );
}

/** Links open through the host (`openDocs`), which opens only URLs it sent. */
function docsLink(url: string, openDocs: (url: string) => void): HTMLAnchorElement {
  const link = h('a', { className: 'docs-link', attrs: { href: url, 'data-testid': 'docs-link' } }, icon('link-external'), ' Documentation');
  link.addEventListener('click', (event) => {
    event.preventDefault();
    openDocs(url);
  });
  return link;
}

/** `#result[data-status]`: events accepted, bytes and time, or what went wrong. */
export function renderResult(target: HTMLElement, result: SendOutcome | undefined): void {
  clear(target);
  target.dataset.status = result?.status ?? 'none';
  target.hidden = !result;
  if (!result) {
    return;
  }
  const headline: Record<SendOutcome['status'], [string, string]> = {
    ok: ['pass-filled', `Sent: ${result.eventsAccepted} of ${result.eventsRequested} event(s) accepted`],
    failed: ['error', result.eventsAccepted > 0 ? `Failed after ${result.eventsAccepted} of ${result.eventsRequested} event(s) were accepted` : 'Not sent'],
    cancelled: ['circle-slash', `Cancelled: ${result.eventsAccepted} of ${result.eventsRequested} event(s) accepted`],
    refused: ['warning', 'Not sent: check the form'],
  };
  const [glyph, text] = headline[result.status];
  target.appendChild(h('div', { className: 'result-head' }, icon(glyph), h('strong', {}, text)));
  if (result.status !== 'refused') {
    target.appendChild(
      h(
        'dl',
        { className: 'result-facts' },
        h('dt', {}, 'Accepted'),
        h('dd', { attrs: { 'data-testid': 'events-accepted' } }, String(result.eventsAccepted)),
        h('dt', {}, 'Size'),
        h('dd', { attrs: { 'data-testid': 'bytes' } }, formatBytes(result.bytes)),
        h('dt', {}, 'Time'),
        h('dd', { attrs: { 'data-testid': 'time' } }, formatDuration(result.durationMs)),
        h('dt', {}, 'Protocol'),
        h('dd', {}, result.protocol.toUpperCase()),
        h('dt', {}, 'Requests'),
        h('dd', {}, String(result.requests)),
      ),
    );
  }
  if (result.eventsInFlight !== undefined && result.eventsNeverSent !== undefined) {
    const unknown = result.eventsInFlight > 0 ? `${grouped(result.eventsInFlight)} in flight (sent, no answer: they may or may not have arrived), ` : '';
    target.appendChild(h('p', { className: 'result-counts', attrs: { 'data-testid': 'result-counts' } }, `${grouped(result.eventsAccepted)} acknowledged, ${unknown}${grouped(result.eventsNeverSent)} never sent.`));
  }
  if (result.message) {
    target.appendChild(h('p', { className: 'result-message', attrs: { 'data-testid': 'result-message' } }, result.message));
  }
  if (result.fix) {
    target.appendChild(h('p', { className: 'result-fix' }, h('strong', {}, 'Fix: '), result.fix));
  }
}

/** A running send's live line: acknowledged of total, in flight, throughput. */
export function renderProgress(target: HTMLElement, progress: SendProgressView): void {
  clear(target);
  target.hidden = false;
  target.dataset.status = 'running';
  const rate = progress.eventsPerSecond > 0 ? ` · ${grouped(progress.eventsPerSecond)} events/s` : '';
  const pace = progress.rate !== undefined ? ` (pace ${grouped(progress.rate)}/s)` : '';
  const latency = progress.latency ? ` · latency p50 ${progress.latency.p50} ms, p95 ${progress.latency.p95} ms, p99 ${progress.latency.p99} ms` : '';
  target.appendChild(
    h('div', { className: 'result-head' }, icon('loading'), h('span', { attrs: { 'data-testid': 'send-progress' } }, `${grouped(progress.acknowledged)} of ${grouped(progress.total)} acknowledged · ${grouped(progress.inFlight)} in flight${rate}${pace}${latency}`)),
  );
}

function grouped(value: number): string {
  return value.toLocaleString('en-US');
}
