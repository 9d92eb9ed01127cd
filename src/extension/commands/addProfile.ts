import * as vscode from 'vscode';
import { isCancelledError } from '../../core/errors/errors';
import { ResumableAnswers } from '../profiles/resumableAnswers';
import { promptForProfile } from '../profiles/wizardHost';
import type { ExtensionServices } from '../services';

// Add Profile: the wizard, with a draft kept when it is dismissed and offered again.
export const RESUME = 'Resume';
export const START_OVER = 'Start Over';

/** One per window (memory only): the answers of an Add Profile wizard that was dismissed. */
const drafts = new WeakMap<ExtensionServices, ResumableAnswers>();

/**
 * Add Profile…: the multi-step wizard, then SecretStorage. The tree shows the new profile. Escape
 * half way keeps what was typed (never a secret), and the next Add Profile offers to resume.
 */
export async function addProfile(services: ExtensionServices, _node?: unknown): Promise<void> {
  const draft = drafts.get(services) ?? new ResumableAnswers();
  drafts.set(services, draft);
  let resume = false;
  if (draft.size > 0) {
    const choice = await services.input.showWarningMessage(
      `You left Add Profile with ${draft.size} answer${draft.size === 1 ? '' : 's'} given. Resume with them (secrets are asked again), or start over?`,
      { modal: true },
      RESUME,
      START_OVER,
    );
    if (choice === undefined) {
      return;
    }
    resume = choice === RESUME;
    if (!resume) {
      draft.clear();
    }
  }
  let profile;
  try {
    profile = await promptForProfile(services, undefined, (prompter) => draft.wrap(prompter, resume));
  } catch (error) {
    if (isCancelledError(error) && draft.size > 0) {
      vscode.window.setStatusBarMessage('$(history) Add Profile: your answers are kept; run Add Profile again to resume.', 8000);
    }
    throw error;
  }
  await services.profiles.save(profile);
  draft.clear();
  services.logger.child('profiles').info(`Added profile ${profile.id}.`);
}
