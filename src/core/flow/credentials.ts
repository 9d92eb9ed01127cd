// What the token and secret stages produce and the caches hold: tokens, token providers, secrets.
// Kept apart from types.ts so the caches (which types.ts names) need not import it back.

/** Shape-compatible with @azure/core-auth AccessToken, so core tokens can feed the SDKs directly. */
export interface AccessToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresOnTimestamp: number;
}

/** Anything that can mint tokens: the editor's signed-in account, the Azure CLI, a test double. */
export interface TokenProvider {
  getToken(scopes: readonly string[], options: { tenantId?: string; signal: AbortSignal }): Promise<AccessToken>;
}

/** A secret read from Key Vault. `value` is registered with the run's Redactor as soon as it is read. */
export interface SecretValue {
  readonly name: string;
  readonly version: string;
  readonly value: string;
  readonly enabled: boolean;
  readonly expiresOn?: Date;
  readonly contentType?: string;
}
