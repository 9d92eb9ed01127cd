// The round trip's consumer endpoint (readBack): its fields, and the checks against the send
// endpoint and a connection string that would silently win. No vscode import.
import { parseConnectionString } from '../azure/connectionString';
import { isValidationError, ValidationError } from '../errors/errors';
import type { CloudName } from './cloud';
import { validateEventHubName, validateNamespace, validateSasKey, validateSasKeyName } from './endpointFields';
import { READ_BACK_TIMEOUT_SECONDS } from './limits';
import type { ConnectionProfile, ReadBackSettings } from './profile';
import { clip, fail, ok, problems, type Validated } from './validated';

/** Read back with Entra uses the stage-4 token, which only a flow that sends with Entra obtains. */
export const ENTRA_READ_BACK_WITHOUT_TOKEN = new ValidationError(
  'readBack.auth',
  'is entra, but the send endpoint does not use Entra ID, so the flow obtains no Event Hubs token to read with.',
  'Give the read-back endpoint its own SAS key or connection string, or leave readBack.auth out to read with the send endpoint\'s credentials.',
);

/**
 * A consumer that reads with a connection string reads where its Endpoint (and EntityPath) point, so
 * a readBack.namespace or eventHubName naming somewhere else would be silently ignored.
 */
export function readBackTargetMismatches(readBack: ReadBackSettings, auth: ConnectionProfile['endpoint']['auth'], cloud: CloudName): ValidationError[] {
  if (auth.kind !== 'connectionString') {
    return [];
  }
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(auth.connectionString);
  } catch {
    return []; // Reported as a connection-string problem.
  }
  const whose = readBack.auth ? 'readBack.auth.connectionString' : "the send endpoint's connection string (readBack has no auth of its own)";
  const fix = "Give readBack its own auth (a SAS key or connection string of the consumer endpoint), or make the two agree: the connection string's Endpoint and EntityPath win.";
  const found: ValidationError[] = [];
  const canonical = readBack.namespace === undefined ? undefined : validateNamespace(readBack.namespace, cloud);
  // A namespace that does not validate is reported by validateReadBack; compare only canonical hosts.
  const namespace = canonical?.ok ? canonical.value : undefined;
  if (namespace && namespace !== parsed.namespace) {
    found.push(new ValidationError('readBack.namespace', `is ${namespace}, but ${whose} points at ${parsed.namespace}.`, fix));
  }
  const hub = readBack.eventHubName?.trim();
  if (hub && parsed.eventHubName && hub !== parsed.eventHubName) {
    found.push(new ValidationError('readBack.eventHubName', `is ${clip(hub)}, but ${whose} has EntityPath ${clip(parsed.eventHubName)}.`, fix));
  }
  return found;
}

/** Event Hubs consumer group names: 1–50 letters, digits, `.`, `-`, `_`, `$` (Fabric's are GUIDs). */
const CONSUMER_GROUP = /^[A-Za-z0-9$][A-Za-z0-9._$-]{0,49}$/;

export function validateConsumerGroup(input: string, field = 'readBack.consumerGroup'): Validated<string> {
  const value = input.trim();
  if (!CONSUMER_GROUP.test(value)) {
    return fail(
      field,
      value ? `"${clip(value)}" is not a consumer group name.` : 'is empty.',
      'Use $Default, or the consumer group shown on the consumer endpoint (Fabric: the destination custom endpoint\'s Event hub tab).',
    );
  }
  return ok(value);
}

/** Read-back seconds: whole or fractional, 1 to 600. */
export function validateReadBackTimeout(seconds: number, field = 'readBack.timeoutSeconds'): Validated<number> {
  const { min, max } = READ_BACK_TIMEOUT_SECONDS;
  // A stored profile may hold a fraction of a second (the CLI option takes whole numbers only).
  if (!Number.isFinite(seconds) || seconds < min || seconds > max) {
    return fail(field, `is ${clip(String(seconds))}.`, `Give a number of seconds from ${min} to ${max} (default ${READ_BACK_TIMEOUT_SECONDS.default}).`);
  }
  return ok(seconds);
}

/** The consumer endpoint of the round trip; fields left out default to the send endpoint. */
export function validateReadBack(readBack: ReadBackSettings, cloud: CloudName = 'public'): ValidationError[] {
  const found: ValidationError[] = [];
  if (readBack.namespace !== undefined) {
    found.push(...problems([validateNamespace(readBack.namespace, cloud, 'readBack.namespace')]));
  }
  if (readBack.eventHubName !== undefined) {
    found.push(...problems([validateEventHubName(readBack.eventHubName, 'readBack.eventHubName')]));
  }
  if (readBack.consumerGroup !== undefined) {
    found.push(...problems([validateConsumerGroup(readBack.consumerGroup)]));
  }
  if (readBack.timeoutSeconds !== undefined) {
    found.push(...problems([validateReadBackTimeout(readBack.timeoutSeconds)]));
  }
  const auth = readBack.auth;
  if (auth?.kind === 'sas') {
    found.push(...problems([validateSasKeyName(auth.keyName, 'readBack.auth.keyName'), validateSasKey(auth.key, 'readBack.auth.key')]));
  } else if (auth?.kind === 'connectionString') {
    try {
      found.push(...problems([validateNamespace(parseConnectionString(auth.connectionString).namespace, cloud, 'readBack.auth.connectionString')]));
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      found.push(new ValidationError('readBack.auth.connectionString', error.problem, error.fix));
    }
  } else if (auth !== undefined && auth.kind !== 'entra') {
    found.push(new ValidationError('readBack.auth.kind', `is "${clip(String((auth as { kind?: unknown }).kind))}".`, 'Use entra, sas or connectionString.'));
  }
  return found;
}
