/**
 * The CLI's command line read into CliOptions: the command, its stage, and every option checked
 * against its command and range (bad input is a ValidationError, exit 2). The usage text is in
 * usage.ts, stage names in stageNames.ts, single option values in optionValues.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StageId } from '../core/flow/types';
import { ValidationError } from '../core/errors/errors';
import { parseExportFormat, type ExportFormat } from '../core/export/index';
import { EVENT_COUNT, EXPIRY_WARNING_DAYS, parseWholeNumber, READ_BACK_TIMEOUT_SECONDS, SEND_DURATION_SECONDS, SEND_RATE, STAGE_TIMEOUT_SECONDS } from '../core/model/limits';
import { validateConsumerGroup, valueOrThrow } from '../core/model/validate';
import { apiVersion, pairs, parseFault, wholeNumber } from './optionValues';
import { sandboxNetworkOptions, type SandboxNetworkOptions } from './sandboxFlags';
import { checkTokenStage, parseStage } from './stageNames';

export { HELP } from './usage';
export { parseStage } from './stageNames';

export type CliCommand = 'run' | 'test' | 'send' | 'sandbox' | 'inspect-token' | 'export' | 'help';

export interface CliOptions {
  readonly command: CliCommand;
  readonly stage?: StageId;
  readonly profilePath?: string;
  readonly sandbox: boolean;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly keyVaultApiVersion?: string;
  /** Stages 2 and 3 warn when the secret read expires within this many days. */
  readonly expiryWarningDays: number;
  readonly protocol?: 'rest' | 'amqp';
  readonly body?: string;
  readonly file?: string;
  readonly params: Record<string, string>;
  readonly count: number;
  /** Load mode (--rate, --duration): a steady rate; count is rate × duration. */
  readonly load?: { readonly eventsPerSecond: number; readonly durationSeconds: number };
  readonly partitionKey?: string;
  readonly partitionId?: string;
  readonly properties: Record<string, string>;
  readonly contentType?: string;
  readonly faults: readonly { stage: StageId; kind: string }[];
  /** --latency, --partition-limit, --partition-limit-bytes: how the sandbox this process starts behaves. */
  readonly sandboxNetwork?: SandboxNetworkOptions;
  /** --read-back: the round trip after the send, with its overrides. */
  readonly readBack?: { readonly consumerGroup?: string; readonly timeoutSeconds?: number };
  /** export: what to write and where. */
  readonly export?: {
    readonly format: ExportFormat;
    readonly out?: string;
    /** --force: --out may replace an existing regular file (never a link). */
    readonly force?: boolean;
    readonly keyVaultAuth?: 'msi' | 'servicePrincipal';
  };
}

/** Arguments that look like secrets are refused: a shell history is not a vault. */
const SECRET_FLAGS = ['--client-secret', '--secret', '--key', '--sas-key', '--connection-string', '--password', '--token'];

