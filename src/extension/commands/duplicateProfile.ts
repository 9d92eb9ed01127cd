import { randomUUID } from 'node:crypto';
import type { ExtensionServices } from '../services';
import { resolveProfile } from '../profiles/commandSupport';
import { uniqueName } from '../profiles/profileCodec';

/** Duplicate Profile: a copy with a new id, named "X (copy)" (or "X (copy) (2)"…), secrets included. */
export async function duplicateProfile(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to duplicate');
  const names = (await services.profiles.list()).map((p) => p.name);
  const copy = { ...profile, id: randomUUID(), name: uniqueName(`${profile.name} (copy)`, names) };
  await services.profiles.save(copy);
  services.logger.child('profiles').info(`Duplicated profile ${profile.id} as ${copy.id}.`);
}
