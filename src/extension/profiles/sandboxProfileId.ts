// The profile id the local sandbox owns. Pure (no vscode), so the rules are tested in plain Node.
import type { ConnectionProfile } from '../../core/model/profile';

/**
 * The sandbox profile's fixed id: restarting replaces it instead of piling up stale copies, and
 * stopping deletes it. Reserved: only the sandbox manager stores a profile under it, so no other
 * profile (an import, say) can be replaced by a sandbox start or deleted by a sandbox stop.
 */
export const SANDBOX_PROFILE_ID = 'local-sandbox';
export const SANDBOX_PROFILE_NAME = 'Local sandbox';

/**
 * Whether `id` is the one the sandbox manager keeps for its own profile. Ignoring case: some
 * SecretStorage back ends (Windows Credential Manager) compare their keys that way.
 */
export function isReservedProfileId(id: string): boolean {
  return id.trim().toLowerCase() === SANDBOX_PROFILE_ID;
}

/**
 * Whether a profile stored under the reserved id is a sandbox profile left behind (the editor
 * closed without stopping it): every host it names is on this machine, so it points at a sandbox
 * that is gone and may be replaced. Anything else there is someone's profile, to be kept.
 */
export function isSandboxLeftover(profile: ConnectionProfile): boolean {
  if (profile.authorityHost === undefined) {
    return false; // the default authority is Entra ID's, not a sandbox's
  }
  const hosts = [profile.authorityHost, profile.keyVault.vaultUrl, profile.endpoint.namespace, ...(profile.readBack?.namespace ? [profile.readBack.namespace] : [])];
  return hosts.every((host) => isLoopback(hostOf(host)));
}

function hostOf(text: string): string | undefined {
  const trimmed = text.trim();
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).hostname;
  } catch {
    return undefined;
  }
}

function isLoopback(host: string | undefined): boolean {
  if (host === undefined) {
    return false;
  }
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
