import { isLoopbackHost } from '../azure/trust';
import type { CloudName } from '../model/cloud';
import type { ConnectionProfile } from '../model/profile';

/**
 * Azure portal deep links to a Key Vault secret: `https://{portal}/#@{tenant}/asset/Microsoft_Azure_KeyVault/Secret/{secret id}`,
 * where the secret id is the secret's identifier URI (`https://{vault}/secrets/{name}[/{version}]`).
 * The `@tenant` part picks the directory; without it the portal opens the user's default one.
 */

export const PORTAL_HOSTS: Readonly<Record<CloudName, string>> = {
  public: 'https://portal.azure.com',
  china: 'https://portal.azure.cn',
  usgov: 'https://portal.azure.us',
};

export type PortalLink = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

export function secretPortalLink(input: {
  readonly cloud: CloudName;
  /** https://{vault}.vault.azure.net[/] */
  readonly vaultUrl: string;
  readonly name: string;
  readonly version?: string;
  /** Tenant GUID or domain of the directory that holds the vault. */
  readonly tenant?: string;
}): PortalLink {
  let vault: URL;
  try {
    vault = new URL(input.vaultUrl);
  } catch {
    return { ok: false, reason: `the vault URL "${input.vaultUrl}" is not a valid URL` };
  }
  if (vault.protocol !== 'https:') {
    return { ok: false, reason: 'the vault URL does not use https://' };
  }
  if (isLoopbackHost(vault.hostname)) {
    return { ok: false, reason: 'this vault runs on this machine (the local sandbox): it exists only here and has no Azure portal page' };
  }
  const secretId = `${vault.origin}/secrets/${encodeURIComponent(input.name)}${input.version ? `/${encodeURIComponent(input.version)}` : ''}`;
  const tenant = input.tenant?.trim();
  const directory = tenant && /^[A-Za-z0-9.-]+$/.test(tenant) ? `@${tenant}/` : '';
  return { ok: true, url: `${PORTAL_HOSTS[input.cloud]}/#${directory}asset/Microsoft_Azure_KeyVault/Secret/${secretId}` };
}

/**
 * The link for a secret of a profile: the profile's cloud, and the directory of the tenant its
 * Key Vault token comes from (the vault's tenant) when the profile names one.
 */
export function secretPortalLinkForProfile(
  profile: Pick<ConnectionProfile, 'cloud' | 'keyVault'>,
  secret: { readonly vaultUrl?: string; readonly name: string; readonly version?: string },
): PortalLink {
  const tenant = profile.keyVault.auth.tenantId;
  return secretPortalLink({
    cloud: profile.cloud,
    vaultUrl: secret.vaultUrl ?? profile.keyVault.vaultUrl,
    name: secret.name,
    ...(secret.version ? { version: secret.version } : {}),
    ...(tenant ? { tenant } : {}),
  });
}
