import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../core/logging/logger';
import type { Redactor } from '../core/logging/redact';
import type { ConnectionProfile } from '../core/model/profile';
import type { Sandbox } from '../sandbox/types';
import { setContext } from './contextKeys';
import { isSandboxLeftover, SANDBOX_PROFILE_ID, SANDBOX_PROFILE_NAME } from './profiles/sandboxProfileId';
import { resultsFingerprint } from './resultFreshness';
import type { ProfileStore, SandboxManager } from './services';

export { SANDBOX_PROFILE_ID, SANDBOX_PROFILE_NAME } from './profiles/sandboxProfileId';

/**
 * The local sandbox inside the extension host, loaded on first use (`await import`). The extension
 * host cannot set NODE_EXTRA_CA_CERTS for itself, so the profile carries the CA (`trustedCaPem`)
 * and uses AMQP over WebSockets, the one AMQP transport that takes a CA per connection.
 * A CA in ESF_SANDBOX_CA_DIR (made by the in-host test runner) is reused by `startSandbox`.
 */
export class ExtensionSandboxManager implements SandboxManager, vscode.Disposable {
  private sandbox: Sandbox | undefined;
  private starting: Promise<{ sandbox: Sandbox; profileId: string }> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly log: Logger;
  /** The profile as this manager last saved it (memory only): tells a user's edits from its own. */
  private savedPrint: string | undefined;

  constructor(private readonly deps: { readonly profiles: ProfileStore; readonly redactor: Redactor; readonly logger: Logger }) {
    this.log = deps.logger.child('sandbox');
  }

  get current(): Sandbox | undefined {
    return this.sandbox;
  }

  start(): Promise<{ sandbox: Sandbox; profileId: string }> {
    if (this.sandbox) {
      return Promise.resolve({ sandbox: this.sandbox, profileId: SANDBOX_PROFILE_ID });
    }
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<{ sandbox: Sandbox; profileId: string }> {
    const started = Date.now();
    await this.keepForeignProfile();
    const { KEEP_RECEIVED_WHEN_LEFT_RUNNING, startSandbox } = await import('../sandbox/index');
    const sandbox = await startSandbox({ keepReceived: KEEP_RECEIVED_WHEN_LEFT_RUNNING });
    const { world } = sandbox;
    for (const secret of [world.reader.clientSecret, world.reader.clientId, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key]) {
      this.deps.redactor.add(secret);
    }
    try {
      const profile = sandboxProfile(sandbox);
      await this.deps.profiles.save(profile);
      // As stored (the store may put it in canonical form), so only someone's edit differs from it.
      const stored = await this.deps.profiles.get(SANDBOX_PROFILE_ID);
      this.savedPrint = resultsFingerprint(stored ?? profile);
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
    this.sandbox = sandbox;
    this.log.info(`Started in ${Date.now() - started} ms: Entra ${sandbox.urls.authorityHost}, Key Vault ${sandbox.urls.vaultUrl}, Event Hubs ${sandbox.urls.namespace}`);
    await setContext('eventstreamFlow.sandboxRunning', true);
    this.changed.fire();
    return { sandbox, profileId: SANDBOX_PROFILE_ID };
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const sandbox = this.sandbox;
    if (!sandbox) {
      return;
    }
    this.sandbox = undefined;
    await sandbox.stop();
    // The profile stays (the tree marks it stopped), with any edits made to it: its ports and keys
    // died with the peers, so the next start gives it new ones (asking first if it was edited).
    this.log.info('Stopped');
    await setContext('eventstreamFlow.sandboxRunning', false);
    this.changed.fire();
  }

  /**
   * The stored sandbox profile, when it differs from what this manager saved (someone edited it),
   * so a start would replace those edits. Undefined when it is the manager's own or absent.
   */
  async editedProfile(): Promise<ConnectionProfile | undefined> {
    const existing = await this.deps.profiles.get(SANDBOX_PROFILE_ID);
    if (!existing || this.savedPrint === undefined || !isSandboxLeftover(existing)) {
      return undefined;
    }
    return resultsFingerprint(existing) === this.savedPrint && existing.name === SANDBOX_PROFILE_NAME ? undefined : existing;
  }

  /**
   * The sandbox's id is reserved (imports never keep it), but a profile stored under it before
   * that rule (an import of an exported sandbox profile, since edited) is someone's: it moves to a
   * fresh id before the sandbox saves its own, so the start does not replace it and the stop does
   * not delete it. A sandbox profile left behind (every host on this machine) is simply replaced.
   * If the move fails, the start fails: nothing is overwritten.
   */
  private async keepForeignProfile(): Promise<void> {
    const existing = await this.deps.profiles.get(SANDBOX_PROFILE_ID);
    if (!existing || isSandboxLeftover(existing)) {
      return;
    }
    const moved: ConnectionProfile = { ...existing, id: randomUUID() };
    await this.deps.profiles.save(moved);
    this.log.warn(`The profile "${existing.name}" had the id ${SANDBOX_PROFILE_ID}, which the sandbox reserves for its own profile; it now has the id ${moved.id}.`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The sandbox's demo profile, made to work in an extension host (see the class comment). */
export function sandboxProfile(sandbox: Sandbox): ConnectionProfile {
  const base = sandbox.profile({ id: SANDBOX_PROFILE_ID, name: SANDBOX_PROFILE_NAME });
  return { ...base, trustedCaPem: sandbox.caPem, endpoint: { ...base.endpoint, amqpTransport: 'websockets' } };
}
