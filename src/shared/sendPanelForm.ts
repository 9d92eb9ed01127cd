/**
 * The send panel's form: its limits, and the shapes of what the user fills in (the form a Send
 * posts, the settings the host keeps per workspace, the draft the webview keeps in its own state).
 * Part of the panel's protocol (sendPanelProtocol.ts); no DOM, Node or vscode imports.
 */
import { EVENT_COUNT, SEND_RATE } from '../core/model/limits';

// ---------------------------------------------------------------------------------------------
// Limits (the host re-checks the rendered events against the core's own limits)

export const SEND_PANEL_LIMITS = {
  /** 1 MiB: Event Hubs and Eventstream refuse larger publications. */
  maxBodyBytes: 1_048_576,
  /** The CLI's --count range (core/model/limits), so both refuse the same counts in the same words. */
  minCount: EVENT_COUNT.min,
  maxCount: EVENT_COUNT.max,
  minRate: SEND_RATE.min,
  maxRate: SEND_RATE.max,
  maxParameters: 50,
  maxParameterNameLength: 128,
  maxParameterValueLength: 8192,
  maxProperties: 50,
  maxPropertyNameLength: 128,
  maxPropertyValueLength: 8192,
  maxPartitionKeyLength: 128,
  maxPartitionIdLength: 16,
  maxContentTypeLength: 256,
  maxProfileIdLength: 200,
  maxRequestIdLength: 64,
  maxUrlLength: 2048,
  maxHistorySize: 200,
} as const;

export const PROTOCOLS = ['rest', 'amqp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];


export const PARTITION_KINDS = ['none', 'key', 'id'] as const;
export type PartitionKind = (typeof PARTITION_KINDS)[number];
export type Partition = { readonly kind: 'none' } | { readonly kind: 'key'; readonly value: string } | { readonly kind: 'id'; readonly value: string };

export interface CustomProperty {
  readonly name: string;
  readonly value: string;
}

/** Everything the user filled in. The body is a pipeline-style template, rendered per event on the host. */
export interface SendForm {
  readonly profileId: string;
  readonly body: string;
  /** The parent pipeline's parameters, as strings (how a Web activity body receives them). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly properties: readonly CustomProperty[];
  readonly partition: Partition;
  readonly protocol: Protocol;
  readonly count: number;
  /** true: one request with every event; false: `count` requests of one event each. */
  readonly batch: boolean;
  /** Load mode (with `batch`): send the events at this many per second, as the CLI's --rate does. */
  readonly rate?: number;
  /** Read the sent event back from the profile's consumer endpoint (the last request's, with `batch: false`). */
  readonly readBack?: boolean;
}

/**
 * What the host keeps per workspace (`workspaceState`). No body, no parameter or property values:
 * those are user data that may hold anything, so they live only in the webview's own state.
 */
export interface PersistedForm {
  readonly profileId?: string;
  readonly contentType: string;
  readonly protocol: Protocol;
  readonly count: number;
  readonly batch: boolean;
  readonly partitionKind: PartitionKind;
  readonly parameterNames: readonly string[];
  readonly propertyNames: readonly string[];
  readonly readBack?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Webview state (`acquireVsCodeApi().setState`): the draft, which never leaves the webview except
// in a `send` or `validateBody` message.

export interface SendPanelState {
  readonly version: 1;
  readonly draft: DraftForm;
}

/**
 * The form as typed, possibly unfinished (empty rows, a count being edited); checked only at Send.
 * It is the SendForm but for what is still text: the partition, the count and the rate.
 */
export interface DraftForm extends Omit<SendForm, 'partition' | 'count' | 'rate'> {
  readonly partitionKind: PartitionKind;
  readonly partitionValue: string;
  readonly count: string;
  /** Events per second as typed; empty or absent: as fast as the service takes them. */
  readonly rate?: string;
}


/** Pipeline parameter names: what a Data Factory expression can name. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that would reach Object.prototype through a plain-object lookup. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
