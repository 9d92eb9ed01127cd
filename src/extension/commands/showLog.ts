import type { ExtensionServices } from '../services';

export function showLog(services: ExtensionServices): Promise<void> {
  services.log.show(true);
  return Promise.resolve();
}
