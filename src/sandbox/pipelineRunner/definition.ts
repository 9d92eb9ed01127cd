/**
 * A pipeline definition as the Fabric and Data Factory peers accept it: `{ properties: { activities,
 * parameters } }` (Data Factory `Pipeline` in azure-rest-api-specs datafactory 2018-06-01
 * `entityTypes/Pipeline.json`; Fabric's `pipeline-content.json` has the same `properties`).
 * Checked structurally at deploy time, as the services refuse a malformed pipeline on PUT / create.
 */
import { ExpressionError, parseTemplate } from './expression';

export type DependencyCondition = 'Succeeded' | 'Failed' | 'Skipped' | 'Completed';
export const DEPENDENCY_CONDITIONS: readonly DependencyCondition[] = ['Succeeded', 'Failed', 'Skipped', 'Completed'];

export interface ActivityDefinition {
  readonly name: string;
  readonly type: string;
  readonly dependsOn: readonly { readonly activity: string; readonly dependencyConditions: readonly DependencyCondition[] }[];
  readonly policy: {
    /** Milliseconds. */
    readonly timeoutMs: number;
    readonly retry: number;
    readonly retryIntervalInSeconds: number;
    readonly secureInput: boolean;
    readonly secureOutput: boolean;
  };
  /** The definition's typeProperties as given (strings still unevaluated). */
  readonly typeProperties: Readonly<Record<string, unknown>>;
}

export interface ParameterDefinition {
  readonly type: 'String' | 'SecureString' | 'Int' | 'Float' | 'Bool' | 'Array' | 'Object';
  readonly defaultValue?: unknown;
}

export interface PipelineDefinition {
  readonly activities: readonly ActivityDefinition[];
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
}

/** A definition the peers refuse: the message names the field, as the services' BadRequest answers do. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

const PARAMETER_TYPES = ['String', 'SecureString', 'Int', 'Float', 'Bool', 'Array', 'Object'] as const;
/** ActivityPolicy defaults (Pipeline.json / the activity policy docs): 12 hours, no retry, 30 s between retries. */
const DEFAULT_TIMEOUT_MS = 12 * 60 * 60 * 1000;
const DEFAULT_RETRY_INTERVAL_S = 30;
/** Pipeline.json: `retryIntervalInSeconds` 30 to 86400; `retry` 0 or more; timeout at most 7 days (the docs). */
const MAX_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
/** The activity name pattern of Pipeline.json (`Activity.name`): no < > * # . % & : \ + ? / and at most 55 characters. */
const ACTIVITY_NAME = /^[A-Za-z0-9_][^<>*#.%&:\\+?/]{0,54}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `d.hh:mm:ss` or `hh:mm:ss` (the ActivityPolicy timeout pattern `((\d+)\.)?(\d\d):(60|([0-5][0-9])):(60|([0-5][0-9]))`). */
export function parseTimespan(text: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d\d):(60|[0-5]\d):(60|[0-5]\d)$/.exec(text);
  if (!match) {
    return undefined;
  }
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** Reads `{ properties: {...} }` or bare properties; throws DefinitionError naming what is wrong. */
export function readPipelineDefinition(input: unknown): PipelineDefinition {
  const properties = isRecord(input) && isRecord(input['properties']) ? input['properties'] : input;
  if (!isRecord(properties)) {
    throw new DefinitionError("The pipeline definition must be a JSON object with 'properties'.");
  }
  const rawActivities = properties['activities'] ?? [];
  if (!Array.isArray(rawActivities)) {
    throw new DefinitionError("'properties.activities' must be an array.");
  }
  const activities = rawActivities.map((raw, index) => readActivity(raw, index));
  const names = new Set<string>();
  for (const activity of activities) {
    const key = activity.name.toLowerCase();
    if (names.has(key)) {
      throw new DefinitionError(`Activity names must be unique: '${activity.name}' appears more than once.`);
    }
    names.add(key);
  }
  for (const activity of activities) {
    for (const dependency of activity.dependsOn) {
      if (!activities.some((other) => other.name === dependency.activity)) {
        throw new DefinitionError(`Activity '${activity.name}' depends on '${dependency.activity}', which is not an activity of this pipeline.`);
      }
    }
  }
  checkAcyclic(activities);
  const rawParameters = properties['parameters'] ?? {};
  if (!isRecord(rawParameters)) {
    throw new DefinitionError("'properties.parameters' must be an object.");
  }
  const parameters: Record<string, ParameterDefinition> = {};
  for (const [name, spec] of Object.entries(rawParameters)) {
    if (!isRecord(spec) || !PARAMETER_TYPES.includes(spec['type'] as (typeof PARAMETER_TYPES)[number])) {
      throw new DefinitionError(`Parameter '${name}' must have a type: one of ${PARAMETER_TYPES.join(', ')}.`);
    }
    parameters[name] = { type: spec['type'] as ParameterDefinition['type'], ...('defaultValue' in spec ? { defaultValue: spec['defaultValue'] } : {}) };
  }
  return { activities, parameters };
}

function readActivity(raw: unknown, index: number): ActivityDefinition {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || typeof raw['type'] !== 'string') {
    throw new DefinitionError(`Activity ${index + 1} must have a 'name' and a 'type'.`);
  }
  const name = raw['name'];
  if (!ACTIVITY_NAME.test(name)) {
    throw new DefinitionError(`Activity name '${name}' is not valid: up to 55 characters, starting with a letter, digit or '_', without < > * # . % & : \\ + ? /.`);
  }
  const rawDepends = raw['dependsOn'] ?? [];
  if (!Array.isArray(rawDepends)) {
    throw new DefinitionError(`Activity '${name}': 'dependsOn' must be an array.`);
  }
  const dependsOn = rawDepends.map((dependency) => {
    if (!isRecord(dependency) || typeof dependency['activity'] !== 'string' || !Array.isArray(dependency['dependencyConditions'])) {
      throw new DefinitionError(`Activity '${name}': each dependsOn entry needs 'activity' and 'dependencyConditions'.`);
    }
    const conditions = dependency['dependencyConditions'] as unknown[];
    if (conditions.length === 0 || !conditions.every((condition) => DEPENDENCY_CONDITIONS.includes(condition as DependencyCondition))) {
      throw new DefinitionError(`Activity '${name}': dependency conditions must be among ${DEPENDENCY_CONDITIONS.join(', ')}.`);
    }
    return { activity: dependency['activity'], dependencyConditions: conditions as DependencyCondition[] };
  });
  const policy = isRecord(raw['policy']) ? raw['policy'] : {};
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (policy['timeout'] !== undefined) {
    const parsed = typeof policy['timeout'] === 'string' ? parseTimespan(policy['timeout']) : undefined;
    if (parsed === undefined || parsed <= 0 || parsed > MAX_TIMEOUT_MS) {
      throw new DefinitionError(`Activity '${name}': policy.timeout ${JSON.stringify(policy['timeout'])} is not a timespan d.hh:mm:ss of at most 7 days.`);
    }
    timeoutMs = parsed;
  }
  const retry = policy['retry'] ?? 0;
  if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0) {
    throw new DefinitionError(`Activity '${name}': policy.retry must be a whole number, 0 or more.`);
  }
  const interval = policy['retryIntervalInSeconds'] ?? DEFAULT_RETRY_INTERVAL_S;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 30 || interval > 86400) {
    throw new DefinitionError(`Activity '${name}': policy.retryIntervalInSeconds must be a whole number from 30 to 86400.`);
  }
  const typeProperties = isRecord(raw['typeProperties']) ? raw['typeProperties'] : {};
  checkTemplates(name, typeProperties);
  return {
    name,
    type: raw['type'],
    dependsOn,
    policy: { timeoutMs, retry, retryIntervalInSeconds: interval, secureInput: policy['secureInput'] === true, secureOutput: policy['secureOutput'] === true },
    typeProperties,
  };
}

