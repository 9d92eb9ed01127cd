import type { ExplainedError } from '../../core/errors/errors';
import { STAGE_TITLES } from '../../core/flow/types';
import { safeDocsUrl } from '../tree/presentation';

/** The buttons of a failed command's notification. "Show Details" opens the log, where cause, fix and the attempts are. */
export const SHOW_DETAILS = 'Show Details';
export const RETRY = 'Retry';
export const OPEN_DOCS = 'Open Docs';
export const SIGN_IN = 'Sign In';

/**
 * What a failed command's notification says and offers: one redacted line naming the stage that
 * failed ("Read client id failed: …", the words the tree and the panel use), and its actions.
 * Success raises no notification: the tree, the status bar and the panel show it (issue #11).
 * Pure, so it is unit-tested without VS Code.
 */
export function notificationFor(explained: ExplainedError, redact: (s: string) => string): { message: string; actions: string[]; docsUrl?: string } {
  const summary = redact(explained.explanation.summary).replace(/\s+/g, ' ').trim();
  const stage = explained.stage && explained.code !== 'NotSignedIn' ? `${STAGE_TITLES[explained.stage]} failed: ` : '';
  const docsUrl = safeDocsUrl(explained.explanation.docsUrl);
  const actions = [...(explained.code === 'NotSignedIn' ? [SIGN_IN] : []), SHOW_DETAILS, RETRY, ...(docsUrl ? [OPEN_DOCS] : [])];
  return { message: `${stage}${summary}`, actions, ...(docsUrl ? { docsUrl } : {}) };
}
