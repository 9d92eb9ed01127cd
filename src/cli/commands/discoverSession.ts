/**
 * Who `discover` asks as: a signed-in identity's token provider (Azure CLI or a service principal,
 * its secret from the environment or a hidden prompt), or the local sandbox, started for the command
 * unless one is handed in. Every secret it learns is added to the redactor first.
 */
import { createAzureCliTokenProvider } from '../../core/azure/credentials';
import { proxyFromEnvironment } from '../../core/azure/proxy';
import type { DiscoveryContext } from '../../core/discovery/rest';
import { sandboxReaderContext, servicePrincipalTokens } from '../../core/discovery/tokens';
import { ValidationError } from '../../core/errors/errors';
import type { TokenProvider } from '../../core/flow/credentials';
import type { Redactor } from '../../core/logging/redact';
import { CLOUDS } from '../../core/model/cloud';
import { SECRET_ENV } from '../profileSource';
import { promptHidden } from '../prompt';
import { attachedSandbox, type SandboxPeers } from '../sandboxHandle';
import type { DiscoverArgs } from './discoverArgs';
import type { CliIo } from './flow';

/** What a test (or an embedding) may hand in: a running sandbox to discover instead of starting one. */
export interface DiscoverDeps {
  readonly sandbox?: SandboxPeers;
  readonly signal?: AbortSignal;
}

export interface DiscoverSession {
  readonly context: DiscoveryContext;
  readonly fabricBase?: string;
  readonly armBase?: string;
  readonly sandbox?: SandboxPeers;
  /** True when the sandbox was started for this command (and stops with it). */
  readonly ownsSandbox?: boolean;
  stop(): Promise<void>;
}

export async function openSession(args: DiscoverArgs, io: CliIo, redactor: Redactor, deps: DiscoverDeps, signal: AbortSignal): Promise<DiscoverSession> {
  const proxy = proxyFromEnvironment(io.env);
  if (args.who.kind === 'sandbox') {
    // A sandbox handed in, the one `eventstream-flow sandbox` keeps running (EVENTSTREAM_FLOW_SANDBOX),
    // or one started for this command.
    let sandbox = deps.sandbox ?? (await attachedSandbox(io.env));
    let stopOwned: (() => Promise<void>) | undefined;
    if (!sandbox) {
      const { startSandbox } = await import('../../sandbox/index');
      const started = await startSandbox();
      stopOwned = () => started.stop();
      sandbox = started;
    }
    const { world, urls } = sandbox;
    // The reader's secret is added by sandboxReaderContext; these are the world's other secrets.
    for (const secret of [world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key, world.listenOnlySas.key]) {
      redactor.add(secret);
    }
    return {
      context: { ...sandboxReaderContext(sandbox, redactor), signal },
      fabricBase: urls.fabricApi,
      armBase: urls.resourceManager,
      sandbox,
      ownsSandbox: stopOwned !== undefined,
      stop: stopOwned ?? (() => Promise.resolve()),
    };
  }
  let tokens: TokenProvider;
  let tenantId: string | undefined;
  if (args.who.kind === 'azureCli') {
    tenantId = args.who.tenantId;
    tokens = createAzureCliTokenProvider(tenantId ? { tenantId } : {});
  } else {
    tenantId = args.who.tenantId;
    const secret = io.env[SECRET_ENV.clientSecret] || (process.stdin.isTTY ? await promptHidden('Service principal client secret: ') : '');
    if (!secret) {
      throw new ValidationError(SECRET_ENV.clientSecret, 'The service principal secret is not set.', `Set ${SECRET_ENV.clientSecret} in the environment (or run in a terminal to be prompted).`);
    }
    redactor.add(secret);
    const cloud = CLOUDS[args.cloud];
    tokens = servicePrincipalTokens({
      authorityHost: cloud.authorityHost,
      tenantId,
      clientId: args.who.clientId,
      clientSecret: secret,
      ...(proxy ? { proxy } : {}),
      destination: { credential: 'the client secret', field: '--cloud', hosts: [new URL(cloud.authorityHost).host, ...cloud.authorityAliases] },
    });
  }
  return { context: { tokens, ...(tenantId ? { tenantId } : {}), signal, ...(proxy ? { proxy } : {}) }, stop: () => Promise.resolve() };
}
