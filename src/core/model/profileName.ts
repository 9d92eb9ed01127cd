// The bounds of a profile name, wherever one is accepted (files, imports, the wizard, rename). No vscode import.
import { fail, ok, type Validated } from './validated';

export const PROFILE_NAME_MAX_LENGTH = 100;

/**
 * Control characters, line and paragraph separators and bidirectional overrides: a name is shown
 * in a tree row, a status bar, a terminal line and a notification, where these would break the
 * line or reorder what is shown.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** 1–100 characters after trimming, none of them unprintable. Never quotes a long name whole. */
export function validateProfileName(input: string, field = 'name'): Validated<string> {
  const name = input.trim();
  if (!name) {
    return fail(field, 'is empty.', 'Give the profile a name, e.g. the pipeline it mirrors.');
  }
  if (name.length > PROFILE_NAME_MAX_LENGTH) {
    return fail(field, `is ${name.length.toLocaleString('en-US')} characters long ("${name.slice(0, 30)}…").`, `Use at most ${PROFILE_NAME_MAX_LENGTH} characters.`);
  }
  if (UNPRINTABLE.test(name)) {
    return fail(field, 'contains a control character, line break or text-direction override.', 'Use a name of printable characters on one line.');
  }
  return ok(name);
}
