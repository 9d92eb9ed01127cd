import { STAGE_TITLES } from '../../core/flow/types';
import type { HistoryEntry } from '../../shared/sendPanelProtocol';
import { clear, formatBytes, formatDuration, h, icon } from './dom';

/** `#history li[data-status]`: newest first, metadata only. */
export function renderHistory(list: HTMLOListElement, empty: HTMLElement, entries: readonly HistoryEntry[]): void {
  clear(list);
  empty.hidden = entries.length > 0;
  for (const e of entries) {
    const when = new Date(e.at);
    const outcome =
      e.status === 'ok' ? `${e.eventsAccepted} accepted` : e.status === 'cancelled' ? 'cancelled' : `failed${e.failedStage ? ` at ${STAGE_TITLES[e.failedStage]}` : ''}`;
    list.appendChild(
      h(
        'li',
        { attrs: { 'data-status': e.status } },
        icon(e.status === 'ok' ? 'pass-filled' : e.status === 'cancelled' ? 'circle-slash' : 'error'),
        h('time', { attrs: { datetime: when.toISOString() } }, when.toLocaleString()),
        h('span', { className: 'history-profile' }, e.profileName),
        h('span', {}, `${e.protocol.toUpperCase()} · ${e.count} event(s)${e.batch ? ' (batch)' : ''} · ${formatBytes(e.bytes)} · ${formatDuration(e.durationMs)}`),
        h('span', { className: 'history-outcome' }, outcome),
      ),
    );
  }
}
