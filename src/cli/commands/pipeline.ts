/**
 * `eventstream-flow pipeline deploy|run --target fabric|adf …`: the tested flow as a Fabric data
 * pipeline or a Data Factory pipeline, from the same export code as `export --format pipeline`,
 * deployed (an update shows the diff first and needs --yes), run, watched, and its activities shown
 * beside the local stages, a failure explained by the one explanation table. Exit codes: 0, the
 * failing activity's stage code (11–15), 2 bad input or an update not confirmed, 130 cancelled.
 *
 * Without --profile it runs against a fresh local sandbox (its Fabric and Resource Manager peers and
 * its pipeline runner); the vault reader service principal stands in for the signed-in user. With
 * --profile it talks to Azure with the Azure CLI's sign-in (`az login`).
 */
import { readFile } from 'node:fs/promises';
import { createAzureCliTokenProvider } from '../../core/azure/credentials';
import { requestClientCredentialsToken } from '../../core/azure/entraToken';
import type { TokenProvider } from '../../core/flow/credentials';
import { armService, fabricService } from '../../core/discovery/endpoints';
import type { DiscoveryContext } from '../../core/discovery/rest';
import { ValidationError } from '../../core/errors/errors';
import { formatExplainedError } from '../../core/errors/explain';
import { buildPipeline, READER_SECRET_PARAMETER } from '../../core/export/pipeline';
import type { ExportOptions } from '../../core/export/targets';
import { STAGE_TITLES, type StageId } from '../../core/flow/stageId';
import { Redactor } from '../../core/logging/redact';
import type { ConnectionProfile } from '../../core/model/profile';
import { adfPipelineClient, applyDeploy, fabricPipelineClient, planDeploy, startAndWatch, type DeployedPipeline, type PipelineClient, type PipelineRunResult, type TimelineEntry } from '../../core/pipeline/index';
import type { Sandbox } from '../../sandbox/types';
import { EXIT, STAGE_EXIT_CODES } from '../exitCodes';
import { parseCommandArgs } from '../optionValues';
import { parseStage } from '../options';
import { loadProfileFile, SECRET_ENV } from '../profileSource';
import type { CliIo } from './flow';

export const PIPELINE_HELP = `eventstream-flow pipeline deploy|run --target fabric|adf [options]

  deploy   create the pipeline, or update it: the diff of the definitions is shown first and
           the update needs --yes
  run      deploy (as above), start a run with the pipeline parameters, watch it (Ctrl-C cancels
           the run), and show each activity beside its local stage, a failure explained

Options:
  --target fabric|adf    a Fabric data pipeline, or an Azure Data Factory pipeline
  --profile FILE         the profile to export (default: a fresh local sandbox and its profile)
  --name NAME            the pipeline's name (default: from the profile's name)
  --kv-auth msi|service-principal
                         how the Key Vault activities sign in (default msi: the factory's or
                         workspace's managed identity); service-principal takes the reader's secret
                         from EVENTSTREAM_FLOW_CLIENT_SECRET as a SecureString run parameter
  --body JSON / --file PATH / --param NAME=VALUE
                         the event body and its pipeline parameters (defaults and run values)
  --workspace ID         Fabric: the workspace (with --profile)
  --subscription ID --resource-group RG --factory NAME
                         Data Factory: the factory (with --profile)
  --yes                  apply an update after showing its diff
  --json                 one JSON object on stdout: the deployment, the run and its activities
  --fault STAGE:KIND     sandbox only: make a stage's call fail the way Azure does
Exit codes: 0 ok, 11–15 the failing activity's stage (as the local run), 2 bad input or an update
            not confirmed, 130 cancelled, 1 a failure no stage explains.
`;

