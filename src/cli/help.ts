// `eventstream-flow <command> --help` (and `eventstream-flow help <command>`): each command's own
// usage, options and examples (issue #11). The option lines are taken from the global HELP in
// options.ts, so their wording and ranges are written once; only --fault is described here, from
// the sandbox's own fault lists, so every kind it accepts is named.
import type { FaultKind } from '../sandbox/types';
import type { StageId } from '../core/flow/types';
import { HELP } from './options';

/** The sandbox's fault lists (loaded lazily, as everything of the sandbox is). */
interface FaultLists {
  readonly FAULT_KINDS: readonly FaultKind[];
  readonly FAULTS_BY_STAGE: Readonly<Record<StageId, readonly FaultKind[]>>;
  readonly PROFILE_FAULTS: Readonly<Record<string, unknown>>;
}

export type HelpTopic = 'run' | 'test' | 'send' | 'sandbox' | 'inspect-token' | 'export';

interface CommandHelp {
  readonly usage: readonly string[];
  readonly summary: string;
  /** Option names (without dashes) in the order shown; those the global help does not list are left out. */
  readonly options: readonly string[];
  readonly examples: readonly string[];
  readonly notes?: readonly string[];
}

const COMMON = ['profile', 'sandbox', 'json', 'timeout', 'kv-api-version', 'expiry-warning-days'];
const SEND = ['protocol', 'body', 'file', 'param', 'count', 'rate', 'duration', 'partition-key', 'partition-id', 'property', 'content-type', 'read-back', 'consumer-group', 'read-back-timeout'];
const SANDBOX_ONLY = ['fault', 'latency', 'partition-limit', 'partition-limit-bytes'];

const COMMANDS: Readonly<Record<HelpTopic, CommandHelp>> = {
  run: {
    usage: ['eventstream-flow run [options]'],
    summary: 'Runs all five stages the pipeline runs (Key Vault token, client id, client secret, Event Hubs token, send) and sends one sample event, or the body you give.',
    options: [...COMMON, ...SEND, ...SANDBOX_ONLY],
    examples: [
      'eventstream-flow run                                   # against a fresh local sandbox',
      'eventstream-flow run --profile prod.json --json        # one JSON object per stage',
      'eventstream-flow run --profile prod.json --read-back   # and read the event back',
      'eventstream-flow run --fault eh-token:invalidClientSecret   # see a failure explained',
    ],
  },
  test: {
    usage: ['eventstream-flow test <stage> [options]'],
    summary: 'Runs one stage, and the stages it needs before it (reading the client secret first gets a Key Vault token).',
    options: [...COMMON, 'protocol', ...SANDBOX_ONLY],
    examples: ['eventstream-flow test kv-token --profile prod.json', 'eventstream-flow test probe --profile prod.json   # reads the partitions, sends nothing', 'eventstream-flow test client-secret --fault client-secret:secretDisabled'],
    notes: ['Stages: kv-token (1), client-id (2), client-secret (3), eh-token (4), send (5), probe (5′: checks the endpoint without sending).'],
  },
  send: {
    usage: ['eventstream-flow send [options]'],
    summary: 'Sends your events through the whole flow: the body is a template with Data Factory expressions, sent --count times or at --rate for --duration.',
    options: [...COMMON, ...SEND, ...SANDBOX_ONLY],
    examples: [
      `eventstream-flow send --profile prod.json --body '{"orderId":"@{guid()}","at":"@{utcNow()}"}'`,
      'eventstream-flow send --profile prod.json --file event.json --count 500 --partition-key store-42',
      'eventstream-flow send --profile prod.json --property source=cli --read-back --consumer-group audit',
    ],
  },
  sandbox: {
    usage: ['eventstream-flow sandbox [options]'],
    summary: 'Starts the local sandbox (Entra ID, Key Vault and Event Hubs on this machine) and prints a ready profile; it runs until Ctrl+C, then removes its folder and secrets.',
    options: ['json', 'protocol', 'latency', 'partition-limit', 'partition-limit-bytes'],
    examples: ['eventstream-flow sandbox', 'eventstream-flow sandbox --protocol amqp --json'],
  },
  'inspect-token': {
    usage: ['eventstream-flow inspect-token kv-token|eh-token [options]'],
    summary: 'Obtains a token (running the stages it needs) and checks its claims (audience, tenant, roles, expiry) against the next stage. The token itself is never printed.',
    options: [...COMMON, ...SANDBOX_ONLY],
    examples: ['eventstream-flow inspect-token eh-token --profile prod.json', 'eventstream-flow inspect-token kv-token --fault kv-token:defaultScopeAsResource'],
    notes: ['Exit code 3 when a claim does not fit the next stage.'],
  },
  export: {
    usage: ['eventstream-flow export --format pipeline|http|curl --profile FILE', '                        [--out FILE [--force]] [--kv-auth msi|service-principal] [options]'],
    summary: 'Writes the profile\'s flow as a Data Factory / Fabric pipeline (JSON of Web activities), a REST Client .http file or a curl script. Exports hold references and placeholders, never a secret value.',
    options: ['format', 'profile', 'out', 'force', 'kv-auth', 'body', 'file', 'param'],
    examples: ['eventstream-flow export --format pipeline --profile prod.json --out pipeline.json', 'eventstream-flow export --format curl --profile prod.json --kv-auth service-principal'],
  },
};

