import type { ConnectionProfile } from './profile';

/**
 * A profile with every secret removed: what exports and the CLI's profile files hold. Ids and
 * addresses stay (the user chose to export them); secrets never leave SecretStorage or env vars.
 */
export function toShareableProfile(profile: ConnectionProfile): ConnectionProfile {
  const { auth } = profile.keyVault;
  const keyVaultAuth = auth.kind === 'servicePrincipal' ? { ...auth, clientSecret: '' } : auth;
  const endpointAuth = profile.endpoint.auth;
  const safeEndpointAuth =
    endpointAuth.kind === 'sas'
      ? { ...endpointAuth, key: '' }
      : endpointAuth.kind === 'connectionString'
        ? { ...endpointAuth, connectionString: '' }
        : endpointAuth;
  const readBackAuth = profile.readBack?.auth;
  const safeReadBackAuth =
    readBackAuth?.kind === 'sas' ? { ...readBackAuth, key: '' } : readBackAuth?.kind === 'connectionString' ? { ...readBackAuth, connectionString: '' } : readBackAuth;
  return {
    ...profile,
    keyVault: { ...profile.keyVault, auth: keyVaultAuth },
    endpoint: { ...profile.endpoint, auth: safeEndpointAuth },
    // The read-back endpoint's own key is a secret too.
    ...(profile.readBack ? { readBack: { ...profile.readBack, ...(safeReadBackAuth ? { auth: safeReadBackAuth } : {}) } } : {}),
  };
}
