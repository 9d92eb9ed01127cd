// The Key Vault secrets routes the sandbox serves, and the RBAC action and roles each needs
// (wire facts §2; Key Vault RBAC guide: https://learn.microsoft.com/azure/key-vault/general/rbac-guide).
import type { WorldRole } from './internal';
import { pathSegments } from './peer';

export type Operation =
  | { readonly kind: 'get'; readonly name: string; readonly version?: string }
  | { readonly kind: 'set'; readonly name: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'versions'; readonly name: string };

export const ACTIONS: Record<Operation['kind'], { readonly verb: string; readonly action: string; readonly roles: readonly WorldRole[] }> = {
  get: { verb: 'get', action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action', roles: ['Key Vault Secrets User', 'Key Vault Secrets Officer'] },
  list: { verb: 'list', action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action', roles: ['Key Vault Secrets User', 'Key Vault Secrets Officer'] },
  versions: { verb: 'list', action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action', roles: ['Key Vault Secrets User', 'Key Vault Secrets Officer'] },
  set: { verb: 'set', action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action', roles: ['Key Vault Secrets Officer'] },
};

/** Routes, tolerant of `//secrets` (the doc's sample) and the SDK's trailing slash (`/secrets/x/`). */
export function route(method: string, pathname: string): Operation | undefined {
  const segments = pathSegments(pathname);
  if (segments?.[0]?.toLowerCase() !== 'secrets') {
    return undefined;
  }
  const [, name, third, ...rest] = segments;
  if (rest.length > 0) {
    return undefined;
  }
  if (method === 'GET') {
    if (name === undefined) {
      return { kind: 'list' };
    }
    if (third?.toLowerCase() === 'versions') {
      return { kind: 'versions', name };
    }
    return third === undefined ? { kind: 'get', name } : { kind: 'get', name, version: third };
  }
  if (method === 'PUT' && name !== undefined && third === undefined) {
    return { kind: 'set', name };
  }
  return undefined;
}
