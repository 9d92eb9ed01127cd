/**
 * What the send panel's webview checks: that a message is its host's, and the state it restored
 * (`getState()`) is one it wrote. Part of the panel's protocol (sendPanelProtocol.ts).
 */
import { PARAMETER_NAME, PARTITION_KINDS, PROTOCOLS, SEND_PANEL_LIMITS, UNSAFE_KEYS, type DraftForm, type SendPanelState } from './sendPanelForm';
import type { HostMessage, HostMessageType } from './sendPanelMessages';
import { array, boolean, isRecord, oneOf, record, string } from './validate';

const L = SEND_PANEL_LIMITS;

// ---------------------------------------------------------------------------------------------
// Host → webview: the webview trusts its host, but a cheap check keeps a stray message (another
// extension's, a stale version's) from breaking the UI.

const HOST_MESSAGE_TYPES: readonly HostMessageType[] = ['init', 'profiles', 'runStarted', 'flowEvent', 'sendProgress', 'sendResult', 'readBack', 'bodyValidation', 'history', 'pipelineRun'];

export function isHostMessage(data: unknown): data is HostMessage {
  return isRecord(data) && typeof data.type === 'string' && (HOST_MESSAGE_TYPES as readonly string[]).includes(data.type);
}

/** Checks a state restored from `getState()`; a state of another shape or version is discarded. */
export function parsePanelState(data: unknown): SendPanelState | undefined {
  if (!isRecord(data) || data.version !== 1) {
    return undefined;
  }
  try {
    const d = record(data.draft, 'draft');
    const text = (v: unknown, f: string, max: number): string => string(v, f, { max });
    const draft: DraftForm = {
      profileId: text(d.profileId, 'profileId', L.maxProfileIdLength),
      body: text(d.body, 'body', L.maxBodyBytes),
      parameters: Object.fromEntries(
        Object.entries(record(d.parameters, 'parameters'))
          .filter(([name]) => PARAMETER_NAME.test(name) && !UNSAFE_KEYS.has(name))
          .map(([name, v]) => [name, text(v, name, L.maxParameterValueLength)]),
      ),
      contentType: text(d.contentType, 'contentType', L.maxContentTypeLength),
      properties: array(d.properties, 'properties', L.maxProperties).map((p) => {
        const row = record(p, 'property');
        return { name: text(row.name, 'name', L.maxPropertyNameLength), value: text(row.value, 'value', L.maxPropertyValueLength) };
      }),
      partitionKind: oneOf(d.partitionKind, 'partitionKind', PARTITION_KINDS),
      partitionValue: text(d.partitionValue, 'partitionValue', L.maxPartitionKeyLength),
      protocol: oneOf(d.protocol, 'protocol', PROTOCOLS),
      count: text(d.count, 'count', 10),
      batch: boolean(d.batch, 'batch'),
      ...(d.rate === undefined ? {} : { rate: text(d.rate, 'rate', 10) }),
      ...(d.readBack === undefined ? {} : { readBack: boolean(d.readBack, 'readBack') }),
    };
    return { version: 1, draft };
  } catch {
    return undefined;
  }
}

