/**
 * A data pipeline's definition: its parts (`pipeline-content.json` and `.platform`, InlineBase64),
 * checked as the service checks them, and the parts stored per item.
 * Contract: dataPipeline/swagger.json (microsoft/fabric-rest-api-specs at 4a7d6e4) and its examples.
 */
import { DefinitionError, readPipelineDefinition } from '../pipelineRunner/definition';
import type { FabricWorld } from './fabricWorld';
import type { FabricRequest } from './server';

export const PIPELINE_CONTENT_PART = 'pipeline-content.json';
const PLATFORM_PART = '.platform';

export interface DefinitionPart {
  readonly path: string;
  readonly payload: string;
  readonly payloadType: 'InlineBase64';
}


const stores = new WeakMap<FabricWorld, Map<string, DefinitionPart[]>>();

/** The stored definition parts of each data pipeline of a Fabric world, by item id. */
export function storedDefinitions(fabric: FabricWorld): Map<string, DefinitionPart[]> {
  let store = stores.get(fabric);
  if (!store) {
    store = new Map();
    stores.set(fabric, store);
  }
  return store;
}

/** The stored definition parts of a data pipeline (tests). */
export function dataPipelineDefinition(fabric: FabricWorld, itemId: string): readonly DefinitionPart[] | undefined {
  return storedDefinitions(fabric).get(itemId.toLowerCase());
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the parts and the pipeline in them; answers 400 and returns undefined when they are wrong.
 * CorruptedPayload is in the swagger's common error codes; the code for a well-formed payload that is
 * not a valid pipeline is undocumented (the sandbox says InvalidDefinition and names the field).
 */
export function readParts(request: FabricRequest, definition: unknown, displayName: string): DefinitionPart[] | undefined {
  if (!isRecord(definition) || !Array.isArray(definition['parts'])) {
    request.error(400, 'InvalidDefinition', "The definition must have 'parts': an array of { path, payload, payloadType }.");
    return undefined;
  }
  const parts: DefinitionPart[] = [];
  for (const raw of definition['parts'] as unknown[]) {
    if (!isRecord(raw) || typeof raw['path'] !== 'string' || typeof raw['payload'] !== 'string' || raw['payloadType'] !== 'InlineBase64') {
      request.error(400, 'InvalidDefinition', "Each definition part needs a 'path', a 'payload' and payloadType 'InlineBase64'.");
      return undefined;
    }
    parts.push({ path: raw['path'], payload: raw['payload'], payloadType: 'InlineBase64' });
  }
  const content = parts.find((part) => part.path === PIPELINE_CONTENT_PART);
  if (!content) {
    request.error(400, 'InvalidDefinition', `The definition has no '${PIPELINE_CONTENT_PART}' part.`);
    return undefined;
  }
  // Standard base64 (not URL-safe), as the docs write it: anything else is a corrupted payload.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content.payload) || content.payload.length % 4 !== 0) {
    request.error(400, 'CorruptedPayload', `The payload of '${PIPELINE_CONTENT_PART}' is not standard base64.`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content.payload, 'base64').toString('utf8'));
  } catch {
    request.error(400, 'CorruptedPayload', `The payload of '${PIPELINE_CONTENT_PART}' is not JSON.`);
    return undefined;
  }
  try {
    readPipelineDefinition(parsed);
  } catch (error) {
    if (error instanceof DefinitionError) {
      request.error(400, 'InvalidDefinition', `${PIPELINE_CONTENT_PART}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (!parts.some((part) => part.path === PLATFORM_PART)) {
    parts.push(platformPart(displayName));
  }
  return parts;
}

/** The `.platform` part Fabric keeps beside the content (git integration's platformProperties schema). */
export function platformPart(displayName: string): DefinitionPart {
  const platform = {
    $schema: 'https://developer.microsoft.com/json-schemas/fabric/gitIntegration/platformProperties/2.0.0/schema.json',
    metadata: { type: 'DataPipeline', displayName },
    config: { version: '2.0', logicalId: '00000000-0000-0000-0000-000000000000' },
  };
  return { path: PLATFORM_PART, payload: Buffer.from(JSON.stringify(platform, null, 2)).toString('base64'), payloadType: 'InlineBase64' };
}
