// Shared set-up for the Event Hubs peer tests: one sandbox per test file, tokens minted by the
// sandbox's issuer (so tests can make them wrong on purpose) and SAS tokens made from the spec.
import { createHmac } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { sandboxInternals, startSandbox, type SandboxInternals } from '../../../src/sandbox/index';
import type { AccessTokenClaims } from '../../../src/sandbox/internal';
import type { Sandbox } from '../../../src/sandbox/types';

export interface EventHubsFixture {
  readonly sandbox: Sandbox;
  readonly internals: SandboxInternals;
  /** localhost:PORT (TLS: AMQP, WebSockets, REST). */
  readonly namespace: string;
  readonly hub: string;
}

export async function startFixture(): Promise<EventHubsFixture> {
  const sandbox = await startSandbox();
  return { sandbox, internals: sandboxInternals(sandbox), namespace: sandbox.urls.namespace, hub: sandbox.world.eventHubName };
}

/** A JWT as the Entra peer would issue it for the pipeline principal, with overrides. */
export function jwt(fx: EventHubsFixture, overrides: Partial<AccessTokenClaims> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const tenant = fx.sandbox.world.tenantId;
  const appid = overrides.appid ?? fx.sandbox.world.pipeline.clientId;
  return fx.internals.issuer.sign({
    aud: 'https://eventhubs.azure.net/',
    iss: `https://sts.windows.net/${tenant}/`,
    tid: tenant,
    appid,
    oid: appid,
    sub: appid,
    iat: now,
    nbf: now,
    exp: now + 3600,
    ver: '1.0',
    ...overrides,
  });
}

/** A TokenCredential that hands out `jwt(fx, overrides)`. */
export function staticCredential(fx: EventHubsFixture, overrides: Partial<AccessTokenClaims> = {}): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> => Promise.resolve({ token: jwt(fx, overrides), expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

/** `SharedAccessSignature sr=…&sig=…&se=…&skn=…` (wire facts §5.1), written here independently of src/core. */
export function sasToken(resource: string, keyName: string, key: string, expiresInSeconds = 3600): string {
  const sr = encodeURIComponent(resource);
  const se = String(Math.floor(Date.now() / 1000) + expiresInSeconds);
  const sig = createHmac('sha256', key).update(`${sr}\n${se}`, 'utf8').digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}

/** Retry options that make failures surface at once. */
export const NO_RETRY = { maxRetries: 0, timeoutInMs: 5000 } as const;
