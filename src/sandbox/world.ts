/**
 * The seeded demo world: one tenant, two service principals, a vault, an event hub.
 * Every identifier and secret is random per start; names are fixed so docs and tests can cite them.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { WorldRole, WorldSecretVersion, WorldState } from './internal';
import type { DemoWorld } from './types';

export const CLIENT_ID_SECRET_NAME = 'pipeline-client-id';
export const CLIENT_SECRET_SECRET_NAME = 'pipeline-client-secret';
export const DISABLED_SECRET_NAME = 'legacy-api-key';
export const EXPIRED_SECRET_NAME = 'old-storage-key';
export const EVENT_HUB_NAME = 'es_demo';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';

const DAY_S = 24 * 60 * 60;
const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[randomInt(alphabet.length)];
  }
  return out;
}

/** A client secret value as Entra shows it once: 40 characters with "8Q~" at positions 3–5. */
export function newClientSecretValue(): string {
  return `${randomFrom(SECRET_ALPHABET.slice(0, 62), 3)}8Q~${randomFrom(SECRET_ALPHABET, 34)}`;
}

export function newSecretVersionId(): string {
  return randomBytes(16).toString('hex');
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface App {
  displayName: string;
  secret: string;
  secretExpired: boolean;
  objectId: string;
}

export class World implements WorldState {
  readonly tenantId: string = randomUUID();
  /** The tenant's initial domain: Entra resolves it like the GUID. */
  readonly tenantDomain = TENANT_DOMAIN;
  readonly tenantDisplayName = 'Contoso';
  readonly subscriptionId: string = randomUUID();
  readonly resourceGroup = 'rg-eventstream-demo';
  readonly vaultName = `kv-esf-${randomBytes(2).toString('hex')}`;
  readonly region = 'westeurope';
  readonly apps = new Map<string, App>();
  readonly roles = new Map<string, Set<WorldRole>>();
  readonly secrets = new Map<string, WorldSecretVersion[]>();
  readonly eventHubName = EVENT_HUB_NAME;
  readonly partitionIds: readonly string[] = ['0', '1'];
  readonly sasRules = new Map<string, { key: string; rights: readonly ('Send' | 'Listen' | 'Manage')[] }>();
  readonly consumerGroups: readonly string[] = ['$Default', randomUUID()];
  readonly createdAt = new Date();
  readonly readerClientId: string = randomUUID();
  readonly pipelineClientId: string = randomUUID();
  readonly sasKeyName = `key_${randomBytes(4).toString('hex')}`;
  /** A policy a consumer would use: Listen only, so a send with it lacks the 'Send' claim. */
  readonly listenOnlyKeyName = `listen_${randomBytes(4).toString('hex')}`;

  constructor() {
    this.apps.set(this.readerClientId, { displayName: 'esf-vault-reader', secret: newClientSecretValue(), secretExpired: false, objectId: randomUUID() });
    this.apps.set(this.pipelineClientId, { displayName: 'esf-pipeline', secret: newClientSecretValue(), secretExpired: false, objectId: randomUUID() });
    this.roles.set(this.readerClientId, new Set<WorldRole>(['Key Vault Secrets User']));
    // Like Contributor on a Fabric workspace: the pipeline principal may send and read back.
    this.roles.set(this.pipelineClientId, new Set<WorldRole>(['Azure Event Hubs Data Sender', 'Azure Event Hubs Data Receiver']));

    const now = nowSeconds();
    const pipelineApp = this.app(this.pipelineClientId);
    this.secrets.set(CLIENT_ID_SECRET_NAME, [
      version(this.pipelineClientId, now - 90 * DAY_S, { contentType: 'text/plain' }),
      version(this.pipelineClientId, now - 30 * DAY_S, { contentType: 'text/plain', tags: { app: 'esf-pipeline' } }),
    ]);
    // The older version is a rotated-out secret: reading it by version yields a value Entra rejects.
    this.secrets.set(CLIENT_SECRET_SECRET_NAME, [
      version(newClientSecretValue(), now - 90 * DAY_S, { expires: now + 90 * DAY_S }),
      version(pipelineApp.secret, now - 30 * DAY_S, { expires: now + 150 * DAY_S, tags: { app: 'esf-pipeline' } }),
    ]);
    this.secrets.set(DISABLED_SECRET_NAME, [version(randomBytes(24).toString('base64'), now - 200 * DAY_S, { enabled: false })]);
    this.secrets.set(EXPIRED_SECRET_NAME, [version(randomBytes(32).toString('base64'), now - 400 * DAY_S, { expires: now - 10 * DAY_S })]);

    this.sasRules.set(this.sasKeyName, { key: randomBytes(32).toString('base64'), rights: ['Send', 'Listen'] });
    this.sasRules.set(this.listenOnlyKeyName, { key: randomBytes(32).toString('base64'), rights: ['Listen'] });
  }

  /** The public view; reads live state, so mutators show through. */
  demo(): DemoWorld {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters below read the live world
    const world = this;
    return {
      tenantId: world.tenantId,
      get reader() {
        return { clientId: world.readerClientId, clientSecret: world.app(world.readerClientId).secret };
      },
      get pipeline() {
        return { clientId: world.pipelineClientId, clientSecret: world.app(world.pipelineClientId).secret };
      },
      secrets: { clientIdName: CLIENT_ID_SECRET_NAME, clientSecretName: CLIENT_SECRET_SECRET_NAME },
      eventHubName: world.eventHubName,
      get sas() {
        const rule = world.sasRules.get(world.sasKeyName);
        return { keyName: world.sasKeyName, key: rule?.key ?? '' };
      },
      get listenOnlySas() {
        return { keyName: world.listenOnlyKeyName, key: world.sasRules.get(world.listenOnlyKeyName)?.key ?? '' };
      },
      partitionIds: world.partitionIds,
      consumerGroups: world.consumerGroups,
    };
  }

  app(clientId: string): App {
    const app = this.apps.get(clientId);
    if (!app) {
      throw new Error(`No app ${clientId} in the sandbox world.`);
    }
    return app;
  }

  /** The tenant GUID a path segment names (GUID or domain, case-insensitive), if it is this world's. */
  resolveTenant(segment: string): string | undefined {
    const lower = segment.toLowerCase();
    return lower === this.tenantId || lower === this.tenantDomain ? this.tenantId : undefined;
  }

  hasRole(clientId: string, role: WorldRole): boolean {
    return this.roles.get(clientId)?.has(role) ?? false;
  }

  // --- Mutators for tests and faults -------------------------------------------------------

  /** Adds a new (latest) version of a secret, creating the secret if needed; returns the version id. */
  setSecretValue(name: string, value: string, options: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; notBefore?: number; expires?: number } = {}): string {
    const created = version(value, nowSeconds(), options);
    const versions = this.secrets.get(name) ?? [];
    versions.push(created);
    this.secrets.set(name, versions);
    return created.version;
  }

  /** Disables one version, or every version when none is given. */
  setSecretEnabled(name: string, enabled: boolean, versionId?: string): void {
    for (const entry of this.versionsOf(name)) {
      if (versionId === undefined || entry.version === versionId) {
        entry.enabled = enabled;
        entry.updated = nowSeconds();
      }
    }
  }

  disableSecret(name: string, versionId?: string): void {
    this.setSecretEnabled(name, false, versionId);
  }

  /** Sets the latest version's expiry to the past (or to `expires`, unix seconds). */
  expireSecret(name: string, expires = nowSeconds() - DAY_S): void {
    const latest = this.versionsOf(name).at(-1);
    if (latest) {
      latest.expires = expires;
      latest.updated = nowSeconds();
    }
  }

  deleteSecret(name: string): void {
    this.secrets.delete(name);
  }

  /** Marks an app's client secret expired (Entra answers AADSTS7000222) or valid again. */
  expireAppSecret(clientId: string, expired = true): void {
    this.app(clientId).secretExpired = expired;
  }

  /** Gives an app a new client secret value (the old one stops working) and returns it. */
  rotateAppSecret(clientId: string): string {
    const app = this.app(clientId);
    app.secret = newClientSecretValue();
    app.secretExpired = false;
    return app.secret;
  }

  removeApp(clientId: string): void {
    this.apps.delete(clientId);
    this.roles.delete(clientId);
  }

  addRole(clientId: string, role: WorldRole): void {
    const roles = this.roles.get(clientId) ?? new Set<WorldRole>();
    roles.add(role);
    this.roles.set(clientId, roles);
  }

  removeRole(clientId: string, role: WorldRole): void {
    this.roles.get(clientId)?.delete(role);
  }

  private versionsOf(name: string): WorldSecretVersion[] {
    const versions = this.secrets.get(name);
    if (!versions) {
      throw new Error(`No secret ${name} in the sandbox vault.`);
    }
    return versions;
  }
}

function version(
  value: string,
  created: number,
  options: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; notBefore?: number; expires?: number } = {},
): WorldSecretVersion {
  return {
    version: newSecretVersionId(),
    value,
    enabled: options.enabled ?? true,
    created,
    updated: created,
    ...(options.notBefore !== undefined ? { notBefore: options.notBefore } : {}),
    ...(options.expires !== undefined ? { expires: options.expires } : {}),
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.tags !== undefined ? { tags: { ...options.tags } } : {}),
  };
}
