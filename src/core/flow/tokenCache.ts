import { createHash } from 'node:crypto';
import { isCancelledError } from '../errors/errors';
import type { AccessToken } from './credentials';

/** Tokens are keyed by who asked, with which credential, where, and for what. */
export interface TokenCacheKey {
  readonly authority: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly audience: string;
  /**
   * The client secret the token is requested with. A changed secret (edited, rotated in Key Vault,
   * or a second profile for the same app) must be tried, not answered from the cache; only a
   * SHA-256 fingerprint of it enters the key.
   */
  readonly credential?: string;
}

/** Refresh this long before expiry, so a token never expires mid-flow (the SDKs use 2–5 minutes). */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Caches tokens per (authority, tenant, client, audience) until shortly before expiry, and
 * shares one in-flight request between concurrent callers (AADSTS50196 punishes token storms).
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly refreshMarginMs: number = DEFAULT_REFRESH_MARGIN_MS,
  ) {}

  static keyOf(key: TokenCacheKey): string {
    const credential = key.credential === undefined ? '' : createHash('sha256').update(key.credential, 'utf8').digest('base64url');
    return [key.authority.toLowerCase(), key.tenantId.toLowerCase(), key.clientId, key.audience, credential].join('|');
  }

  get(key: TokenCacheKey): AccessToken | undefined {
    const id = TokenCache.keyOf(key);
    const token = this.tokens.get(id);
    if (token && token.expiresOnTimestamp - this.refreshMarginMs > this.now()) {
      return token;
    }
    this.tokens.delete(id);
    return undefined;
  }

  set(key: TokenCacheKey, token: AccessToken): void {
    this.tokens.set(TokenCache.keyOf(key), token);
  }

  /** The cached token, or the result of `fetch` (shared by concurrent callers, cached on success). */
  getOrFetch(key: TokenCacheKey, fetch: () => Promise<AccessToken>): Promise<{ token: AccessToken; cached: boolean }> {
    return this.fetchShared(key, fetch, true);
  }

  private async fetchShared(key: TokenCacheKey, fetch: () => Promise<AccessToken>, mayRejoin: boolean): Promise<{ token: AccessToken; cached: boolean }> {
    const cached = this.get(key);
    if (cached) {
      return { token: cached, cached: true };
    }
    const id = TokenCache.keyOf(key);
    let pending = this.inFlight.get(id);
    const joined = pending !== undefined;
    if (!pending) {
      pending = fetch().finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    let token: AccessToken;
    try {
      token = await pending;
    } catch (error) {
      // The shared request ran on the first caller's signal: its cancel or stage timeout is not
      // this caller's. A caller that only joined asks again, once, with its own fetch (and signal).
      if (joined && mayRejoin && endedByCallerSignal(error)) {
        return this.fetchShared(key, fetch, false);
      }
      throw error;
    }
    this.set(key, token);
    return { token, cached: false };
  }

  /** Forget tokens: all, or those of one client (after its secret was rotated, say). */
  clear(clientId?: string): void {
    if (clientId === undefined) {
      this.tokens.clear();
      return;
    }
    for (const id of [...this.tokens.keys()]) {
      if (id.split('|')[2] === clientId) {
        this.tokens.delete(id);
      }
    }
  }

  get size(): number {
    return this.tokens.size;
  }
}

function endedByCallerSignal(error: unknown): boolean {
  return isCancelledError(error) || (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'StageTimeout');
}
