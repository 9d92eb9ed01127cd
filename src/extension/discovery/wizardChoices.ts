/**
 * Pick lists for the profile wizard when an account can discover (the signed-in Microsoft account,
 * or the local sandbox while it runs): the vaults and the namespace / hub pairs Azure lists, offered
 * before the input box; "Type it…" (and any listing failure) falls back to typing, as before.
 * No `vscode` import: the wizard's steps stay testable in plain Node.
 */
import type { StepAnswer, StepFrame, WizardPrompter } from '../profiles/wizardPrompter';

export interface VaultChoice {
  readonly name: string;
  readonly vaultUrl: string;
  readonly detail?: string;
}

export interface HubChoice {
  readonly namespace: string;
  readonly eventHubName: string;
  readonly detail?: string;
}

/** What the wizard may offer; each loader is called when its step opens, and may fail (then: typing). */
export interface WizardChoices {
  readonly vaults?: () => Promise<readonly VaultChoice[]>;
  readonly hubs?: () => Promise<readonly HubChoice[]>;
}

export const TYPE_IT = 'Type it…';

/**
 * A pick among `items` (plus "Type it…") before the step's own input. Resolves `{ picked }` when
 * one was chosen, `'type'` to show the input box, or a back answer to pass on.
 */
export async function offerPicks<T>(
  prompter: WizardPrompter,
  frame: StepFrame,
  load: (() => Promise<readonly T[]>) | undefined,
  present: (item: T) => { label: string; description?: string; detail?: string },
  placeholder: string,
): Promise<{ picked: T } | 'type' | StepAnswer<unknown>> {
  if (!load) {
    return 'type';
  }
  let items: readonly T[];
  try {
    items = await load();
  } catch {
    return 'type';
  }
  if (items.length === 0) {
    return 'type';
  }
  const answer = await prompter.pick<T | undefined>({
    ...frame,
    placeholder,
    options: [...items.map((item) => ({ ...present(item), value: item })), { label: TYPE_IT, value: undefined }],
  });
  if (answer.kind === 'back') {
    return answer;
  }
  return answer.value === undefined ? 'type' : { picked: answer.value };
}
