import type { ExtensionServices } from '../services';

/** Reloads profiles and, when expanded again, the vault listing and the partitions. */
export function refresh(services: ExtensionServices, node?: unknown): Promise<void> {
  services.tree.refresh(node);
  return Promise.resolve();
}
