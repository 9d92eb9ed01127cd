import type { StageId } from '../core/flow/types';

/** Exit codes: scripts can tell which stage failed without parsing output. */
export const EXIT = {
  ok: 0,
  /** Unexpected internal error. */
  internal: 1,
  /** Bad arguments, or a profile that fails validation: nothing was sent. */
  usage: 2,
  /** inspect-token: the token was obtained, but a claim does not fit the stage that uses it. */
  tokenMismatch: 3,
  /** --read-back: the event was sent, but could not be read back (timeout, no Listen right, …). */
  readBack: 17,
  cancelled: 130,
} as const;

export const STAGE_EXIT_CODES: Readonly<Record<StageId, number>> = {
  keyVaultToken: 11,
  readClientId: 12,
  readClientSecret: 13,
  eventHubsToken: 14,
  send: 15,
  probe: 16,
};
