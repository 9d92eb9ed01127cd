import type { ExtensionServices } from '../services';

/**
 * Stops the local peers. The "Local sandbox" profile stays, marked stopped in the tree, with any
 * edits made to it; its results are cleared (they described peers that are gone) and the status bar
 * with them. Start Local Sandbox brings it back with the new peers' addresses and keys.
 */
export async function stopSandbox(services: ExtensionServices): Promise<void> {
  await services.sandbox.stop();
}
