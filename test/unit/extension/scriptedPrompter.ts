// A scripted WizardPrompter for the wizard tests: answers steps in order like a user at the quick
// input (a refused value is recorded and the next answer typed; Back and picks by label).
import assert from 'node:assert/strict';
import type { InputStep, PickStep, StepAnswer, WizardPrompter } from '../../../src/extension/profiles/wizardPrompter';

export type Answer = string | { pick: string } | { back: true };
export const BACK: Answer = { back: true };

export interface Shown {
  kind: 'input' | 'pick';
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  initialError?: string;
  labels?: string[];
  refused: string[];
  /** Accepted with a warning (e.g. the namespace root key). */
  warnings?: string[];
}

/** Answers steps in order like a user at the quick input; a refused value is recorded and the next answer typed. */
export function scripted(answers: Answer[]): WizardPrompter & { shown: Shown[] } {
  const queue = [...answers];
  const shown: Shown[] = [];
  const next = (what: string): Answer => {
    const a = queue.shift();
    if (a === undefined) {
      throw new Error(`no scripted answer for ${what}`);
    }
    return a;
  };
  return {
    shown,
    input(step: InputStep): Promise<StepAnswer<string>> {
      const record: Shown = { kind: 'input', title: step.title, step: step.step, totalSteps: step.totalSteps, prompt: step.prompt, value: step.value, placeholder: step.placeholder, password: step.password, initialError: step.initialError, refused: [] };
      shown.push(record);
      for (;;) {
        const a = next(step.prompt);
        if (typeof a === 'object' && 'back' in a) {
          return Promise.resolve({ kind: 'back' });
        }
        assert.ok(typeof a === 'string', `expected a typed answer for "${step.prompt}", got ${JSON.stringify(a)}`);
        // '' is Enter: a prefilled (non-secret) box submits what it shows.
        const typed = a === '' && !step.password ? (step.value ?? '') : a;
        const check = step.validate(typed);
        if (check?.severity === 'error') {
          record.refused.push(check.message);
          continue;
        }
        if (check?.severity === 'warning') {
          (record.warnings ??= []).push(check.message);
        }
        return Promise.resolve({ kind: 'value', value: typed });
      }
    },
    pick<T>(step: PickStep<T>): Promise<StepAnswer<T>> {
      shown.push({ kind: 'pick', title: step.title, step: step.step, totalSteps: step.totalSteps, prompt: step.placeholder, labels: step.options.map((o) => o.label), refused: [] });
      const a = next(step.placeholder);
      if (typeof a === 'object' && 'back' in a) {
        return Promise.resolve({ kind: 'back' });
      }
      const label = typeof a === 'string' ? a : 'pick' in a ? a.pick : '';
      const option = step.options.find((o) => o.label === label);
      assert.ok(option, `no option "${label}" in ${step.options.map((o) => o.label).join(', ')}`);
      return Promise.resolve({ kind: 'value', value: option.value });
    },
  };
}