interface PipelineArgs {
  readonly action: 'deploy' | 'run';
  readonly target: 'fabric' | 'adf';
  readonly profilePath?: string;
  readonly name?: string;
  readonly keyVaultAuth: 'msi' | 'servicePrincipal';
  readonly body?: string;
  readonly file?: string;
  readonly params: Record<string, string>;
  readonly workspace?: string;
  readonly factory?: { subscriptionId?: string; resourceGroup?: string; factoryName?: string };
  readonly yes: boolean;
  readonly json: boolean;
  readonly faults: readonly { stage: StageId; kind: string }[];
}

export function parsePipelineArgs(argv: readonly string[]): PipelineArgs {
  const parsed = parseCommandArgs('pipeline', 'See eventstream-flow pipeline --help.', argv, {
    target: { type: 'string' },
    profile: { type: 'string' },
    name: { type: 'string' },
    'kv-auth': { type: 'string' },
    body: { type: 'string' },
    file: { type: 'string' },
    param: { type: 'string', multiple: true },
    workspace: { type: 'string' },
    subscription: { type: 'string' },
    'resource-group': { type: 'string' },
    factory: { type: 'string' },
    yes: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true },
  });
  const { values, positionals } = parsed;
  const action = positionals[0];
  if (action !== 'deploy' && action !== 'run') {
    throw new ValidationError('pipeline', `'${action ?? ''}' is not deploy or run.`, 'Write eventstream-flow pipeline deploy --target fabric, or pipeline run --target adf.');
  }
  if (positionals.length > 1) {
    throw new ValidationError('pipeline', `unexpected '${positionals[1] ?? ''}'.`, 'See eventstream-flow pipeline --help.');
  }
  const target = values.target;
  if (target !== 'fabric' && target !== 'adf') {
    throw new ValidationError('--target', `is '${target ?? ''}'.`, 'Use --target fabric (a Fabric data pipeline) or --target adf (Azure Data Factory).');
  }
  const kvAuth = values['kv-auth'] ?? 'msi';
  if (kvAuth !== 'msi' && kvAuth !== 'service-principal') {
    throw new ValidationError('--kv-auth', `is '${kvAuth}'.`, 'Use msi or service-principal.');
  }
  if (values.body !== undefined && values.file !== undefined) {
    throw new ValidationError('--body', 'and --file were both given.', 'Give the event body one way.');
  }
  const params: Record<string, string> = {};
  for (const item of values.param ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new ValidationError('--param', `'${item}' is not NAME=VALUE.`, 'Write e.g. --param site=Oslo.');
    }
    params[item.slice(0, at)] = item.slice(at + 1);
  }
  const faults = (values.fault ?? []).map((text) => {
    const [stage, kind] = text.split(':');
    if (!stage || !kind) {
      throw new ValidationError('--fault', `'${text}' is not STAGE:KIND.`, 'Write e.g. --fault client-secret:missingRole.');
    }
    return { stage: parseStage(stage), kind };
  });
  if (values.profile !== undefined && faults.length > 0) {
    throw new ValidationError('--fault', 'applies to the local sandbox only.', 'Leave out --profile to run against the sandbox, or leave out --fault.');
  }
  return {
    action,
    target,
    ...(values.profile !== undefined ? { profilePath: values.profile } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    keyVaultAuth: kvAuth === 'msi' ? 'msi' : 'servicePrincipal',
    ...(values.body !== undefined ? { body: values.body } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    params,
    ...(values.workspace !== undefined ? { workspace: values.workspace } : {}),
    factory: { subscriptionId: values.subscription, resourceGroup: values['resource-group'], factoryName: values.factory },
    yes: values.yes ?? false,
    json: values.json ?? false,
    faults,
  };
}

/** Where the pipeline goes and how the caller signs in: the sandbox's peers, or Azure. */
interface Destination {
  readonly client: PipelineClient;
  readonly profile: ConnectionProfile;
  readonly sandbox?: Sandbox;
  /** The reader's secret, for a servicePrincipal export's SecureString run parameter. */
  readonly readerSecret?: string;
}

async function sandboxDestination(args: PipelineArgs, redactor: Redactor, context: Omit<DiscoveryContext, 'tokens'>): Promise<Destination> {
  // From the sandbox's entry points only: the bundles load them as one file (dist/sandbox.js), sharing its state.
  const [{ startSandbox, sandboxInternals, pipelineHostOf, SANDBOX_FACTORY_NAME }, { faultForStage, FAULT_KINDS }] = await Promise.all([import('../../sandbox/index'), import('../../sandbox/stageFaults')]);
  const sandbox = await startSandbox();
  const { world } = sandbox;
  for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key, world.listenOnlySas.key]) {
    redactor.add(secret);
  }
  for (const fault of args.faults) {
    if (!(FAULT_KINDS as readonly string[]).includes(fault.kind)) {
      await sandbox.stop();
      throw new ValidationError('--fault', `'${fault.kind}' is not a fault kind.`, `Use one of: ${FAULT_KINDS.join(', ')}.`);
    }
    sandbox.faults.inject(faultForStage(fault.stage, fault.kind as Parameters<typeof faultForStage>[1], world));
  }
  // Retry waits of the definition (30 s) run 100 times faster in the sandbox, said in the output.
  const host = pipelineHostOf(sandboxInternals(sandbox).world);
  host.timeScale = 0.01;
  // Nothing to wait for between polls of a local peer (clients still poll at least every 200 ms).
  host.retryAfterSeconds = 0;
  // The plain client-credentials request (no identity library): the sandbox's authority needs no discovery.
  const tokens: TokenProvider = {
    getToken: (scopes, options) =>
      requestClientCredentialsToken({
        authorityHost: sandbox.urls.authorityHost,
        tenantId: world.tenantId,
        clientId: world.reader.clientId,
        clientSecret: world.reader.clientSecret,
        audience: scopes[0] ?? '',
        endpointVersion: 'v2',
        destination: { credential: 'the sandbox reader secret', field: 'authorityHost', hosts: [new URL(sandbox.urls.authorityHost).host] },
        signal: options.signal,
        trustedCaPem: sandbox.caPem,
      }),
  };
  const full: DiscoveryContext = { ...context, tokens, trustedCaPem: sandbox.caPem };
  const internals = sandboxInternals(sandbox);
  const client =
    args.target === 'fabric'
      ? fabricPipelineClient(fabricService('public', sandbox.urls.fabricApi), internals.fabric.demoWorkspaceId, full)
      : adfPipelineClient(armService('public', sandbox.urls.resourceManager), { subscriptionId: internals.world.subscriptionId, resourceGroup: internals.world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME }, full);
  return { client, profile: sandbox.profile({ name: args.name ?? 'Sandbox demo' }), sandbox, readerSecret: world.reader.clientSecret };
}

