/**
 * What the AMQP peer keeps per connection, and the claim lookup every link and transfer goes
 * through: a put-token on `$cbs` authorizes an audience (and the paths below it) for the
 * connection's lifetime or the token's, whichever ends first (wire facts §7.2).
 */
import type { Sender } from 'rhea';
import { authFailure, missingClaim, type AuthContext, type AuthResult, type AuthSuccess } from './eventHubsAuth';
import { sendClaimText, type Claim, type PartitionChooser } from './eventHubsCommon';
import type { NetworkDelay } from './eventHubsLatency';
import type { PartitionThrottle } from './eventHubsThrottle';
import type { EventRecorder, FaultRegistry } from './internal';

export interface AmqpContext extends AuthContext {
  readonly faults: FaultRegistry;
  readonly recorder: EventRecorder;
  readonly chooser: PartitionChooser;
  /** The per-partition ingress limit (off unless set). */
  readonly throttle: PartitionThrottle;
  /** Simulated latency: connection opens, dispositions and `$cbs` / `$management` responses wait for it. */
  readonly delay: NetworkDelay;
}

export interface ConnState {
  readonly destroy: () => void;
  /** Successful put-tokens by normalized audience path (`hub`, `hub/partitions/0`, `hub/$management`). */
  readonly claims: Map<string, AuthSuccess>;
  /** Reply links (server-side senders) by link name and by target address. */
  readonly replyLinks: Map<string, Sender>;
  /** Receive links this connection opened (server-side senders delivering events). */
  readonly consumers: Set<ConsumerLink>;
}

/** A consumer's receive link: where it reads and the sequence number it gets next. */
export interface ConsumerLink {
  readonly sender: Sender;
  readonly hub: string;
  /** Lower-cased, as the service compares consumer groups. */
  readonly consumerGroup: string;
  readonly partitionId: string;
  /** `com.microsoft:epoch` (owner level), when the client set one. */
  readonly epoch?: number;
  next: number;
}

/** What a client's sender link (a server-side receiver) is for. */
export type LinkRole = { kind: 'cbs' } | { kind: 'management' } | HubLinkRole;

export interface HubLinkRole {
  readonly kind: 'hub';
  readonly hub: string;
  readonly partitionId?: string;
  /** The audience key whose put-token covers this link. */
  readonly claimKey: string;
}

export function audienceKey(segments: readonly string[]): string {
  return segments.map((s) => s.toLowerCase()).join('/');
}

/**
 * The put-token that covers an audience: its own, or one for an enclosing path (a hub token
 * covers its partitions and consumer groups), holding the claim the link needs.
 */
export function findClaim(ctx: AmqpContext, state: ConnState, key: string, need: Claim = 'Send'): AuthResult {
  const parts = key.split('/');
  for (let n = parts.length; n > 0; n -= 1) {
    const claim = state.claims.get(parts.slice(0, n).join('/'));
    if (claim) {
      if (!claim.rights.has(need)) {
        return missingClaim(need, parts, ctx, claim.clientId);
      }
      // The same 30 s of clock skew the token verifier allows.
      return claim.expiresAt + 30_000 > Date.now() ? claim : authFailure('ExpiredToken', `ExpiredToken: The token is expired. Expiration time: '${new Date(claim.expiresAt).toISOString()}'`);
    }
  }
  return need === 'Listen' ? missingClaim('Listen', parts, ctx) : authFailure('MissingSendClaim', sendClaimText(ctx.ns, parts[0] ?? ''));
}
