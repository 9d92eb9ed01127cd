import type { ExtensionServices } from '../services';
import { promptForProfile } from '../profiles/wizardHost';

/** Add Profile…: the multi-step wizard, then SecretStorage. The tree shows the new profile. */
export async function addProfile(services: ExtensionServices, _node?: unknown): Promise<void> {
  const profile = await promptForProfile(services);
  await services.profiles.save(profile);
  services.logger.child('profiles').info(`Added profile ${profile.id}.`);
}
