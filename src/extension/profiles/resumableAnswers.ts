// The Add Profile wizard's answers, kept when it is dismissed half way (issue #11: Escape at step
// 6 of 16 lost everything typed), so the next Add Profile can open each step with them. Pure (no
// vscode); it wraps any WizardPrompter, so it works whatever the steps are.
import type { InputStep, PickStep, StepAnswer, WizardPrompter } from './wizardPrompter';

/** A connection string or SAS token typed into a visible box still holds a key: never kept. */
const HOLDS_A_KEY = /SharedAccessKey\s*=|SharedAccessSignature|[?&]sig=/i;

/**
 * Answers by step (an input box by its prompt, a pick by its placeholder): text as typed, a pick by
 * its label. Memory only, for this window; secrets are never kept (password boxes, and any text that
 * carries a key), so a resumed wizard asks for them again.
 */
export class ResumableAnswers {
  private readonly answers = new Map<string, string>();

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }

  clear(): void {
    this.answers.clear();
  }

  /**
   * A prompter that records every accepted answer and, with `resume`, opens each step with the
   * kept one (the user still confirms each step, and may change it).
   */
  wrap(inner: WizardPrompter, resume: boolean): WizardPrompter {
    return {
      input: async (step: InputStep): Promise<StepAnswer<string>> => {
        const key = `input:${step.prompt}`;
        const kept = resume && !step.password ? this.answers.get(key) : undefined;
        const answer = await inner.input(kept !== undefined ? { ...step, value: kept } : step);
        if (answer.kind === 'value') {
          if (step.password || HOLDS_A_KEY.test(answer.value)) {
            this.answers.delete(key);
          } else {
            this.answers.set(key, answer.value);
          }
        }
        return answer;
      },
      pick: async <T>(step: PickStep<T>): Promise<StepAnswer<T>> => {
        const key = `pick:${step.placeholder}`;
        const label = resume ? this.answers.get(key) : undefined;
        const option = label === undefined ? undefined : step.options.find((o) => o.label === label);
        const answer = await inner.pick(option ? { ...step, active: option.value } : step);
        if (answer.kind === 'value') {
          const picked = step.options.find((o) => o.value === answer.value);
          if (picked) {
            this.answers.set(key, picked.label);
          }
        }
        return answer;
      },
    };
  }
}
