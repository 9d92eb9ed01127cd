import { CancelledError } from '../../core/errors/errors';
import type { ExtensionServices } from '../services';
import { resolveProfileId } from './commandContext';

// Delete Profile.
const DELETE = 'Delete';

/** Delete Profile: after a modal confirmation, the profile and every secret in it leave SecretStorage. */
export async function deleteProfile(services: ExtensionServices, node?: unknown): Promise<void> {
  const id = await resolveProfileId(services, node, 'Choose a profile to delete');
  if (id === undefined) {
    throw new CancelledError();
  }
  // Also works for an entry that cannot be read any more (the list skips it, the id still deletes it).
  const name = (await services.profiles.list()).find((p) => p.id === id)?.name ?? id;
  const answer = await services.input.showWarningMessage(
    `Delete the profile "${name}"?`,
    { modal: true, detail: 'Its stored client secret, SAS key or connection string are deleted with it. Secrets in Key Vault are not touched.' },
    DELETE,
  );
  if (answer !== DELETE) {
    throw new CancelledError();
  }
  await services.profiles.delete(id);
  services.logger.child('profiles').info(`Deleted profile ${id}.`);
}
