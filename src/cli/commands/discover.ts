/**
 * `discover fabric|azure [--json]`: lists Fabric workspaces → eventstreams → custom endpoint sources
 * and destinations (with status), or Azure subscriptions → Key Vaults / Event Hubs namespaces → hubs.
 * `discover fabric --create-profile WORKSPACE/EVENTSTREAM/SOURCE --out FILE` writes a profile for that
 * custom endpoint whose keys are referenced through the environment, never written.
 *
 * This file runs the command and words its answer; its parts: discoverArgs (the command line),
 * discoverSession (who asks), discoverListing (what is listed), discoverProfile (--create-profile).
 *
 * Who asks: `--azure-cli` (az login), `--tenant T --client-id C` (a service principal; its secret from
 * EVENTSTREAM_FLOW_CLIENT_SECRET or a hidden prompt), or, with neither, the local sandbox.
 */
import { armService, fabricService } from '../../core/discovery/endpoints';
import { AzureDiscovery } from '../../core/discovery/arm';
import { FabricDiscovery } from '../../core/discovery/fabric';
import { explainError, formatExplainedError } from '../../core/errors/explain';
import { isCancelledError, isValidationError } from '../../core/errors/errors';
import { Redactor } from '../../core/logging/redact';
import { EXIT } from '../exitCodes';
import { SECRET_ENV } from '../profileSource';
import { DISCOVER_HELP, parseDiscoverArgs, type DiscoverArgs } from './discoverArgs';
import { azureText, fabricText, listAzure, listFabric } from './discoverListing';
import { createProfile } from './discoverProfile';
import { openSession, type DiscoverDeps, type DiscoverSession } from './discoverSession';
import type { CliIo } from './flow';

export { DISCOVER_HELP, parseDiscoverArgs, type DiscoverArgs } from './discoverArgs';
export type { DiscoverDeps } from './discoverSession';

export async function runDiscoverCommand(argv: readonly string[], io: CliIo, deps: DiscoverDeps = {}): Promise<number> {
  const redactor = new Redactor(Object.values(SECRET_ENV).map((name) => io.env[name]));
  let args: DiscoverArgs | 'help';
  try {
    args = parseDiscoverArgs(argv);
  } catch (error) {
    return report(error, io, redactor);
  }
  if (args === 'help') {
    io.stdout(DISCOVER_HELP);
    return EXIT.ok;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const external = deps.signal;
  external?.addEventListener('abort', onSignal, { once: true });
  process.once('SIGINT', onSignal);
  let session: DiscoverSession | undefined;
  try {
    session = await openSession(args, io, redactor, deps, controller.signal);
    const where = args.who.kind === 'sandbox' ? 'the local sandbox' : args.who.kind === 'azureCli' ? 'Azure CLI sign-in' : `service principal ${args.who.clientId}`;
    if (args.target === 'fabric') {
      const client = new FabricDiscovery(fabricService(args.cloud, session.fabricBase), session.context, (secret) => redactor.add(secret));
      if (args.createProfile) {
        const made = await createProfile(args, client, session);
        const envLines = [
          ...(made.profile.endpoint.auth.kind === 'sas' ? [`${SECRET_ENV.sasKey}: the source's key (Fabric: ${made.names[1]} → ${made.names[2]} → Keys)`] : []),
          ...(made.readBack ? [`${SECRET_ENV.readBackSasKey}: the destination's key (Fabric: ${made.names[1]} → ${made.names[3]} → Keys)`] : []),
          ...(made.profile.keyVault.auth.kind === 'servicePrincipal' ? [`${SECRET_ENV.clientSecret}: the Key Vault reader's client secret`] : []),
        ];
        if (args.json) {
          io.stdout(
            redactor.redactJson({
              type: 'profile',
              out: args.out,
              profile: made.profile.name,
              namespace: made.connection.namespace,
              eventHubName: made.connection.eventHubName,
              ...(made.readBack ? { readBack: { namespace: made.readBack.namespace, eventHubName: made.readBack.eventHubName, consumerGroup: made.readBack.consumerGroupName } } : {}),
              secretsFromEnvironment: envLines.map(envNameOf),
            }) + '\n',
          );
        } else {
          io.stdout(
            redactor.redact(
              [
                `Wrote profile "${made.profile.name}" to ${args.out} (no key in it).`,
                `  Endpoint   ${made.connection.namespace} / ${made.connection.eventHubName}   ${made.profile.endpoint.auth.kind === 'sas' ? `SAS rule ${made.connection.keyName ?? '?'}` : 'Entra ID'}`,
                ...(made.readBack ? [`  Read back  ${made.readBack.namespace} / ${made.readBack.eventHubName}   consumer group ${made.readBack.consumerGroupName ?? '$Default'}`] : []),
                ...envNotice(envLines, io.env),
                `Then: eventstream-flow run --profile ${args.out}${made.readBack ? ' --read-back' : ''}`,
                ...(session.ownsSandbox && !deps.sandbox ? ['(This profile points at a sandbox started for this command; it stopped when the command ended. Run `eventstream-flow sandbox` in another terminal and source its secrets.env to discover a sandbox that stays up.)'] : []),
                '',
              ].join('\n'),
            ),
          );
        }
        return EXIT.ok;
      }
      const listing = await listFabric(client, []);
      io.stdout(args.json ? redactor.redactJson({ type: 'fabric', workspaces: listing.workspaces }) + '\n' : redactor.redact(fabricText(listing, where)));
      return EXIT.ok;
    }
    const client = new AzureDiscovery(armService(args.cloud, session.armBase), session.context);
    const listing = await listAzure(client, args.subscriptions, []);
    io.stdout(args.json ? redactor.redactJson({ type: 'azure', subscriptions: listing.subscriptions }) + '\n' : redactor.redact(azureText(listing, where)));
    return EXIT.ok;
  } catch (error) {
    return report(error, io, redactor);
  } finally {
    process.off('SIGINT', onSignal);
    external?.removeEventListener('abort', onSignal);
    await session?.stop();
  }
}

/** Bad input: exit 2; a cancel: 130; a service refusal: explained, exit 1. Never a stack, never a key. */
function report(error: unknown, io: CliIo, redactor: Redactor): number {
  if (isValidationError(error)) {
    io.stderr(redactor.redact(`error: ${error.field}: ${error.problem}\n  fix: ${error.fix}\n`));
    return EXIT.usage;
  }
  if (isCancelledError(error)) {
    io.stderr('Cancelled.\n');
    return EXIT.cancelled;
  }
  const explained = explainError(error, { secrets: [] });
  io.stderr(redactor.redact(`error: ${formatExplainedError(explained)}\n`));
  return EXIT.internal;
}

/** The variables the profile reads its keys from: those still to set, and those this shell already has. */
function envNotice(envLines: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const isSet = (line: string): boolean => Boolean(env[envNameOf(line)]);
  const missing = envLines.filter((l) => !isSet(l));
  const present = envLines.filter(isSet).map(envNameOf);
  return [
    ...(missing.length > 0 ? ['Before running it, set:', ...missing.map((l) => `  ${l}`)] : []),
    ...(present.length > 0 ? [`Already set in this shell: ${present.join(', ')}.`] : []),
  ];
}

/** "EVENTSTREAM_FLOW_SAS_KEY: the source's key …" → its variable's name. */
function envNameOf(line: string): string {
  return line.split(':')[0] ?? '';
}