export const HELP_TOPICS = Object.keys(COMMANDS) as HelpTopic[];

/** One option's lines in the global help, by name; continuation lines are indented past the option column. */
interface OptionEntry {
  readonly lines: readonly string[];
  readonly takesValue: boolean;
}

const OPTION_LINE = /^ {2}(?:-\w, )?--([a-z][\w-]*)( [^\s]+)?(?: {2,}|$)/;

export function optionEntries(help: string = HELP): ReadonlyMap<string, OptionEntry> {
  const entries = new Map<string, { lines: string[]; takesValue: boolean }>();
  let current: { lines: string[]; takesValue: boolean } | undefined;
  for (const line of help.split('\n')) {
    const match = OPTION_LINE.exec(line);
    if (match?.[1]) {
      current = { lines: [line], takesValue: match[2] !== undefined };
      if (!entries.has(match[1])) {
        entries.set(match[1], current);
      }
    } else if (current && /^ {20,}\S/.test(line)) {
      current.lines.push(line);
    } else {
      current = undefined;
    }
  }
  return entries;
}

/** Words in lines of at most `width` characters, each starting with `indent`. */
function wrap(words: readonly string[], indent: string, width = 96): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.length + word.length + 1 > width && line.trim().length > 0) {
      lines.push(line.replace(/\s+$/, ''));
      line = indent;
    }
    line += `${word} `;
  }
  lines.push(line.replace(/\s+$/, ''));
  return lines;
}

/** --fault, written from the sandbox's lists: what `--fault STAGE:KIND` accepts. */
function faultOption(topic: HelpTopic, { FAULT_KINDS, FAULTS_BY_STAGE, PROFILE_FAULTS }: FaultLists): string[] {
  const pad = ' '.repeat(25);
  const lines = ['  --fault STAGE:KIND     make a stage fail the way Azure does (sandbox only; repeatable).', `${pad}Kinds: ${FAULT_KINDS.length} on the peers, each offered where it can happen:`];
  const stages: readonly [string, StageId][] = [
    ['kv-token', 'keyVaultToken'],
    ['client-id', 'readClientId'],
    ['client-secret', 'readClientSecret'],
    ['eh-token', 'eventHubsToken'],
    ['send', 'send'],
    ['probe', 'probe'],
  ];
  for (const [alias, stage] of stages) {
    if (topic === 'inspect-token' && stage !== 'keyVaultToken' && stage !== 'eventHubsToken') {
      continue;
    }
    lines.push(...wrap([`${alias}:`, ...FAULTS_BY_STAGE[stage].map((k, i, all) => (i < all.length - 1 ? `${k},` : k))], `${pad}  `));
  }
  lines.push(...wrap(['Mistakes', 'in', 'the', 'profile:', ...Object.keys(PROFILE_FAULTS).map((k, i, all) => (i < all.length - 1 ? `${k},` : k))], `${pad}`));
  return lines;
}

/** The help of one command. */
export async function commandHelp(topic: HelpTopic, help: string = HELP): Promise<string> {
  const spec = COMMANDS[topic];
  const entries = optionEntries(help);
  const faults: FaultLists = await import('../sandbox/stageFaults');
  const options = spec.options.flatMap((name) => (name === 'fault' ? faultOption(topic, faults) : [...(entries.get(name)?.lines ?? [])]));
  return [
    ...wrap(`eventstream-flow ${topic} — ${spec.summary}`.split(' '), ''),
    '',
    'Usage:',
    ...spec.usage.map((u) => `  ${u}`),
    '',
    'Options:',
    ...options,
    '  -h, --help             show this help (eventstream-flow --help: every command)',
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes.flatMap((note) => wrap(note.split(' '), ''))] : []),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    'Secrets never go on the command line: see eventstream-flow --help for the environment variables.',
    '',
  ].join('\n');
}

/**
 * The command whose help was asked for: `<command> … --help|-h` or `help <command>`. Option
 * values are skipped (an option that takes one, per the global help, consumes the next word unless
 * written `--opt=value`), so `--profile run.json send -h` is about send. Undefined: the global help
 * (or no help at all) applies.
 */
export function helpTopic(argv: readonly string[], help: string = HELP): HelpTopic | undefined {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const entries = optionEntries(help);
  const words: string[] = [];
  let asked = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      asked = true;
    } else if (arg.startsWith('--')) {
      if (!arg.includes('=') && entries.get(arg.slice(2))?.takesValue) {
        i++;
      }
    } else if (!arg.startsWith('-')) {
      words.push(arg);
    }
  }
  const [first, second] = words;
  if (first === 'help') {
    return isTopic(second) ? second : undefined;
  }
  return asked && isTopic(first) ? first : undefined;
}

function isTopic(word: string | undefined): word is HelpTopic {
  return word !== undefined && (HELP_TOPICS as string[]).includes(word);
}
