import { cloudOf } from '../../model/cloud';
import type { ConnectionProfile } from '../../model/profile';

/** The Entra authority host for a profile: the cloud's, unless a loopback override (the sandbox) is set. */
export function authorityHostOf(profile: ConnectionProfile): string {
  return (profile.authorityHost ?? cloudOf(profile.cloud).authorityHost).replace(/\/+$/, '');
}

export function keyVaultResourceOf(profile: ConnectionProfile): string {
  return cloudOf(profile.cloud).keyVaultResource;
}

export function eventHubsResourceOf(profile: ConnectionProfile): string {
  return cloudOf(profile.cloud).eventHubsResource;
}

/** "expires in 59 min" — how long a token stays usable, for stage summaries. */
export function describeExpiry(expiresOnTimestamp: number, now: number): string {
  const minutes = Math.round((expiresOnTimestamp - now) / 60_000);
  return minutes >= 1 ? `expires in ${minutes} min` : 'expires in under a minute';
}
