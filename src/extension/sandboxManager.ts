import * as vscode from 'vscode';
import type { Logger } from '../core/logging/logger';
import type { Redactor } from '../core/logging/redact';
import type { ConnectionProfile } from '../core/model/profile';
import type { Sandbox } from '../sandbox/types';
import { setContext } from './contextKeys';
import type { ProfileStore, SandboxManager } from './services';

/** The sandbox profile's fixed id: restarting replaces it instead of piling up stale copies. */
export const SANDBOX_PROFILE_ID = 'local-sandbox';
export const SANDBOX_PROFILE_NAME = 'Local sandbox';

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
    const { startSandbox } = await import('../sandbox/index');
    const sandbox = await startSandbox();
    const { world } = sandbox;
    for (const secret of [world.reader.clientSecret, world.reader.clientId, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key]) {
      this.deps.redactor.add(secret);
    }
    try {
      await this.deps.profiles.save(sandboxProfile(sandbox));
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
    // Its ports and keys die with it: a stored copy would only point at nothing.
    await this.deps.profiles.delete(SANDBOX_PROFILE_ID).catch((error: unknown) => this.log.warn(`Could not remove the sandbox profile: ${String(error)}`));
    this.log.info('Stopped');
    await setContext('eventstreamFlow.sandboxRunning', false);
    this.changed.fire();
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
