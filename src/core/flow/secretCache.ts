/**
 * The two secrets stages 2 and 3 read, kept for a warm send (issue #8): without it every send
 * re-reads both from Key Vault although only the Event Hubs token (cached) needs them. Values live
 * in memory only, for a short time, and are dropped whenever a run fails, so a rotated secret is
 * read again at once; the stage tests always read afresh.
 */
import type { SecretValue } from './credentials';

/** Five minutes: sends while editing a body reuse them; a rotation is picked up soon after. */
export const DEFAULT_SECRET_REUSE_MS = 5 * 60 * 1000;

export class SecretCache {
  private readonly entries = new Map<string, { readonly value: SecretValue; readonly until: number }>();

  constructor(
    private readonly reuseMs: number = DEFAULT_SECRET_REUSE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  static keyOf(vaultUrl: string, name: string, version: string | undefined): string {
    return JSON.stringify([vaultUrl, name.toLowerCase(), version ?? 'latest']);
  }

  get(key: string): SecretValue | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until > this.now()) {
      return entry.value;
    }
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: SecretValue): void {
    this.entries.set(key, { value, until: this.now() + this.reuseMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
