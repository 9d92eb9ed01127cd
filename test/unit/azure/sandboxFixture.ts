// Starts the local sandbox for the Azure client tests, with the CA the test runner made (and
// that NODE_EXTRA_CA_CERTS trusts), or with a CA of its own when a test needs an untrusted one.
import type { Sandbox } from '../../../src/sandbox/types';
import type { AccessToken } from '../../../src/core/flow/types';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import { destinationOf } from '../../shared/destination';

export async function startTestSandbox(options: { ownCa?: boolean } = {}): Promise<Sandbox> {
  const { startSandbox, createCertificateAuthority } = await import('../../../src/sandbox/index');
  // Without `ca` the sandbox takes the runner's CA (ESF_SANDBOX_CA_DIR), which Node trusts.
  return startSandbox(options.ownCa ? { ca: createCertificateAuthority() } : {});
}

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
export const EVENT_HUBS_RESOURCE = 'https://eventhubs.azure.net';

/** Stage 1 the pipeline way: the reader's v1 token for Key Vault. */
export function keyVaultToken(sandbox: Sandbox, signal: AbortSignal = new AbortController().signal): Promise<AccessToken> {
  return requestClientCredentialsToken({
    authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost),
    tenantId: sandbox.world.tenantId,
    clientId: sandbox.world.reader.clientId,
    clientSecret: sandbox.world.reader.clientSecret,
    audience: KEY_VAULT_RESOURCE,
    endpointVersion: 'v1',
    signal,
    trustedCaPem: sandbox.caPem,
  });
}

/** Stage 4: the pipeline principal's v1 token for Event Hubs. */
export function eventHubsToken(sandbox: Sandbox, signal: AbortSignal = new AbortController().signal): Promise<AccessToken> {
  return requestClientCredentialsToken({
    authorityHost: sandbox.urls.authorityHost, destination: destinationOf(sandbox.urls.authorityHost),
    tenantId: sandbox.world.tenantId,
    clientId: sandbox.world.pipeline.clientId,
    clientSecret: sandbox.world.pipeline.clientSecret,
    audience: EVENT_HUBS_RESOURCE,
    endpointVersion: 'v1',
    signal,
    trustedCaPem: sandbox.caPem,
  });
}

export function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/** A signal that aborts on the next macrotask: the request is on its way by then. */
export function abortSoon(ms = 50): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms).unref();
  return controller.signal;
}
