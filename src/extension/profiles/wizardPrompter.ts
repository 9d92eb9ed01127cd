// The prompts a multi-step wizard needs, without VS Code: the profile wizard is written against
// this, `quickInputPrompter.ts` shows it with VS Code's quick input (back button, step counter,
// inline validation), and `createUserInputPrompter` routes it through `UserInput` so that tests
// can script it. This module has no runtime dependency on `vscode` (plain-Node tested).
import { CancelledError } from '../../core/errors/errors';
import type { UserInput } from '../services';

/**
 * A check's verdict on a typed value: an error refuses it; a warning accepts it but says what is
 * unwise (e.g. the namespace root key); a note explains a normalisation.
 */
export type StepCheck = { readonly severity: 'error' | 'warning' | 'info'; readonly message: string } | undefined;

export interface StepFrame {
  readonly title: string;
  /** 1-based. */
  readonly step: number;
  readonly totalSteps: number;
}

export interface InputStep extends StepFrame {
  readonly prompt: string;
  readonly value?: string;
  readonly placeholder?: string;
  /** Typed characters are hidden (secrets). */
  readonly password?: boolean;
  readonly validate: (value: string) => StepCheck;
  /** Shown when the step opens: a problem found later (e.g. by whole-profile validation). */
  readonly initialError?: string;
}

export interface PickOption<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

export interface PickStep<T> extends StepFrame {
  readonly placeholder: string;
  readonly options: readonly PickOption<T>[];
  /** The option selected when the step opens (the current or default value). */
  readonly active?: T;
}

export type StepAnswer<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'back' };

/** Shows one step at a time. Dismissing (Escape) rejects with CancelledError. */
export interface WizardPrompter {
  input(step: InputStep): Promise<StepAnswer<string>>;
  pick<T>(step: PickStep<T>): Promise<StepAnswer<T>>;
}

/**
 * Answer this to any step driven through `UserInput` to go back one step: as an input box's text,
 * or as a quick pick's label (the item is listed from step 2 on, since `showQuickPick` has no buttons).
 */
export const WIZARD_BACK = '$(arrow-left) Back';

/** How often a scripted input box may be answered with a refused value before the wizard gives up. */
const MAX_REFUSALS = 3;

export function stepTitle(frame: StepFrame): string {
  return `${frame.title} (Step ${frame.step} of ${frame.totalSteps})`;
}

/**
 * The wizard over `UserInput` (`services.input`): each step is one `showInputBox`/`showQuickPick`
 * titled "<title> (Step n of m)", with `validateInput` and `password` set as in the quick input.
 * A refused answer re-asks the same step (what the quick input does on Enter) with the value kept.
 */
export function createUserInputPrompter(input: UserInput): WizardPrompter {
  return {
    async input(step: InputStep): Promise<StepAnswer<string>> {
      let value = step.value ?? '';
      let error = step.initialError;
      for (let attempt = 0; ; attempt++) {
        const answer = await input.showInputBox({
          title: stepTitle(step),
          prompt: error ? `${step.prompt} — ${error}` : step.prompt,
          value,
          ...(step.placeholder ? { placeHolder: step.placeholder } : {}),
          password: step.password === true,
          ignoreFocusOut: true,
          validateInput: (text: string) => toInputBoxMessage(step.validate(text)),
        });
        if (answer === undefined) {
          throw new CancelledError();
        }
        if (answer === WIZARD_BACK) {
          return { kind: 'back' };
        }
        const check = step.validate(answer);
        if (check?.severity !== 'error') {
          return { kind: 'value', value: answer };
        }
        if (attempt + 1 >= MAX_REFUSALS) {
          throw new Error(`${step.title}: ${check.message}`);
        }
        value = step.password ? '' : answer; // never echo a refused secret back
        error = check.message;
      }
    },

    async pick<T>(step: PickStep<T>): Promise<StepAnswer<T>> {
      // showQuickPick cannot preselect: the active option goes first.
      const ordered = [...step.options].sort((a, b) => Number(b.value === step.active) - Number(a.value === step.active));
      const items = ordered.map((o) => ({ label: o.label, ...(o.description ? { description: o.description } : {}), ...(o.detail ? { detail: o.detail } : {}) }));
      if (step.step > 1) {
        items.push({ label: WIZARD_BACK });
      }
      const picked = await input.showQuickPick(items, { title: stepTitle(step), placeHolder: step.placeholder, ignoreFocusOut: true });
      if (picked === undefined) {
        throw new CancelledError();
      }
      if (picked.label === WIZARD_BACK) {
        return { kind: 'back' };
      }
      const option = ordered[items.indexOf(picked)] ?? ordered.find((o) => o.label === picked.label);
      if (!option) {
        throw new Error(`${step.title}: "${picked.label}" is not one of the choices.`);
      }
      return { kind: 'value', value: option.value };
    },
  };
}

/** `vscode.InputBoxValidationMessage` without importing vscode (1 = Info, 2 = Warning, 3 = Error). */
function toInputBoxMessage(check: StepCheck): { message: string; severity: 1 | 2 | 3 } | undefined {
  return check ? { message: check.message, severity: check.severity === 'error' ? 3 : check.severity === 'warning' ? 2 : 1 } : undefined;
}

/** What a wizard's steps answer at the end: the result, or the step to reopen with a message. */
export type WizardOutcome<Id extends string, R> = { readonly done: R } | { readonly reopen: Id; readonly message: string };

export interface WizardRun<S extends { readonly id: Id }, Id extends string, R> {
  readonly title: string;
  /** Every step in order; inactive ones are skipped and not counted. */
  readonly steps: readonly S[];
  readonly isActive: (step: S) => boolean;
  readonly run: (step: S, frame: StepFrame, initialError: string | undefined) => Promise<StepAnswer<unknown>>;
  /** Called after the last step: the result, a step to reopen (its message shown), or throws. */
  readonly finish: () => WizardOutcome<Id, R>;
}

/**
 * Runs wizard steps with Back (to the step answered before), a step counter over the active steps,
 * and a final check that may reopen one step: after it is answered again the wizard goes straight
 * back to the end, every other answer kept. A reopened step that is not active fails loudly.
 */
export async function runWizard<S extends { readonly id: Id }, Id extends string, R>(wizard: WizardRun<S, Id, R>): Promise<R> {
  const { steps } = wizard;
  let at = 0;
  const history: number[] = [];
  let pending: { id: Id; message: string } | undefined;
  let resumeAtEnd = false;
  for (;;) {
    if (at >= steps.length) {
      const outcome = wizard.finish();
      if ('done' in outcome) {
        return outcome.done;
      }
      const index = steps.findIndex((s) => s.id === outcome.reopen && wizard.isActive(s));
      if (index < 0) {
        throw new Error(`The wizard cannot reopen the step '${outcome.reopen}': ${outcome.message}`);
      }
      pending = { id: outcome.reopen, message: outcome.message };
      at = index;
      resumeAtEnd = true;
      continue;
    }
    const step = steps[at] as S;
    if (!wizard.isActive(step)) {
      at++;
      continue;
    }
    const active = steps.filter((s) => wizard.isActive(s));
    const frame: StepFrame = { title: wizard.title, step: active.indexOf(step) + 1, totalSteps: active.length };
    const initialError = pending?.id === step.id ? pending.message : undefined;
    pending = undefined;
    const answer = await wizard.run(step, frame, initialError);
    if (answer.kind === 'back') {
      resumeAtEnd = false;
      at = history.pop() ?? 0;
      continue;
    }
    history.push(at);
    at = resumeAtEnd ? steps.length : at + 1;
    resumeAtEnd = false;
  }
}
