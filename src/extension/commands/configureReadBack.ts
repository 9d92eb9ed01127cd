// Configure Read Back…: where the send panel's "Read back" (and `flows.run` with `readBack`) reads
// the sent event from. The send endpoint's own hub, or another consumer endpoint such as a Fabric
// Eventstream custom-endpoint *destination* (its own namespace, es_… hub, GUID consumer group and
// key). Steps use the prompts and endpoint fields of profiles/steps/ (shared with Add/Edit Profile) and the core validators; no runtime vscode import
// here (the prompter comes from wizardHost on first use), so the prompt flow is plain-Node tested.
import type { ParsedConnectionString } from '../../core/azure/connectionString';
import type { ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile, EndpointAuth, ReadBackSettings } from '../../core/model/profile';
import { validateConsumerGroup, validateProfile, validateReadBackTimeout } from '../../core/model/validate';
import { resolveProfile } from '../profiles/commandSupport';
import { askConnectionString, endpointAuthOf, fillAddress, keptEndpointSecrets, askEventHubName, askNamespace, askSasKey, askSasKeyName } from '../profiles/steps/endpointFields';
import { check, describeProblem, input, pick, validatedInput } from '../profiles/steps/prompts';
import { runWizard, type StepAnswer, type StepFrame, type WizardPrompter } from '../profiles/wizardPrompter';
import type { ExtensionServices } from '../services';

type Mode = 'same' | 'other' | 'remove';
type AuthKind = EndpointAuth['kind'];

/** The answers so far; secrets '' = keep the stored one. */
interface Draft {
  mode: Mode;
  auth: AuthKind;
  connectionString: string;
  parsed: ParsedConnectionString | undefined;
  namespace: string;
  eventHubName: string;
  sasKeyName: string;
  sasKey: string;
  consumerGroup: string;
  timeout: string;
}

/** The stored read-back secrets an edit may keep (never shown). */
interface Kept {
  readonly sasKey?: string;
  readonly connectionString?: string;
}

type StepId = 'mode' | 'auth' | 'connectionString' | 'namespace' | 'eventHubName' | 'sasKeyName' | 'sasKey' | 'consumerGroup' | 'timeout';

interface StepContext {
  readonly d: Draft;
  readonly kept: Kept;
  readonly frame: StepFrame;
  readonly initialError: string | undefined;
  readonly prompter: WizardPrompter;
  readonly profile: ConnectionProfile;
}

interface Step {
  readonly id: StepId;
  readonly when?: (d: Draft, kept: Kept) => boolean;
  readonly run: (ctx: StepContext) => Promise<StepAnswer<unknown>>;
}

/** The outcome: new settings, or `undefined` to remove them. */
export type ReadBackChoice = { readonly kind: 'set'; readonly readBack: ReadBackSettings } | { readonly kind: 'remove' };

const other = (d: Draft): boolean => d.mode === 'other';
/** A connection string names its own namespace (and usually hub); the other auths need them typed. */
const typedAddress = (d: Draft): boolean => other(d) && d.auth !== 'connectionString';

