import { CancelledError } from '../../core/errors/errors';
import type { ExtensionServices } from '../services';
import { inputMessage, resolveProfile } from '../profiles/commandSupport';
import { checkProfileName } from '../profiles/profileCodec';

/** Rename Profile…: one input box, refused while the name is empty or another profile's. */
export async function renameProfile(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to rename');
  const others = await services.profiles.list();
  const name = await services.input.showInputBox({
    title: `Rename Profile: ${profile.name}`,
    prompt: 'New name for the profile',
    value: profile.name,
    ignoreFocusOut: true,
    validateInput: (value) => inputMessage('The name', checkProfileName(value, others, profile.id)),
  });
  if (name === undefined) {
    throw new CancelledError();
  }
  // Scripted input skips validateInput: check again before storing.
  const problem = checkProfileName(name, others, profile.id);
  if (problem) {
    throw problem;
  }
  if (name.trim() !== profile.name) {
    await services.profiles.save({ ...profile, name: name.trim() });
  }
}
