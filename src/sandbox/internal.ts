/**
 * Contracts between the sandbox's peers (not exported from the sandbox's public API).
 * index.ts wires: CA + leaf certificate → each peer's TLS server; one FaultRegistry; one TokenIssuer
 * (Entra signs, Key Vault and Event Hubs verify); one World (identities, secrets, role assignments).
 */
import type { FaultKind, FaultSpec, Peer, ReceivedEvent, ThrottledSend } from './types';

/** Claims of the access tokens the Entra peer signs (RS256 JWT), as real Entra v1/v2 tokens carry them. */
export interface AccessTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly tid: string;
  readonly appid: string;
  readonly oid: string;
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly ver: '1.0' | '2.0';
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'badSignature' | 'expired' };

export interface TokenVerifier {
  verify(token: string): TokenCheck;
}

/** What a peer knows about a request when it asks whether a fault applies. */
export interface FaultProbe {
  readonly clientId?: string;
  readonly resource?: string;
  readonly secretName?: string;
  readonly protocol?: 'rest' | 'amqp';
}

export interface ActiveFault {
  readonly id: string;
  readonly kind: FaultKind;
  readonly spec: FaultSpec;
}

export interface FaultRegistry {
  /**
   * The first active fault for this peer whose `match` fits; counts a hit (and expires `times` faults).
   * `kinds` narrows the search, so a peer can apply transport faults before authentication and
   * data faults after it. Listener-level `connectionRefused` faults are never taken.
   */
  take(peer: Peer, probe: FaultProbe, kinds?: readonly FaultKind[]): ActiveFault | undefined;
  /** Listener-level faults (connectionRefused) are applied by the sandbox; peers are told on change. */
  onChange(listener: () => void): void;
}

/** Role names the world assigns, after the Azure built-in roles. */
export type WorldRole = 'Key Vault Secrets User' | 'Key Vault Secrets Officer' | 'Azure Event Hubs Data Sender' | 'Azure Event Hubs Data Receiver';

export interface WorldSecretVersion {
  readonly version: string; // 32 hex
  value: string;
  enabled: boolean;
  /** Unix seconds. */
  readonly created: number;
  updated: number;
  notBefore?: number;
  expires?: number;
  contentType?: string;
  tags?: Record<string, string>;
}

export interface WorldState {
  readonly tenantId: string;
  /** App registrations: clientId → its valid secret (and whether that secret has expired). */
  readonly apps: Map<string, { displayName: string; secret: string; secretExpired: boolean; objectId: string }>;
  /** Role assignments by the service principal's clientId (appid). */
  readonly roles: Map<string, Set<WorldRole>>;
  /** Vault secrets: name → versions, newest last. */
  readonly secrets: Map<string, WorldSecretVersion[]>;
  readonly eventHubName: string;
  readonly partitionIds: readonly string[];
  /** SAS rules on the event hub: key name → { key, rights }. */
  readonly sasRules: Map<string, { key: string; rights: readonly ('Send' | 'Listen' | 'Manage')[] }>;
  /** Consumer groups of the hub ($Default first); compared case-insensitively, as the service does. */
  readonly consumerGroups: readonly string[];
  readonly createdAt: Date;
}

/** Where the Event Hubs peers record what they accepted. */
export interface EventRecorder {
  record(event: Omit<ReceivedEvent, 'sequenceNumber' | 'receivedAt'>): ReceivedEvent;
  /** A send the partition limit refused (nothing of it is recorded as received). */
  recordThrottled(send: Omit<ThrottledSend, 'at'>): void;
  /** Per-partition sequence state for $management partition READ. */
  partitionState(partitionId: string): { beginSequenceNumber: number; lastSequenceNumber: number; lastEnqueuedAt?: Date; lastOffset: string };
  /** The partition's retained events, oldest first, with their offsets (what consumers read). */
  stream(partitionId: string): readonly StoredEvent[];
  /** Called with every newly recorded event; returns the unsubscribe function. */
  onRecord(listener: (stored: StoredEvent) => void): () => void;
}

/** An accepted event as a consumer sees it: the event and its stream offset. */
export interface StoredEvent {
  readonly event: ReceivedEvent;
  /** Byte offset in the partition, a string as the service reports it. */
  readonly offset: string;
}

export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
}