const STEPS: readonly Step[] = [
  {
    id: 'mode',
    run: ({ d, frame, prompter, profile }) =>
      pick(prompter, frame, {
        placeholder: 'Where should Read back look for the sent event?',
        options: [
          {
            label: 'Same as the send endpoint',
            description: `${profile.endpoint.eventHubName}, with its credentials`,
            detail: 'A consumer group of the event hub the flow sends to.',
            value: 'same' as const,
          },
          {
            label: 'Another endpoint (Fabric destination / other hub)',
            description: 'namespace, event hub, consumer group, key',
            detail: 'Fabric: Eventstream → custom endpoint destination → Event hub / Keys.',
            value: 'other' as const,
          },
          ...(profile.readBack ? [{ label: 'Remove read-back settings', description: 'read from the send endpoint’s $Default group', value: 'remove' as const }] : []),
        ],
        active: d.mode,
        set: (v) => (d.mode = v),
      }),
  },
  {
    id: 'auth',
    when: other,
    run: ({ d, frame, prompter, profile }) => {
      const entraAllowed = profile.endpoint.auth.kind === 'entra';
      return pick(prompter, frame, {
        placeholder: entraAllowed
          ? 'How does the consumer endpoint authenticate the reader? (it needs Listen rights)'
          : 'How does the consumer endpoint authenticate the reader? (Entra ID needs a send endpoint that uses Entra ID)',
        options: [
          {
            label: 'Connection string',
            description: 'fills the namespace and event hub',
            detail: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=es_…',
            value: 'connectionString' as const,
          },
          { label: 'SAS key', description: 'namespace, event hub, key name and key', value: 'sas' as const },
          // The flow's stage-4 token: only a flow that sends with Entra ID obtains one.
          ...(entraAllowed ? [{ label: 'Entra ID (the flow’s Event Hubs token)', description: 'needs Azure Event Hubs Data Receiver too', value: 'entra' as const }] : []),
        ],
        active: d.auth,
        set: (v) => (d.auth = v),
      });
    },
  },
  {
    id: 'connectionString',
    when: (d) => other(d) && d.auth === 'connectionString',
    run: (ctx) =>
      askConnectionString(ctx, {
        prompt: 'Connection string of the consumer endpoint (a key with Listen rights). Stored in SecretStorage only.',
        typed: ctx.d.connectionString,
        fallback: ctx.kept.connectionString,
        placeholder: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=es_…',
        cloud: ctx.profile.cloud,
        set: (v, usedFallback) => {
          ctx.d.connectionString = usedFallback ? '' : v;
          ctx.d.parsed = fillAddress(v, ctx.profile.cloud, ctx.d);
        },
      }),
  },
  {
    id: 'namespace',
    when: typedAddress,
    run: (ctx) =>
      askNamespace(ctx, {
        prompt: 'Event Hubs namespace host of the consumer endpoint.',
        value: ctx.d.namespace,
        placeholder: ctx.profile.endpoint.namespace,
        cloud: ctx.profile.cloud,
        set: (v) => (ctx.d.namespace = v),
      }),
  },
  {
    id: 'eventHubName',
    // A connection string's EntityPath names the hub; asked only when it has none.
    when: (d) => typedAddress(d) || (other(d) && d.auth === 'connectionString' && d.parsed !== undefined && !d.parsed.eventHubName),
    run: (ctx) => askEventHubName(ctx, { prompt: 'Event hub of the consumer endpoint (Fabric destinations: es_…).', value: ctx.d.eventHubName, set: (v) => (ctx.d.eventHubName = v) }),
  },
  {
    id: 'sasKeyName',
    when: (d) => other(d) && d.auth === 'sas',
    run: (ctx) => askSasKeyName(ctx, { prompt: 'SAS key (policy) name with Listen rights (Fabric: key_…).', value: ctx.d.sasKeyName, set: (v) => (ctx.d.sasKeyName = v) }),
  },
  {
    id: 'sasKey',
    when: (d) => other(d) && d.auth === 'sas',
    run: (ctx) =>
      askSasKey(ctx, {
        prompt: 'SAS key (primary or secondary) of that policy. Stored in SecretStorage only.',
        typed: ctx.d.sasKey,
        fallback: ctx.kept.sasKey,
        set: (v, usedFallback) => (ctx.d.sasKey = usedFallback ? '' : v),
      }),
  },
  {
    id: 'consumerGroup',
    when: (d) => d.mode !== 'remove',
    run: ({ d, frame, prompter, initialError }) =>
      validatedInput(prompter, frame, initialError, {
        prompt: 'Consumer group to read with (Fabric destinations: the GUID on the Event hub tab). Read back opens its own reader on it.',
        value: d.consumerGroup,
        placeholder: '$Default',
        label: 'The consumer group',
        validator: (v) => validateConsumerGroup(v),
        set: (v) => (d.consumerGroup = v),
      }),
  },
  {
    id: 'timeout',
    when: (d) => d.mode !== 'remove',
    run: ({ d, frame, prompter, initialError }) =>
      input(prompter, frame, initialError, {
        prompt: 'Seconds to wait for the event (optional: empty waits 30 s).',
        value: d.timeout,
        placeholder: '30',
        validate: (v) => (v.trim() ? check('The timeout', validateReadBackTimeout(Number(v.trim()))) : undefined),
        set: (v) => (d.timeout = v.trim()),
      }),
  },
];

/** The step that owns a `validateProfile` field under readBack. */
function stepForField(field: string, d: Draft): StepId | undefined {
  const owners: Record<string, StepId> = {
    'readBack.namespace': d.auth === 'connectionString' ? 'connectionString' : 'namespace',
    'readBack.eventHubName': d.auth === 'connectionString' && d.parsed?.eventHubName ? 'connectionString' : 'eventHubName',
    'readBack.consumerGroup': 'consumerGroup',
    'readBack.timeoutSeconds': 'timeout',
    'readBack.auth.keyName': 'sasKeyName',
    'readBack.auth.key': 'sasKey',
    'readBack.auth.connectionString': 'connectionString',
  };
  return owners[field];
}

export interface ReadBackWizardOptions {
  readonly prompter: WizardPrompter;
  /** The stored profile: its read-back settings prefill every step (secrets are never shown). */
  readonly profile: ConnectionProfile;
}

