// The endpoint's fields, asked one way wherever they are asked (the send endpoint in Add/Edit
// Profile, the consumer endpoint in Configure Read Back): namespace, event hub, SAS key name, SAS
// key and connection string, each checked with the core validator. Callers give the words and
// where the answer goes.
import { parseConnectionString, type ParsedConnectionString } from '../../../core/azure/connectionString';
import type { CloudName } from '../../../core/model/cloud';
import type { EndpointAuth } from '../../../core/model/profile';
import { validateEventHubName, validateNamespace, validateSasKey, validateSasKeyName } from '../../../core/model/validate';
import type { StepAnswer, StepCheck, StepFrame, WizardPrompter } from '../wizardPrompter';
import { check, checkConnectionString, input, KEEP_SECRET_PLACEHOLDER, secretInput, validatedInput, valueOf } from './prompts';

/** What every step runs with (both wizards' step contexts have it). */
export interface Ask {
  readonly prompter: WizardPrompter;
  readonly frame: StepFrame;
  readonly initialError: string | undefined;
}

interface TextField {
  readonly prompt: string;
  readonly value: string;
  readonly set: (value: string) => void;
}

interface SecretField {
  readonly prompt: string;
  /** Typed earlier in this run (shown again after Back). */
  readonly typed: string;
  /** The stored or pasted value an empty answer keeps; never shown. */
  readonly fallback: string | undefined;
  readonly fallbackPlaceholder?: string;
  /** The answer (the fallback itself when it was kept: store '' then, to keep the stored one). */
  readonly set: (value: string, usedFallback: boolean) => void;
}

export function askNamespace(ask: Ask, field: TextField & { readonly cloud: CloudName; readonly placeholder: string }): Promise<StepAnswer<unknown>> {
  return validatedInput(ask.prompter, ask.frame, ask.initialError, {
    prompt: field.prompt,
    value: field.value,
    placeholder: field.placeholder,
    label: 'The namespace',
    validator: (v) => validateNamespace(v, field.cloud),
    set: field.set,
  });
}

export function askEventHubName(ask: Ask, field: TextField): Promise<StepAnswer<unknown>> {
  return input(ask.prompter, ask.frame, ask.initialError, {
    prompt: field.prompt,
    value: field.value,
    placeholder: 'es_xxxxxxxx',
    validate: (v) => check('The event hub name', validateEventHubName(v)),
    set: (v) => field.set(v.trim()),
  });
}

export function askSasKeyName(ask: Ask, field: TextField & { readonly advise?: (value: string) => StepCheck }): Promise<StepAnswer<unknown>> {
  return input(ask.prompter, ask.frame, ask.initialError, {
    prompt: field.prompt,
    value: field.value,
    placeholder: 'key_xxxxxxxx',
    validate: (v) => check('The key name', validateSasKeyName(v)) ?? field.advise?.(v),
    set: (v) => field.set(v.trim()),
  });
}

export function askSasKey(ask: Ask, field: SecretField): Promise<StepAnswer<unknown>> {
  return secretInput(ask.prompter, ask.frame, ask.initialError, {
    prompt: field.prompt,
    typed: field.typed,
    fallback: field.fallback,
    fallbackPlaceholder: field.fallbackPlaceholder ?? KEEP_SECRET_PLACEHOLDER,
    placeholder: 'the key value after SharedAccessKey=',
    validate: (v) => check('The SAS key', validateSasKey(v)),
    set: (v, usedFallback) => field.set(v.trim(), usedFallback),
  });
}

/** A connection string: parsed and its namespace checked against the cloud; `advise` adds what else to say (a mismatch, a broad key). */
export function askConnectionString(
  ask: Ask,
  field: SecretField & { readonly cloud: CloudName; readonly placeholder: string; readonly advise?: (value: string) => StepCheck },
): Promise<StepAnswer<unknown>> {
  return secretInput(ask.prompter, ask.frame, ask.initialError, {
    prompt: field.prompt,
    typed: field.typed,
    fallback: field.fallback,
    fallbackPlaceholder: field.fallbackPlaceholder ?? KEEP_SECRET_PLACEHOLDER,
    placeholder: field.placeholder,
    validate: (v) => checkConnectionString(v, field.cloud) ?? field.advise?.(v),
    set: field.set,
  });
}

/**
 * A connection string fills the address it names into the draft: its namespace (normalised as the
 * namespace step would) and its hub, when it names one. Returns the parsed string.
 */
export function fillAddress(connectionString: string, cloud: CloudName, into: { namespace: string; eventHubName: string }): ParsedConnectionString {
  const parsed = parseConnectionString(connectionString);
  into.namespace = valueOf(validateNamespace(parsed.namespace, cloud), parsed.namespace);
  if (parsed.eventHubName) {
    into.eventHubName = parsed.eventHubName;
  }
  return parsed;
}

/** The endpoint secrets an edit keeps unseen: the stored SAS key or connection string (non-empty only). */
export function keptEndpointSecrets(auth: EndpointAuth | undefined): { readonly sasKey?: string; readonly connectionString?: string } {
  return {
    ...(auth?.kind === 'sas' && auth.key ? { sasKey: auth.key } : {}),
    ...(auth?.kind === 'connectionString' && auth.connectionString ? { connectionString: auth.connectionString } : {}),
  };
}

/** The endpoint's auth from the answers: each secret is the first non-empty of `candidates` (typed, pasted, kept). */
export function endpointAuthOf(
  kind: EndpointAuth['kind'],
  keyName: string,
  candidates: { readonly key: readonly (string | undefined)[]; readonly connectionString: readonly (string | undefined)[] },
): EndpointAuth {
  const first = (values: readonly (string | undefined)[]): string => values.find((v) => v) ?? '';
  switch (kind) {
    case 'entra':
      return { kind: 'entra' };
    case 'sas':
      return { kind: 'sas', keyName, key: first(candidates.key) };
    case 'connectionString':
      return { kind: 'connectionString', connectionString: first(candidates.connectionString) };
  }
}