async function azureDestination(args: PipelineArgs, io: CliIo, redactor: Redactor, context: Omit<DiscoveryContext, 'tokens'>): Promise<Destination> {
  const profile = await loadProfileFile(args.profilePath ?? '', (m) => io.stderr(`warning: ${redactor.redact(m)}\n`), io.env);
  const tokens = createAzureCliTokenProvider(profile.eventHubsToken.tenantId ? { tenantId: profile.eventHubsToken.tenantId } : {});
  const full: DiscoveryContext = { ...context, tokens };
  let client: PipelineClient;
  if (args.target === 'fabric') {
    if (!args.workspace) {
      throw new ValidationError('--workspace', 'is needed to deploy to Fabric.', 'Give the workspace id (eventstream-flow discover, or the Fabric portal URL /groups/{id}).');
    }
    client = fabricPipelineClient(fabricService(profile.cloud), args.workspace, full);
  } else {
    const { subscriptionId, resourceGroup, factoryName } = args.factory ?? {};
    if (!subscriptionId || !resourceGroup || !factoryName) {
      throw new ValidationError('--factory', 'needs --subscription, --resource-group and --factory.', 'Name the Data Factory the pipeline goes to.');
    }
    client = adfPipelineClient(armService(profile.cloud), { subscriptionId, resourceGroup, factoryName }, full);
  }
  const readerSecret = io.env[SECRET_ENV.clientSecret];
  return { client, profile, ...(readerSecret ? { readerSecret } : {}) };
}

