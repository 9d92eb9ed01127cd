import type { ExtensionServices } from '../services';

/** Stops the local peers and removes the sandbox profile (its ports and keys die with it). */
export async function stopSandbox(services: ExtensionServices): Promise<void> {
  await services.sandbox.stop();
}
