import type { ExtensionServices } from '../services';
import { SendPanel } from '../sendPanel/sendPanel';
import { profileIdOf } from './commandContext';

/**
 * Opens the send-event panel (one per window), preselecting the profile of the tree node it was
 * run on. With no node the panel opens on the last used profile; it has its own picker, so no prompt.
 */
export async function openSendPanel(services: ExtensionServices, node?: unknown): Promise<void> {
  SendPanel.show(services, profileIdOf(node));
  return Promise.resolve();
}