/**
 * Asks for the read-back settings; the result is checked with the whole profile (e.g. a
 * connection string must point where the namespace says). A problem found there reopens its
 * step with the message, every other answer kept. Rejects with CancelledError when dismissed.
 */
export async function runReadBackWizard(options: ReadBackWizardOptions): Promise<ReadBackChoice> {
  const { profile, prompter } = options;
  const d = draftOf(profile);
  const kept = keptOf(profile.readBack);
  return runWizard<Step, StepId, ReadBackChoice>({
    title: `Configure Read Back: ${profile.name}`,
    steps: STEPS,
    isActive: (step) => !step.when || step.when(d, kept),
    run: (step, frame, initialError) => step.run({ d, kept, frame, initialError, prompter, profile }),
    finish: () => {
      if (d.mode === 'remove') {
        return { done: { kind: 'remove' } };
      }
      const readBack = buildReadBack(d, kept, profile);
      const problem: ValidationError | undefined = validateProfile({ ...profile, readBack }).find((e) => e.field.startsWith('readBack'));
      if (!problem) {
        return { done: { kind: 'set', readBack } };
      }
      const target = stepForField(problem.field, d);
      if (!target || !STEPS.some((s) => s.id === target && (!s.when || s.when(d, kept)))) {
        throw problem;
      }
      return { reopen: target, message: describeProblem(problem) };
    },
  });
}

function draftOf(profile: ConnectionProfile): Draft {
  const rb = profile.readBack;
  const auth = rb?.auth;
  const isOther = rb !== undefined && (auth !== undefined || rb.namespace !== undefined || rb.eventHubName !== undefined);
  return {
    mode: isOther ? 'other' : 'same',
    auth: auth?.kind ?? 'connectionString',
    connectionString: '',
    parsed: undefined,
    namespace: rb?.namespace ?? '',
    eventHubName: rb?.eventHubName ?? '',
    sasKeyName: auth?.kind === 'sas' ? auth.keyName : '',
    sasKey: '',
    consumerGroup: rb?.consumerGroup ?? '$Default',
    timeout: rb?.timeoutSeconds !== undefined ? String(rb.timeoutSeconds) : '',
  };
}

function keptOf(rb: ReadBackSettings | undefined): Kept {
  return keptEndpointSecrets(rb?.auth);
}

function buildReadBack(d: Draft, kept: Kept, profile: ConnectionProfile): ReadBackSettings {
  const timeout = d.timeout ? { timeoutSeconds: Number(d.timeout) } : {};
  if (d.mode === 'same') {
    return { consumerGroup: d.consumerGroup, ...timeout };
  }
  const auth = endpointAuthOf(d.auth, d.sasKeyName, { key: [d.sasKey, kept.sasKey], connectionString: [d.connectionString, kept.connectionString] });
  return {
    namespace: d.namespace || profile.endpoint.namespace,
    eventHubName: d.eventHubName || profile.endpoint.eventHubName,
    consumerGroup: d.consumerGroup,
    auth,
    ...timeout,
  };
}

/** One line for the log and the notification: where Read back reads; never a key. */
export function describeReadBack(profile: ConnectionProfile): string {
  const rb = profile.readBack;
  if (!rb) {
    return `Read back uses consumer group $Default of ${profile.endpoint.eventHubName} on ${profile.endpoint.namespace}.`;
  }
  const how = rb.auth ? { entra: 'the flow’s Entra ID token', sas: `SAS key ${rb.auth.kind === 'sas' ? rb.auth.keyName : ''}`, connectionString: 'its connection string' }[rb.auth.kind] : 'the send endpoint’s credentials';
  return `Read back uses consumer group ${rb.consumerGroup ?? '$Default'} of ${rb.eventHubName ?? profile.endpoint.eventHubName} on ${rb.namespace ?? profile.endpoint.namespace}, with ${how}.`;
}

/** Configure Read Back…: the profile's consumer endpoint for the round trip, stored with the profile in SecretStorage. */
export async function configureReadBack(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to configure read back for');
  const { wizardPrompterFor } = await import('../profiles/wizardHost');
  const choice = await runReadBackWizard({ prompter: wizardPrompterFor(services), profile });
  const log = services.logger.child('profiles');
  if (choice.kind === 'remove') {
    const { readBack: _removed, ...rest } = profile;
    await services.profiles.save(rest);
    log.info(`Removed the read-back settings of profile ${profile.id}.`);
    return;
  }
  const updated: ConnectionProfile = { ...profile, readBack: choice.readBack };
  await services.profiles.save(updated);
  log.info(`Configured read back for profile ${profile.id}. ${describeReadBack(updated)}`);
}
