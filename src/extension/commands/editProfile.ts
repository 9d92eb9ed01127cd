import type { ExtensionServices } from '../services';
import { resolveProfile } from '../profiles/commandSupport';
import { forgetCachedTokens, promptForProfile } from '../profiles/wizardHost';

/** Edit Profile…: the Add wizard prefilled; secrets are never shown, and Enter keeps them. */
export async function editProfile(services: ExtensionServices, node?: unknown): Promise<void> {
  const existing = await resolveProfile(services, node, 'Choose a profile to edit');
  const profile = await promptForProfile(services, existing);
  await services.profiles.save(profile);
  // Tokens cached for the old credentials or tenant must not answer for the new ones.
  forgetCachedTokens(services);
  services.logger.child('profiles').info(`Edited profile ${profile.id}.`);
}
