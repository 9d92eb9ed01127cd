import type { ExtensionServices } from '../services';

/** What every command handler receives: the services and, from a tree or panel, the node it was run on. */
export type CommandHandler = (services: ExtensionServices, node?: unknown, ...args: unknown[]) => Promise<void>;

/** Tree nodes (and the panel) that belong to a profile carry its id. */
export interface HasProfileId {
  readonly profileId: string;
}

export function profileIdOf(node: unknown): string | undefined {
  if (typeof node === 'object' && node !== null && typeof (node as { profileId?: unknown }).profileId === 'string') {
    return (node as HasProfileId).profileId;
  }
  if (typeof node === 'string' && node.length > 0) {
    return node; // executeCommand(id, profileId) from tests and the walkthrough
  }
  return undefined;
}

/**
 * The profile a command acts on: the node's, the only one there is, or the user's pick.
 * Undefined when the user dismissed the pick (the wrapper treats that as a silent cancel).
 */
export async function resolveProfileId(services: ExtensionServices, node: unknown, placeHolder = 'Choose a profile'): Promise<string | undefined> {
  const fromNode = profileIdOf(node);
  if (fromNode) {
    return fromNode;
  }
  const profiles = await services.profiles.list();
  if (profiles.length === 0) {
    const started = await services.input.showWarningMessage('There is no profile yet.', { modal: false }, 'Add Profile', 'Try the Local Sandbox');
    if (started === 'Add Profile') {
      const { addProfile } = await import('./addProfile');
      await addProfile(services);
    } else if (started === 'Try the Local Sandbox') {
      return (await services.sandbox.start()).profileId;
    }
    return (await services.profiles.list())[0]?.id;
  }
  if (profiles.length === 1) {
    return profiles[0]?.id;
  }
  const picked = await services.input.showQuickPick(
    profiles.map((p) => ({ label: p.name, id: p.id })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.id;
}