async function exportOptionsOf(args: PipelineArgs): Promise<ExportOptions> {
  const bodyTemplate = args.file !== undefined ? await readFile(args.file, 'utf8') : args.body;
  return {
    keyVaultAuth: args.keyVaultAuth,
    ...(bodyTemplate !== undefined ? { bodyTemplate } : {}),
    ...(Object.keys(args.params).length > 0 ? { parameters: args.params } : {}),
    ...(args.name !== undefined ? { name: args.name } : {}),
  };
}

export function exitCodeOfRun(result: PipelineRunResult): number {
  if (result.status === 'Succeeded') {
    return EXIT.ok;
  }
  if (result.cancelledByUser || result.status === 'Cancelled') {
    return EXIT.cancelled;
  }
  return result.failed?.stage ? STAGE_EXIT_CODES[result.failed.stage] : EXIT.internal;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function timelineLines(timeline: readonly TimelineEntry[]): string[] {
  const width = Math.max(...timeline.map((entry) => entry.activityName.length), 10);
  return timeline.flatMap((entry) => {
    const mark = entry.status === 'Succeeded' ? '✓' : entry.status === 'Failed' ? '✗' : entry.status === 'Skipped' ? '-' : '·';
    const stage = entry.stage ? STAGE_TITLES[entry.stage] : 'no local stage';
    const attempts = entry.attempts > 1 ? `, ${entry.attempts} attempts` : '';
    const lines = [`  ${mark} ${entry.activityName.padEnd(width)}  ${entry.status.padEnd(9)} ${formatMs(entry.durationMs).padStart(8)}  (local stage: ${stage}${attempts})`];
    if (entry.explained) {
      lines.push(`      ${entry.error?.errorCode ?? ''}: ${formatExplainedError(entry.explained).split('\n').join('\n      ')}`);
    }
    return lines;
  });
}

export async function runPipelineCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(PIPELINE_HELP);
    return EXIT.ok;
  }
  const args = parsePipelineArgs(argv);
  const redactor = new Redactor(Object.values(SECRET_ENV).map((name) => io.env[name]));
  // Ctrl-C cancels the run at the service; the client's own calls keep a signal of their own, so the cancel itself can be sent.
  const cancel = new AbortController();
  const lifetime = new AbortController();
  const onSignal = (): void => cancel.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const note = (text: string): void => {
    if (!args.json) {
      io.stdout(`${redactor.redact(text)}\n`);
    }
  };
  let destination: Destination | undefined;
  try {
    const context = { signal: lifetime.signal };
    destination = args.profilePath === undefined ? await sandboxDestination(args, redactor, context) : await azureDestination(args, io, redactor, context);
    if (destination.readerSecret) {
      redactor.add(destination.readerSecret);
    }
    // The same secrets as a list, for the explanations (the redactor keeps its own privately).
    const known = [...Object.values(SECRET_ENV).map((name) => io.env[name]), destination.readerSecret, ...(destination.sandbox ? [destination.sandbox.world.pipeline.clientSecret, destination.sandbox.world.reader.clientSecret] : [])].filter((value): value is string => typeof value === 'string' && value.length > 0);
    const { client, profile } = destination;
    const resource = buildPipeline(profile, await exportOptionsOf(args));
    note(`Eventstream Flow — pipeline "${resource.name}" → ${args.target === 'fabric' ? 'Fabric' : 'Data Factory'}, ${client.location}${destination.sandbox ? ' (local sandbox)' : ''}`);
    const plan = await planDeploy(client, resource);
    if (plan.action === 'update') {
      note(`The deployed definition differs from the profile's:\n${plan.diff}`);
      if (!args.yes) {
        const report = { target: args.target, pipeline: resource.name, deployment: 'updateNotConfirmed', diff: plan.diff };
        if (args.json) {
          io.stdout(`${redactor.redact(JSON.stringify(report))}\n`);
        }
        io.stderr('error: the pipeline exists with another definition (diff above); nothing was changed.\n  fix: re-run with --yes to update it.\n');
        return EXIT.usage;
      }
    }
    const deployed: DeployedPipeline = await applyDeploy(client, plan, resource);
    note(plan.action === 'create' ? `Deployed: created ${deployed.name} (${deployed.id}).` : plan.action === 'update' ? `Deployed: updated ${deployed.name}.` : `Deployed: ${deployed.name} is unchanged.`);
    if (args.action === 'deploy') {
      if (args.json) {
        io.stdout(`${redactor.redact(JSON.stringify({ target: args.target, pipeline: { name: deployed.name, id: deployed.id }, deployment: plan.action, ...(plan.action === 'update' ? { diff: plan.diff } : {}) }))}\n`);
      }
      return EXIT.ok;
    }
    const parameters: Record<string, string> = { ...args.params };
    if (args.keyVaultAuth === 'servicePrincipal') {
      if (!destination.readerSecret) {
        throw new ValidationError(SECRET_ENV.clientSecret, 'is not set: the run needs the Key Vault reader secret as its SecureString parameter.', `Set ${SECRET_ENV.clientSecret} in the environment (never on the command line).`);
      }
      parameters[READER_SECRET_PARAMETER] = destination.readerSecret;
    }
    if (destination.sandbox) {
      note('The sandbox runs the activities against its own Entra ID, Key Vault and Event Hubs; retry waits run 100× faster.');
    }
    let lastStatus = '';
    const result = await startAndWatch(client, deployed, parameters, {
      signal: cancel.signal,
      pollMs: destination.sandbox ? 250 : 3000,
      secrets: known,
      onUpdate: (state, timeline) => {
        const line = `${state.status}: ${timeline.map((entry) => `${entry.activityName} ${entry.status}`).join(', ')}`;
        if (line !== lastStatus && !args.json) {
          io.stderr(`${redactor.redact(line)}\n`);
        }
        lastStatus = line;
      },
    });
    const exitCode = exitCodeOfRun(result);
    if (args.json) {
      const report = {
        target: args.target,
        pipeline: { name: deployed.name, id: deployed.id },
        deployment: plan.action,
        run: { id: result.runId, status: result.status, ...(result.message ? { message: result.message } : {}), cancelled: result.cancelledByUser },
        activities: result.timeline.map((entry) => ({
          name: entry.activityName,
          ...(entry.stage ? { stage: entry.stage } : {}),
          status: entry.status,
          ...(entry.start ? { start: entry.start } : {}),
          ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
          attempts: entry.attempts,
          ...(entry.error ? { error: entry.error } : {}),
          ...(entry.explained ? { explanation: { ...entry.explained.explanation, ...(entry.explained.status !== undefined ? { status: entry.explained.status } : {}) } } : {}),
        })),
        ...(destination.sandbox ? { eventsReceived: destination.sandbox.received.count() } : {}),
        exitCode,
      };
      io.stdout(`${redactor.redact(JSON.stringify(report))}\n`);
    } else {
      // The run's message repeats the failed activity's error, shown in full below: its first line is enough here.
      const message = result.message ? ` — ${truncate(result.message.split(/\r?\n/)[0] ?? '', 160)}` : '';
      note(`Run ${result.runId}: ${result.status}${message}`);
      note(timelineLines(result.timeline).join('\n'));
      if (result.failed) {
        note(`The run failed at '${result.failed.activityName}'${result.failed.stage ? ` (local stage: ${STAGE_TITLES[result.failed.stage]}; exit ${exitCode})` : ''}.`);
      }
      if (destination.sandbox) {
        note(`The sandbox's Event Hubs received ${destination.sandbox.received.count()} event(s).`);
      }
    }
    return exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lifetime.abort();
    await destination?.sandbox?.stop();
  }
}
