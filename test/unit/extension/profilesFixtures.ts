// Shared by the profile tests: a valid profile, an in-memory SecretStorage and a capturing logger.
import { createLogger, type Logger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import type { KeyValueSecrets } from '../../../src/extension/profiles/profileCodec';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const READER_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const READER_SECRET = 'Abc8Q~reader.secret-value_0123456789xyz';
export const SAS_KEY = 'c2VjcmV0LXNhcy1rZXktdmFsdWUtMDEyMzQ1Njc4OQ==';
export const FABRIC_CS = `Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=key_5678efgh;SharedAccessKey=${SAS_KEY};EntityPath=es_9abc0def`;

export function sampleProfile(overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    id: 'p-1',
    name: 'Orders pipeline',
    cloud: 'public',
    keyVault: {
      vaultUrl: 'https://contoso-kv.vault.azure.net',
      auth: { kind: 'servicePrincipal', tenantId: TENANT, clientId: READER_CLIENT_ID, clientSecret: READER_SECRET, tokenRequest: 'pipeline' },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret' },
    },
    eventHubsToken: { tenantId: TENANT, endpointVersion: 'v1' },
    endpoint: { namespace: 'eventstream-1234abcd.servicebus.windows.net', eventHubName: 'es_9abc0def', auth: { kind: 'entra' }, protocol: 'rest' },
    ...overrides,
  };
}

/** SecretStorage in memory; `delayMs` makes every call yield, so concurrent writes interleave. */
export class MemorySecrets implements KeyValueSecrets {
  readonly map = new Map<string, string>();
  constructor(private readonly delayMs = 0) {}
  private async tick(): Promise<void> {
    if (this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * this.delayMs));
    }
  }
  async get(key: string): Promise<string | undefined> {
    await this.tick();
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    await this.tick();
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.tick();
    this.map.delete(key);
  }
}

export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ log: (level, message) => lines.push(`${level} ${message}`) }, new Redactor()), lines };
}
