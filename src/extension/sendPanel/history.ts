import type { HistoryEntry, PersistedForm } from '../../shared/sendPanelProtocol';
import { PANEL_STAGES, parsePersistedForm, PROTOCOLS, SEND_PANEL_LIMITS } from '../../shared/sendPanelProtocol';

/** The subset of `vscode.Memento` used here, so this file needs no vscode. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const HISTORY_KEY = 'eventstreamFlow.sendPanel.history';
const FORM_KEY = 'eventstreamFlow.sendPanel.form';

/**
 * Recent sends and the form's non-sensitive settings, per workspace. What is read back is checked
 * again: workspace state is a file another version (or a person) may have written.
 */
export class SendPanelStore {
  constructor(private readonly state: StateStore) {}

  history(limit: number): HistoryEntry[] {
    const raw = this.state.get<unknown>(HISTORY_KEY);
    return (Array.isArray(raw) ? raw : []).filter(isHistoryEntry).slice(0, clampSize(limit));
  }

  async addHistory(entry: HistoryEntry, limit: number): Promise<HistoryEntry[]> {
    const next = [entry, ...this.history(SEND_PANEL_LIMITS.maxHistorySize)].slice(0, clampSize(limit));
    await this.state.update(HISTORY_KEY, next);
    return next;
  }

  async clearHistory(): Promise<void> {
    await this.state.update(HISTORY_KEY, []);
  }

  form(): PersistedForm | undefined {
    try {
      const raw = this.state.get<unknown>(FORM_KEY);
      return raw === undefined ? undefined : parsePersistedForm(raw);
    } catch {
      return undefined;
    }
  }

  async saveForm(form: PersistedForm): Promise<void> {
    await this.state.update(FORM_KEY, form);
  }
}

export function clampSize(size: number): number {
  return Number.isFinite(size) ? Math.max(0, Math.min(SEND_PANEL_LIMITS.maxHistorySize, Math.floor(size))) : 20;
}

function isHistoryEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const e = value as Record<string, unknown>;
  const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  return (
    num(e.at) &&
    typeof e.profileName === 'string' &&
    e.profileName.length <= 500 &&
    (PROTOCOLS as readonly unknown[]).includes(e.protocol) &&
    num(e.count) &&
    typeof e.batch === 'boolean' &&
    num(e.eventsAccepted) &&
    num(e.bytes) &&
    num(e.durationMs) &&
    ['ok', 'failed', 'cancelled'].includes(e.status as string) &&
    (e.failedStage === undefined || (PANEL_STAGES as readonly unknown[]).includes(e.failedStage))
  );
}
