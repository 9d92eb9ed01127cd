// The result type every field validator returns, and the helpers the validators share. No vscode import.
import { ValidationError } from '../errors/errors';

/**
 * Validators return a result instead of throwing: input boxes show `error.message`, `validateProfile`
 * collects every problem, and the CLI calls `valueOrThrow`. `value` is the normalised input;
 * `note` says what was changed (e.g. a `/secrets/x` path stripped from a vault URL).
 */
export type Validated<T> = { readonly ok: true; readonly value: T; readonly note?: string } | { readonly ok: false; readonly error: ValidationError };

export function valueOrThrow<T>(result: Validated<T>): T {
  if (!result.ok) {
    throw result.error;
  }
  return result.value;
}

export const ok = <T>(value: T, note?: string): Validated<T> => (note ? { ok: true, value, note } : { ok: true, value });
export const fail = <T>(field: string, problem: string, fix: string): Validated<T> => ({ ok: false, error: new ValidationError(field, problem, fix) });

/** The errors among `results`. */
export function problems(results: readonly Validated<unknown>[]): ValidationError[] {
  return results.flatMap((r) => (r.ok ? [] : [r.error]));
}

/** An unresolved template: Postman/pipeline `{{x}}`, ADF `@{pipeline()…}`, shell `${X}`, `<tenant>`. */
export function isPlaceholder(value: string): boolean {
  return /\{\{.*\}\}|@\{.*\}|\$\{.*\}|^<.*>$|^%.*%$/.test(value);
}

/** What a message may quote of a typed value: a pasted megabyte is never printed whole. */
export function clip(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
}
