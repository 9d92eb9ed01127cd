import type { ExplainedError } from '../../core/errors/errors';
import { safeDocsUrl } from '../tree/presentation';

/** The buttons of a failed command's notification. */
export const SHOW_LOG = 'Show Log';
export const RETRY = 'Retry';
export const OPEN_DOCS = 'Open Docs';
export const SIGN_IN = 'Sign In';

/**
 * What a failed command's notification says and offers: one redacted line (the explanation's
 * summary, whitespace collapsed) and its actions. Pure, so it is unit-tested without VS Code.
 */
export function notificationFor(explained: ExplainedError, redact: (s: string) => string): { message: string; actions: string[]; docsUrl?: string } {
  const summary = redact(explained.explanation.summary).replace(/\s+/g, ' ').trim();
  const docsUrl = safeDocsUrl(explained.explanation.docsUrl);
  const actions = [...(explained.code === 'NotSignedIn' ? [SIGN_IN] : []), SHOW_LOG, RETRY, ...(docsUrl ? [OPEN_DOCS] : [])];
  return { message: summary, actions, ...(docsUrl ? { docsUrl } : {}) };
}
