/**
 * A credential only goes where its audience lives. Every client that puts a client secret, a bearer
 * token or a SAS signature on a request first checks the request's host against the hosts the
 * profile validated for that stage; a mismatch is refused (a ValidationError: nothing is sent).
 * This is the second line behind the canonical hosts of `validate.ts`: it holds even if a URL is
 * ever built from something else.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ValidationError } from '../errors/errors';
import { CLOUDS } from '../model/cloud';
import { connectAuthorityOf, parseHostAuthority, splitAddress } from '../model/host';
import type { ConnectionProfile } from '../model/profile';
import { parseConnectionString } from './connectionString';

/** What is sent, and which profile field validated where it may go. */
export interface CredentialDestination {
  /** e.g. "the Key Vault token"; never the credential itself. */
  readonly credential: string;
  /** The profile field that validated the allowed hosts, for the message. */
  readonly field: string;
  /** Canonical `host[:port]` values. */
  readonly hosts: readonly string[];
}

/** Where each of a run's credentials may be sent, from a profile whose hosts were validated. */
export interface RunDestinations {
  /** The client secret (stages 1 and 4) and the token requests: the authority and its cloud's aliases. */
  readonly entra: CredentialDestination;
  /** The Key Vault token (stages 2 and 3). */
  readonly keyVault: CredentialDestination;
  /** The Event Hubs token or SAS (stage 5 and the probe). */
  readonly eventHubs: CredentialDestination;
  /** The read-back consumer's token or SAS. */
  readonly readBack: CredentialDestination;
}

function authorityOf(address: string): string[] {
  const parsed = parseHostAuthority(splitAddress(address.trim()).authority);
  return parsed.ok ? [parsed.host.authority] : [];
}

function namespaceHosts(namespace: string | undefined, auth: ConnectionProfile['endpoint']['auth'] | undefined): string[] {
  if (auth?.kind === 'connectionString') {
    try {
      return [parseConnectionString(auth.connectionString).namespace];
    } catch {
      return [];
    }
  }
  return namespace === undefined ? [] : authorityOf(namespace);
}

/** The destinations of a profile (expects `normalizeProfile` output; a field that does not parse allows nothing). */
export function destinationsOf(profile: ConnectionProfile): RunDestinations {
  const cloud = CLOUDS[profile.cloud];
  const authority = profile.authorityHost ?? cloud.authorityHost;
  const entraHosts = profile.authorityHost !== undefined ? authorityOf(authority) : [...authorityOf(authority), ...cloud.authorityAliases];
  // As the round trip picks its consumer: a connection string's Endpoint wins over a namespace.
  const readBack = profile.readBack;
  const readBackHosts = namespaceHosts(readBack?.namespace ?? profile.endpoint.namespace, readBack?.auth ?? profile.endpoint.auth);
  return {
    entra: { credential: 'the client secret', field: profile.authorityHost !== undefined ? 'authorityHost' : 'cloud', hosts: entraHosts },
    keyVault: { credential: 'the Key Vault token', field: 'keyVault.vaultUrl', hosts: authorityOf(profile.keyVault.vaultUrl) },
    eventHubs: { credential: 'the Event Hubs credential', field: 'endpoint.namespace', hosts: namespaceHosts(profile.endpoint.namespace, profile.endpoint.auth) },
    readBack: { credential: 'the read-back credential', field: 'readBack.namespace', hosts: readBackHosts },
  };
}

/** Throws unless `url` connects to one of the destination's hosts. Call it right before the credential goes on the request. */
export function assertCredentialDestination(url: string | URL, destination: CredentialDestination): void {
  let target: string;
  try {
    target = connectAuthorityOf(url);
  } catch {
    throw refusal('an address that is not a URL', destination);
  }
  // The default port is implicit in the canonical host.
  const bare = target.replace(/:443$/, '');
  if (!destination.hosts.includes(target) && !destination.hosts.includes(bare)) {
    throw refusal(target, destination);
  }
}

function refusal(target: string, destination: CredentialDestination): ValidationError {
  const allowed = destination.hosts.length > 0 ? destination.hosts.join(', ') : 'no host (the field did not validate)';
  return new ValidationError(
    destination.field,
    `Refused to send ${destination.credential} to ${target}: the profile validated only ${allowed} for it.`,
    `Check ${destination.field}: a credential is only sent to the host its stage validated. If the profile came from someone else, do not run it until the host is one you trust.`,
  );
}

/**
 * For the Azure SDK clients: a policy placed after the Sign phase (position `perRetry`, so it sees
 * every retry and every redirect the pipeline follows, after the bearer policy set its header)
 * that refuses any request to a host outside the destination.
 */
export function credentialDestinationPolicy(destination: CredentialDestination): { policy: PipelinePolicy; position: 'perRetry' } {
  return {
    position: 'perRetry',
    policy: {
      name: 'eventstreamFlowCredentialDestination',
      sendRequest(request, next) {
        assertCredentialDestination(request.url, destination);
        return next(request);
      },
    },
  };
}
