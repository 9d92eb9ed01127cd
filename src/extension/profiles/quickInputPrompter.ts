import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import type { InputStep, PickStep, StepAnswer, StepCheck, WizardPrompter } from './wizardPrompter';

/**
 * The wizard in VS Code's own multi-step quick input (after the quickinput-sample): a title, a
 * "Step n of m" counter, a back button from step 2 on, and validation shown under the box while
 * typing. A refused value stays in the box, so nothing typed is lost.
 */
export function createQuickInputPrompter(): WizardPrompter {
  return { input: showInput, pick: showPick };
}

function showInput(step: InputStep): Promise<StepAnswer<string>> {
  const box = vscode.window.createInputBox();
  box.title = step.title;
  box.step = step.step;
  box.totalSteps = step.totalSteps;
  box.prompt = step.prompt;
  box.value = step.value ?? '';
  box.placeholder = step.placeholder;
  box.password = step.password === true;
  box.ignoreFocusOut = true;
  box.buttons = step.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  if (step.initialError) {
    box.validationMessage = { message: step.initialError, severity: vscode.InputBoxValidationSeverity.Error };
  }
  return run<string>(box, (resolve) => [
    box.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        resolve({ kind: 'back' });
      }
    }),
    box.onDidChangeValue((value) => {
      // An empty box is not an error until Enter: do not greet the user with "is empty".
      box.validationMessage = value ? toMessage(step.validate(value)) : undefined;
    }),
    box.onDidAccept(() => {
      const check = step.validate(box.value);
      box.validationMessage = toMessage(check);
      if (check?.severity !== 'error') {
        resolve({ kind: 'value', value: box.value });
      }
    }),
  ]);
}

interface OptionItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

function showPick<T>(step: PickStep<T>): Promise<StepAnswer<T>> {
  const pick = vscode.window.createQuickPick<OptionItem<T>>();
  pick.title = step.title;
  pick.step = step.step;
  pick.totalSteps = step.totalSteps;
  pick.placeholder = step.placeholder;
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  pick.buttons = step.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  const items = step.options.map((o): OptionItem<T> => ({ label: o.label, description: o.description, detail: o.detail, value: o.value }));
  pick.items = items;
  const active = items.find((i) => i.value === step.active);
  if (active) {
    pick.activeItems = [active];
  }
  return run<T>(pick, (resolve) => [
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        resolve({ kind: 'back' });
      }
    }),
    pick.onDidAccept(() => {
      const selected = pick.selectedItems[0] ?? pick.activeItems[0];
      if (selected) {
        resolve({ kind: 'value', value: selected.value });
      }
    }),
  ]);
}

/** Shows `input` until an answer; hiding it (Escape, focus elsewhere) cancels the wizard. */
function run<T>(input: vscode.QuickInput, listen: (resolve: (answer: StepAnswer<T>) => void) => vscode.Disposable[]): Promise<StepAnswer<T>> {
  const disposables: vscode.Disposable[] = [];
  let settled = false;
  return new Promise<StepAnswer<T>>((resolve, reject) => {
    const finish = (answer: StepAnswer<T>): void => {
      settled = true; // disposing hides the input: that is not a cancel
      resolve(answer);
    };
    disposables.push(
      ...listen(finish),
      input.onDidHide(() => {
        if (!settled) {
          settled = true;
          reject(new CancelledError());
        }
      }),
    );
    input.show();
  }).finally(() => {
    for (const d of disposables) {
      d.dispose();
    }
    input.dispose();
  });
}

function toMessage(check: StepCheck): vscode.InputBoxValidationMessage | undefined {
  if (!check) {
    return undefined;
  }
  const severity = { error: vscode.InputBoxValidationSeverity.Error, warning: vscode.InputBoxValidationSeverity.Warning, info: vscode.InputBoxValidationSeverity.Info }[check.severity];
  return { message: check.message, severity };
}
