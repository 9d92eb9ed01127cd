/**
 * Readers of one option's value: whole numbers in their range, api-versions, NAME=VALUE pairs, faults;
 * and a sub-command's whole command line (discover, pipeline) read with parseArgs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StageId } from '../core/flow/types';
import { ValidationError } from '../core/errors/errors';
import { parseWholeNumber, type WholeNumberRange } from '../core/model/limits';
import { parseStage } from './stageNames';

/** A numeric option: a whole number in decimal digits within its range (see core/model/limits), or its default. */
export function wholeNumber(flag: string, text: string | undefined, range: WholeNumberRange & { readonly default: number }): number {
  return text === undefined ? range.default : parseWholeNumber(text, flag, range);
}

/** A Key Vault api-version for the pipeline's own GET, or `sdk` for @azure/keyvault-secrets. */
export function apiVersion(text: string): string {
  if (text !== 'sdk' && !/^(\d+\.\d+|\d{4}-\d{2}-\d{2}(-preview)?)$/.test(text)) {
    throw new ValidationError('--kv-api-version', `'${text}' is not a Key Vault api-version.`, 'Write e.g. --kv-api-version 7.0 (what Data Factory documents, the default), 7.6, or sdk for @azure/keyvault-secrets.');
  }
  return text;
}

export function pairs(flag: string, items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new ValidationError(flag, `'${item}' is not NAME=VALUE.`, `Write e.g. ${flag} site=Oslo.`);
    }
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

export function parseFault(text: string): { stage: StageId; kind: string } {
  const [stage, kind] = text.split(':');
  if (!stage || !kind) {
    throw new ValidationError('--fault', `'${text}' is not STAGE:KIND.`, 'Write e.g. --fault eh-token:invalidClientSecret.');
  }
  return { stage: parseStage(stage), kind };
}

/**
 * node:util parseArgs for a sub-command (strict, positionals allowed): its errors (unknown option,
 * missing value) are bad input (exit 2) under the command's name, with the first line of parseArgs'
 * message, which names the option, never a value that could be a secret, and `help` as the fix.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  help: string,
  argv: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ValidationError(command, (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'bad arguments', help);
  }
}
