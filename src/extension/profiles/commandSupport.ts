import { CancelledError, ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { resolveProfileId } from '../commands/commandContext';
import type { ExtensionServices } from '../services';

/** The profile a command acts on (from the node, or picked); a dismissed pick is a cancel. */
export async function resolveProfile(services: ExtensionServices, node: unknown, placeHolder: string): Promise<ConnectionProfile> {
  const id = await resolveProfileId(services, node, placeHolder);
  if (id === undefined) {
    throw new CancelledError();
  }
  const profile = await services.profiles.get(id);
  if (!profile) {
    throw new ValidationError('profile', 'no longer exists or cannot be read (deleted in another window?).', 'Refresh the Profiles view; the log says why an entry was skipped.');
  }
  return profile;
}

/** `validateInput` text for a ValidationError, without the field path (the box's title names it). */
export function inputMessage(label: string, error: ValidationError | undefined): string | undefined {
  return error ? `${label} ${error.problem} ${error.fix}` : undefined;
}