/** Expressions that do not parse are refused at deploy time, naming the activity and the expression. */
function checkTemplates(activity: string, value: unknown, path = 'typeProperties'): void {
  if (typeof value === 'string') {
    try {
      parseTemplate(value);
    } catch (error) {
      if (error instanceof ExpressionError) {
        throw new DefinitionError(`Activity '${activity}', ${path}: ${error.message}`);
      }
      throw error;
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkTemplates(activity, item, `${path}[${index}]`));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkTemplates(activity, item, `${path}.${key}`);
    }
  }
}

function checkAcyclic(activities: readonly ActivityDefinition[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const byName = new Map(activities.map((activity) => [activity.name, activity]));
  const visit = (name: string, trail: string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') {
      return;
    }
    if (seen === 'visiting') {
      throw new DefinitionError(`The activities' dependencies form a cycle: ${[...trail.slice(trail.indexOf(name)), name].join(' → ')}.`);
    }
    state.set(name, 'visiting');
    for (const dependency of byName.get(name)?.dependsOn ?? []) {
      visit(dependency.activity, [...trail, name]);
    }
    state.set(name, 'done');
  };
  for (const activity of activities) {
    visit(activity.name, []);
  }
}

/** Every activity `name` depends on, directly or not: what its expressions may reference. */
export function ancestorsOf(definition: PipelineDefinition, name: string): Set<string> {
  const found = new Set<string>();
  const byName = new Map(definition.activities.map((activity) => [activity.name, activity]));
  const stack = [...(byName.get(name)?.dependsOn ?? []).map((dependency) => dependency.activity)];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (!found.has(next)) {
      found.add(next);
      stack.push(...(byName.get(next)?.dependsOn ?? []).map((dependency) => dependency.activity));
    }
  }
  return found;
}
