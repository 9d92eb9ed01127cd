/**
 * The ranges of the numbers a person types: CLI options and the extension's fields read them from
 * here, so a bound and its wording are stated once. No vscode import.
 */
import { ValidationError } from '../errors/errors';

/** An inclusive range of whole numbers, what it counts, and the value used when none is given. */
export interface WholeNumberRange {
  readonly min: number;
  readonly max: number;
  /** e.g. "seconds": the fix reads "a whole number of seconds from 1 to 600". */
  readonly unit?: string;
  readonly default?: number;
}

/**
 * Events in one send. Sends stream (memory does not grow with the count); the bound keeps a typo
 * (1e9, an extra zero) from starting hours of traffic: a load run is --rate × --duration instead.
 */
export const EVENT_COUNT = { min: 1, max: 1_000_000, default: 1 } as const satisfies WholeNumberRange;

/** Load mode: events per second (Event Hubs Standard ingests 1,000 events/s per throughput unit). */
export const SEND_RATE = { min: 1, max: 100_000, unit: 'events per second' } as const satisfies WholeNumberRange;

/** Load mode: how long to keep the rate (up to an hour). */
export const SEND_DURATION_SECONDS = { min: 1, max: 3600, unit: 'seconds', default: 10 } as const satisfies WholeNumberRange;

/** Each stage's timeout (the extension's `eventstreamFlow.stageTimeoutSeconds` has the same range). */
export const STAGE_TIMEOUT_SECONDS = { min: 1, max: 600, unit: 'seconds', default: 30 } as const satisfies WholeNumberRange;

/** How long a read back waits for the sent event. */
export const READ_BACK_TIMEOUT_SECONDS = { min: 1, max: 600, unit: 'seconds', default: 30 } as const satisfies WholeNumberRange;

/** The window in which a secret's expiry is warned about; 0 warns only once expired. */
export const EXPIRY_WARNING_DAYS = { min: 0, max: 3650, unit: 'days', default: 30 } as const satisfies WholeNumberRange;

/** How a value of `range` is asked for, e.g. "Give a whole number of seconds from 1 to 600 (default 30)." */
export function rangeFix(range: WholeNumberRange): string {
  const unit = range.unit ? ` of ${range.unit}` : '';
  const fallback = range.default !== undefined ? ` (default ${grouped(range.default)})` : '';
  return `Give a whole number${unit} from ${grouped(range.min)} to ${grouped(range.max)}${fallback}.`;
}

/**
 * A whole number written in decimal digits (an optional minus sign, no spaces, exponent, fraction,
 * hex or trailing text) within `range`; anything else is refused, naming `field`, the value and the range.
 */
export function parseWholeNumber(text: string, field: string, range: WholeNumberRange): number {
  if (!/^-?\d+$/.test(text)) {
    const problem = text === '' ? 'is empty.' : `is '${shorten(text)}', not a whole number in plain digits.`;
    throw new ValidationError(field, problem, rangeFix(range));
  }
  return checkWholeNumber(Number(text), field, range, text);
}

/** A number (e.g. from a form) that must be whole and within `range`; refused with the wording of `parseWholeNumber`. */
export function checkWholeNumber(value: number, field: string, range: WholeNumberRange, typed: string = String(value)): number {
  if (!Number.isInteger(value)) {
    throw new ValidationError(field, `is ${shorten(typed)}, not a whole number.`, rangeFix(range));
  }
  if (value < range.min || value > range.max) {
    throw new ValidationError(field, `is ${shorten(typed)}.`, rangeFix(range));
  }
  return value;
}

/** 10000000 → "10,000,000" (fixed, so the wording does not depend on the machine's locale). */
function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
