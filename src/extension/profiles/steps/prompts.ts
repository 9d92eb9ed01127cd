// The prompt helpers every wizard step is written with (Add/Edit Profile, Configure Read Back):
// one input box (and one checked and normalised by a core validator), one password box that can keep
// a stored secret unseen, one pick list, and the checks that turn a core validator's answer into the
// box's message.
import { parseConnectionString, type ParsedConnectionString } from '../../../core/azure/connectionString';
import { formatAdvisory, type PrivilegeAdvisory } from '../../../core/diagnostics/leastPrivilege';
import { isValidationError, type ValidationError } from '../../../core/errors/errors';
import type { CloudName } from '../../../core/model/cloud';
import { validateNamespace, type Validated } from '../../../core/model/validate';
import type { StepAnswer, StepCheck, StepFrame, WizardPrompter } from '../wizardPrompter';

/** Shown in a secret's empty box on edit; Enter keeps the stored value. */
export const KEEP_SECRET_PLACEHOLDER = '(unchanged — press Enter to keep)';
export const PASTED_SECRET_PLACEHOLDER = '(from the pasted connection string — press Enter to use it)';

export function checkConnectionString(text: string, cloud: CloudName): StepCheck {
  let parsed: ParsedConnectionString;
  try {
    parsed = parseConnectionString(text);
  } catch (e) {
    if (isValidationError(e)) {
      return error('The connection string', e);
    }
    throw e;
  }
  return check('The connection string’s namespace', validateNamespace(parsed.namespace, cloud));
}

/** A key broader than sending needs is accepted, with a warning naming the smaller one that is enough. */
export function leastPrivilege(advisory: PrivilegeAdvisory | undefined, prefix = ''): StepCheck {
  return advisory ? { severity: 'warning', message: `${prefix}${formatAdvisory(advisory)}` } : undefined;
}

export function describeProblem(problem: ValidationError): string {
  return `${problem.problem} ${problem.fix}`;
}

export function error(label: string, problem: ValidationError): StepCheck {
  return { severity: 'error', message: `${label} ${problem.problem} ${problem.fix}` };
}

export function check<T>(label: string, result: Validated<T>): StepCheck {
  if (!result.ok) {
    return error(label, result.error);
  }
  return result.note ? { severity: 'info', message: result.note } : undefined;
}

export function valueOf(result: Validated<string>, fallback: string): string {
  return result.ok ? result.value : fallback.trim();
}

interface InputSpec {
  readonly prompt: string;
  readonly value: string;
  readonly placeholder: string;
  readonly validate: (value: string) => StepCheck;
  readonly set: (value: string) => void;
}

export async function input(prompter: WizardPrompter, frame: StepFrame, initialError: string | undefined, spec: InputSpec): Promise<StepAnswer<unknown>> {
  const answer = await prompter.input({
    ...frame,
    prompt: spec.prompt,
    value: spec.value,
    placeholder: spec.placeholder,
    validate: spec.validate,
    ...(initialError ? { initialError } : {}),
  });
  if (answer.kind === 'value') {
    spec.set(answer.value);
  }
  return answer;
}

/**
 * An input box checked by one core validator: its problem (or note) is the box's message, and its
 * normalised value is what `set` gets, so what is shown and what is stored cannot disagree.
 */
export function validatedInput(
  prompter: WizardPrompter,
  frame: StepFrame,
  initialError: string | undefined,
  spec: Omit<InputSpec, 'validate'> & { readonly label: string; readonly validator: (value: string) => Validated<string> },
): Promise<StepAnswer<unknown>> {
  return input(prompter, frame, initialError, {
    prompt: spec.prompt,
    value: spec.value,
    placeholder: spec.placeholder,
    validate: (v) => check(spec.label, spec.validator(v)),
    set: (v) => spec.set(valueOf(spec.validator(v), v)),
  });
}

interface SecretSpec {
  readonly prompt: string;
  /** What was typed earlier in this wizard run (shown again after Back: it is the user's own). */
  readonly typed: string;
  /** The stored (or pasted) value that an empty answer keeps; never displayed. */
  readonly fallback: string | undefined;
  readonly fallbackPlaceholder: string;
  readonly placeholder: string;
  readonly validate: (value: string) => StepCheck;
  readonly set: (value: string, usedFallback: boolean) => void;
}

/** A `password` box. Empty keeps `fallback` when there is one; the fallback is never put in the box. */
export async function secretInput(prompter: WizardPrompter, frame: StepFrame, initialError: string | undefined, spec: SecretSpec): Promise<StepAnswer<unknown>> {
  const fallback = spec.fallback;
  const answer = await prompter.input({
    ...frame,
    prompt: spec.prompt,
    value: spec.typed,
    password: true,
    placeholder: fallback ? spec.fallbackPlaceholder : spec.placeholder,
    validate: (v) => (fallback && v === '' ? undefined : spec.validate(v)),
    ...(initialError ? { initialError } : {}),
  });
  if (answer.kind === 'value') {
    const usedFallback = answer.value === '' && fallback !== undefined;
    spec.set(usedFallback ? fallback : answer.value, usedFallback);
  }
  return answer;
}

interface PickSpec<T> {
  readonly placeholder: string;
  readonly options: readonly { label: string; description?: string; detail?: string; value: T }[];
  readonly active: T;
  readonly set: (value: T) => void;
}

export async function pick<T>(prompter: WizardPrompter, frame: StepFrame, spec: PickSpec<T>): Promise<StepAnswer<unknown>> {
  const answer = await prompter.pick<T>({ ...frame, placeholder: spec.placeholder, options: spec.options, active: spec.active });
  if (answer.kind === 'value') {
    spec.set(answer.value);
  }
  return answer;
}