/** node:util parseArgs, with its errors (unknown option, missing or dash-leading value) as bad input (exit 2). */
function parseArgsOrExplain<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'arguments';
    const help = 'Run eventstream-flow --help for the commands and options.';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new ValidationError(option, 'is not an option of eventstream-flow.', help);
    }
    if (/starting with a dash/.test(message)) {
      throw new ValidationError(option, 'has a value starting with a dash, which reads as another option.', `Join the option and its value with "=": ${option}=<value>.`);
    }
    if (/argument missing/.test(message)) {
      throw new ValidationError(option, 'needs a value.', help);
    }
    throw new ValidationError(option, message.split('\n')[0] ?? message, help);
  }
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const secretFlag = argv.find((a) => SECRET_FLAGS.includes(a.split('=')[0] ?? ''));
  if (secretFlag) {
    throw new ValidationError(
      secretFlag.split('=')[0] ?? secretFlag,
      'Secrets are never accepted as command-line arguments (they would be echoed and kept in shell history).',
      'Set EVENTSTREAM_FLOW_CLIENT_SECRET, EVENTSTREAM_FLOW_SAS_KEY or EVENTSTREAM_FLOW_CONNECTION_STRING, or answer the hidden prompt.',
    );
  }
  const { values, positionals } = parseArgsOrExplain({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      sandbox: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'kv-api-version': { type: 'string' },
      'expiry-warning-days': { type: 'string' },
      protocol: { type: 'string' },
      body: { type: 'string' },
      file: { type: 'string' },
      param: { type: 'string', multiple: true },
      count: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'partition-key': { type: 'string' },
      'partition-id': { type: 'string' },
      property: { type: 'string', multiple: true },
      'content-type': { type: 'string' },
      fault: { type: 'string', multiple: true },
      latency: { type: 'string' },
      'partition-limit': { type: 'string' },
      'partition-limit-bytes': { type: 'string' },
      'read-back': { type: 'boolean', default: false },
      'consumer-group': { type: 'string' },
      'read-back-timeout': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'kv-auth': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

  const [first, second, ...rest] = positionals;
  if (values.help || first === undefined || first === 'help') {
    return { ...defaults(), command: 'help' };
  }
  if (!['run', 'test', 'send', 'sandbox', 'inspect-token', 'export'].includes(first)) {
    throw new ValidationError('command', `'${first}' is not a command.`, 'Use run, test <stage>, send, sandbox, inspect-token or export (see --help).');
  }
  const command = first as CliCommand;
  if (command === 'test' && second === undefined) {
    throw new ValidationError('stage', 'test needs a stage.', 'Write e.g. `eventstream-flow test kv-token`.');
  }
  if (command === 'inspect-token') {
    checkTokenStage(second);
  }
  const withStage = command === 'test' || command === 'inspect-token';
  const extra = withStage ? rest : [second, ...rest].filter((p) => p !== undefined);
  if (extra.length > 0) {
    throw new ValidationError('arguments', `Unexpected argument '${extra[0]}'.`, 'See --help for the options each command takes.');
  }
  if (values.body !== undefined && values.file !== undefined) {
    throw new ValidationError('--body/--file', 'Both a body and a file were given.', 'Give one of them.');
  }
  if (values['partition-key'] !== undefined && values['partition-id'] !== undefined) {
    throw new ValidationError('--partition-key/--partition-id', 'A partition key and a partition id cannot be combined.', 'Give one of them.');
  }
  const protocol = values.protocol;
  if (protocol !== undefined && protocol !== 'rest' && protocol !== 'amqp') {
    throw new ValidationError('--protocol', `'${protocol}' is not a protocol.`, 'Use rest or amqp.');
  }
  // Faults are injected into the local sandbox's peers; a profile's endpoints are real services (#11).
  if ((values.fault ?? []).length > 0 && values.profile !== undefined) {
    throw new ValidationError('--fault', "only applies to the local sandbox: a profile's endpoints are real services, which no flag can make fail.", 'Drop --fault, or drop --profile to see that failure against a fresh local sandbox.');
  }
  return {
    command,
    ...(withStage && second !== undefined ? { stage: parseStage(second) } : {}),
    ...(values.profile !== undefined ? { profilePath: values.profile } : {}),
    sandbox: values.sandbox || (values.profile === undefined && command !== 'sandbox') || command === 'sandbox',
    json: values.json,
    timeoutMs: wholeNumber('--timeout', values.timeout, STAGE_TIMEOUT_SECONDS) * 1000,
    ...(values['kv-api-version'] !== undefined ? { keyVaultApiVersion: apiVersion(values['kv-api-version']) } : {}),
    expiryWarningDays: wholeNumber('--expiry-warning-days', values['expiry-warning-days'], EXPIRY_WARNING_DAYS),
    ...(protocol !== undefined ? { protocol } : {}),
    ...(values.body !== undefined ? { body: values.body } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    params: pairs('--param', values.param),
    ...sendAmount(command, values.count, values.rate, values.duration),
    ...(values['partition-key'] !== undefined ? { partitionKey: values['partition-key'] } : {}),
    ...(values['partition-id'] !== undefined ? { partitionId: values['partition-id'] } : {}),
    properties: pairs('--property', values.property),
    ...(values['content-type'] !== undefined ? { contentType: values['content-type'] } : {}),
    faults: (values.fault ?? []).map(parseFault),
    ...sandboxNetworkOptions(values.sandbox || values.profile === undefined || command === 'sandbox', values.latency, values['partition-limit'], values['partition-limit-bytes']),
    ...readBackOptions(command, values['read-back'], values['consumer-group'], values['read-back-timeout']),
    ...exportOptions(command, values.format, values.out, values.force, values['kv-auth'], values.profile),
  };
}

/** --count, or load mode (--rate for --duration): one or the other, only for a send. */
function sendAmount(command: CliCommand, count: string | undefined, rate: string | undefined, duration: string | undefined): Pick<CliOptions, 'count' | 'load'> {
  if (rate === undefined) {
    if (duration !== undefined) {
      throw new ValidationError('--duration', 'only applies to load mode.', 'Add --rate N (events per second), or use --count.');
    }
    return { count: wholeNumber('--count', count, EVENT_COUNT) };
  }
  if (count !== undefined) {
    throw new ValidationError('--count/--rate', 'A count and a rate cannot be combined (a load run sends rate × duration events).', 'Give --count N, or --rate N with --duration SECONDS.');
  }
  if (command !== 'run' && command !== 'send') {
    throw new ValidationError('--rate', `does not apply to ${command}.`, 'Use it with send or run.');
  }
  const eventsPerSecond = parseWholeNumber(rate, '--rate', SEND_RATE);
  const durationSeconds = wholeNumber('--duration', duration, SEND_DURATION_SECONDS);
  return { count: eventsPerSecond * durationSeconds, load: { eventsPerSecond, durationSeconds } };
}

/** export: --format and --profile are required; --out, --force and --kv-auth belong to it alone. */
function exportOptions(
  command: CliCommand,
  format: string | undefined,
  out: string | undefined,
  force: boolean,
  kvAuth: string | undefined,
  profile: string | undefined,
): Pick<CliOptions, 'export'> {
  if (command !== 'export') {
    const stray = format !== undefined ? '--format' : out !== undefined ? '--out' : force ? '--force' : kvAuth !== undefined ? '--kv-auth' : undefined;
    if (stray) {
      throw new ValidationError(stray, `only applies to export.`, 'Write e.g. `eventstream-flow export --format pipeline --profile FILE`.');
    }
    return {};
  }
  if (format === undefined) {
    throw new ValidationError('--format', 'export needs a format.', 'Add --format pipeline, --format http or --format curl.');
  }
  if (profile === undefined) {
    throw new ValidationError('--profile', 'export needs the profile you tested.', 'Add --profile FILE (secrets are not needed: exports never hold them).');
  }
  if (force && out === undefined) {
    throw new ValidationError('--force', 'only applies with --out (it lets --out replace an existing file).', 'Add --out FILE, or drop --force to print to stdout.');
  }
  if (kvAuth !== undefined && kvAuth !== 'msi' && kvAuth !== 'service-principal') {
    throw new ValidationError('--kv-auth', `'${kvAuth}' is not a sign-in for the Key Vault activities.`, 'Use msi or service-principal.');
  }
  return {
    export: {
      format: parseExportFormat(format),
      ...(out !== undefined ? { out } : {}),
      ...(force ? { force } : {}),
      ...(kvAuth !== undefined ? { keyVaultAuth: kvAuth === 'msi' ? 'msi' : 'servicePrincipal' } : {}),
    },
  };
}

/** --read-back and its two settings; the settings alone are a mistake worth naming. */
function readBackOptions(command: CliCommand, readBack: boolean, consumerGroup: string | undefined, timeout: string | undefined): Pick<CliOptions, 'readBack'> {
  if (!readBack) {
    if (consumerGroup !== undefined || timeout !== undefined) {
      throw new ValidationError(consumerGroup !== undefined ? '--consumer-group' : '--read-back-timeout', 'only applies to a read-back.', 'Add --read-back.');
    }
    return {};
  }
  if (command !== 'run' && command !== 'send') {
    throw new ValidationError('--read-back', `does not apply to ${command}: only run and send read the sent event back.`, 'Use it with run or send.');
  }
  const group = consumerGroup !== undefined ? valueOrThrow(validateConsumerGroup(consumerGroup, '--consumer-group')) : undefined;
  const seconds = timeout !== undefined ? parseWholeNumber(timeout, '--read-back-timeout', READ_BACK_TIMEOUT_SECONDS) : undefined;
  return { readBack: { ...(group !== undefined ? { consumerGroup: group } : {}), ...(seconds !== undefined ? { timeoutSeconds: seconds } : {}) } };
}

function defaults(): CliOptions {
  return {
    command: 'help',
    sandbox: false,
    json: false,
    timeoutMs: STAGE_TIMEOUT_SECONDS.default * 1000,
    expiryWarningDays: EXPIRY_WARNING_DAYS.default,
    params: {},
    count: EVENT_COUNT.default,
    properties: {},
    faults: [],
  };
}

