import type { ExtensionServices } from '../services';

// Show Log.
export function showLog(services: ExtensionServices): Promise<void> {
  services.log.show(true);
  return Promise.resolve();
}
