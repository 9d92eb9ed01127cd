// The one rule for an extra certificate authority: only on a profile that reaches nothing but
// loopback hosts (the sandbox). No vscode import.
import { parseConnectionString } from '../azure/connectionString';
import { ValidationError } from '../errors/errors';
import { CLOUDS } from './cloud';
import { isLoopbackHostname as isLoopbackHost, parseHostAuthority, splitAddress } from './host';
import type { ConnectionProfile } from './profile';

/**
 * An extra CA is trusted by every client of a run, so it is only accepted when every host the
 * profile reaches is loopback (the sandbox). Also checked by the engine before each run, so a
 * profile stored before this rule cannot use one either.
 */
export function validateTrustedCa(profile: ConnectionProfile): ValidationError[] {
  const found: ValidationError[] = [];
  if (profile.trustedCaPem !== undefined && profile.trustedCaPem.trim()) {
    if (!profile.trustedCaPem.includes('-----BEGIN CERTIFICATE-----')) {
      found.push(new ValidationError('trustedCaPem', 'is not a PEM certificate.', 'Paste the CA certificate including the -----BEGIN CERTIFICATE----- line (the sandbox prints its path).'));
    }
    // Every client of the run trusts this CA: on a profile that reaches Azure (an imported file,
    // say) it would let whoever holds the CA's key read the client secret and the tokens.
    const remote = remoteHostsOf(profile);
    if (remote.length > 0) {
      found.push(
        new ValidationError(
          'trustedCaPem',
          `is set, but the profile also reaches ${remote.join(', ')}; an extra CA is only for the local sandbox (loopback hosts).`,
          'Remove trustedCaPem from this profile: Azure endpoints are verified against the system certificate authorities.',
        ),
      );
    }
  }
  return found;
}

/**
 * The non-loopback hosts a run of this profile calls (vault, namespaces, and the authority when a
 * token is requested), read by the one host parser: a vault URL without a scheme, a namespace with
 * a path, or a connection string's Endpoint yield the same host the run would reach.
 */
function remoteHostsOf(profile: ConnectionProfile): string[] {
  const hostOf = (address: string | undefined): string | undefined => {
    if (address === undefined || !address.trim()) {
      return undefined;
    }
    const parsed = parseHostAuthority(splitAddress(address.trim()).authority);
    // A host that does not parse is reported by its own field; here it counts as remote.
    return parsed.ok ? parsed.host.hostname : address.trim();
  };
  const connectionStringHost = (auth: ConnectionProfile['endpoint']['auth'] | undefined): string | undefined => {
    if (auth?.kind !== 'connectionString') {
      return undefined;
    }
    try {
      return hostOf(parseConnectionString(auth.connectionString).namespace);
    } catch {
      return undefined; // Reported as a connection-string problem.
    }
  };
  const hosts = [
    hostOf(profile.keyVault.vaultUrl),
    hostOf(profile.endpoint.namespace),
    connectionStringHost(profile.endpoint.auth),
    // The round trip's consumer endpoint is reached by the same run.
    hostOf(profile.readBack?.namespace),
    connectionStringHost(profile.readBack?.auth),
  ];
  if (profile.keyVault.auth.kind === 'servicePrincipal' || profile.endpoint.auth.kind === 'entra') {
    hosts.push(hostOf(profile.authorityHost ?? CLOUDS[profile.cloud].authorityHost));
  }
  return [...new Set(hosts.filter((h): h is string => h !== undefined && h !== '' && !isLoopbackHost(h)))];
}
