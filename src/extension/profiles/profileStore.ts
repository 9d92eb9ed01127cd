import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import type { ConnectionProfile } from '../../core/model/profile';
import type { ProfileStore } from '../services';
import { isProfileStorageKey, ProfileRepository } from './profileCodec';

/** Changes from other windows arrive as one SecretStorage event per key: refresh once per burst. */
const EXTERNAL_CHANGE_DEBOUNCE_MS = 50;

/** A `ProfileStore` that is also disposable (the composition root pushes it into subscriptions). */
export interface DisposableProfileStore extends ProfileStore, vscode.Disposable {}

/**
 * Profiles, whole, in `context.secrets` (never settings or globalState): one entry per profile
 * plus an index of ids and names. The logic lives in `ProfileRepository` (plain-Node tested).
 */
export function createProfileStore(secrets: vscode.SecretStorage, logger: Logger): DisposableProfileStore {
  const log = logger.child('profiles');
  const emitter = new vscode.EventEmitter<void>();
  const repository = new ProfileRepository(secrets, { logger: log, onDidWrite: () => emitter.fire() });

  let pending: ReturnType<typeof setTimeout> | undefined;
  const external = secrets.onDidChange((event) => {
    if (!isProfileStorageKey(event.key)) {
      return;
    }
    // Our own writes raise this too; the extra refresh is harmless, and debounced.
    if (pending === undefined) {
      pending = setTimeout(() => {
        pending = undefined;
        emitter.fire();
      }, EXTERNAL_CHANGE_DEBOUNCE_MS);
    }
  });

  return {
    list: () => repository.list(),
    get: (id: string) => repository.get(id),
    save: (profile: ConnectionProfile) => repository.save(profile),
    delete: (id: string) => repository.delete(id),
    clear: async () => {
      const count = await repository.clear();
      log.info(`Cleared ${count} stored profile(s) and the profile index.`);
    },
    onDidChange: emitter.event,
    dispose: () => {
      if (pending !== undefined) {
        clearTimeout(pending);
      }
      external.dispose();
      emitter.dispose();
    },
  };
}
