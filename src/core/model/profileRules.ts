// The whole profile: every field's validator in one pass, the canonical form a run uses, and the
// profile name's bounds. No vscode import.
import { parseConnectionString } from '../azure/connectionString';
import { isValidationError, ValidationError } from '../errors/errors';
import { validateAuthorityHost } from './address';
import { CLOUDS } from './cloud';
import { validateEventHubName, validateNamespace, validateSasKey, validateSasKeyName } from './endpointFields';
import { validateClientId, validateClientSecret, validateTenantId } from './identity';
import { validateSecretReference, validateVaultUrl } from './keyVaultFields';
import type { ConnectionProfile } from './profile';
import { validateProfileName } from './profileName';
import { ENTRA_READ_BACK_WITHOUT_TOKEN, readBackTargetMismatches, validateReadBack } from './readBackFields';
import { validateTrustedCa } from './trustedCa';
import { clip, fail, problems, type Validated } from './validated';

/** Every problem in the profile, not only the first, each naming its field by path. */
export function validateProfile(profile: ConnectionProfile): ValidationError[] {
  const found: ValidationError[] = [];
  found.push(...problems([validateProfileName(typeof profile.name === 'string' ? profile.name : '')]));
  const cloudName = profile.cloud;
  if (!Object.hasOwn(CLOUDS, cloudName)) {
    found.push(new ValidationError('cloud', `is "${clip(String(cloudName))}".`, 'Use public, china or usgov.'));
    return found;
  }
  if (profile.authorityHost !== undefined) {
    found.push(...problems([validateAuthorityHost(profile.authorityHost, cloudName, 'authorityHost')]));
  }

  const kv = profile.keyVault;
  found.push(...problems([validateVaultUrl(kv.vaultUrl, cloudName, 'keyVault.vaultUrl')]));
  const auth = kv.auth;
  if (auth.kind === 'servicePrincipal') {
    found.push(
      ...problems([
        validateTenantId(auth.tenantId, 'keyVault.auth.tenantId'),
        validateClientId(auth.clientId, 'keyVault.auth.clientId'),
        validateClientSecret(auth.clientSecret, 'keyVault.auth.clientSecret'),
      ]),
    );
  } else if (auth.tenantId !== undefined && auth.tenantId.trim() !== '') {
    found.push(...problems([validateTenantId(auth.tenantId, 'keyVault.auth.tenantId')]));
  }
  found.push(...validateSecretReference(kv.clientIdSecret, 'keyVault.clientIdSecret'));
  found.push(...validateSecretReference(kv.clientSecretSecret, 'keyVault.clientSecretSecret'));
  if (
    kv.clientIdSecret.name.trim() &&
    kv.clientIdSecret.name.trim().toLowerCase() === kv.clientSecretSecret.name.trim().toLowerCase() &&
    (kv.clientIdSecret.version ?? '') === (kv.clientSecretSecret.version ?? '')
  ) {
    found.push(
      new ValidationError('keyVault.clientSecretSecret.name', 'is the same secret as the client id secret.', 'The pipeline reads two different secrets: one holding the client id, one holding the client secret value.'),
    );
  }

  const endpoint = profile.endpoint;
  const needsEntraToken = endpoint.auth.kind === 'entra';
  if (needsEntraToken) {
    found.push(...problems([validateTenantId(profile.eventHubsToken.tenantId, 'eventHubsToken.tenantId')]));
  }
  if (profile.eventHubsToken.endpointVersion !== 'v1' && profile.eventHubsToken.endpointVersion !== 'v2') {
    found.push(new ValidationError('eventHubsToken.endpointVersion', `is "${clip(String(profile.eventHubsToken.endpointVersion))}".`, 'Use v1 (like the pipeline) or v2.'));
  }

  found.push(...problems([validateNamespace(endpoint.namespace, cloudName, 'endpoint.namespace'), validateEventHubName(endpoint.eventHubName, 'endpoint.eventHubName')]));
  if (endpoint.protocol !== 'rest' && endpoint.protocol !== 'amqp') {
    found.push(new ValidationError('endpoint.protocol', `is "${clip(String(endpoint.protocol))}".`, 'Use rest or amqp.'));
  }
  if (endpoint.amqpTransport !== undefined && endpoint.amqpTransport !== 'tcp' && endpoint.amqpTransport !== 'websockets') {
    found.push(new ValidationError('endpoint.amqpTransport', `is "${clip(String(endpoint.amqpTransport))}".`, 'Use tcp or websockets.'));
  }
  const eauth = endpoint.auth;
  if (eauth.kind === 'sas') {
    found.push(...problems([validateSasKeyName(eauth.keyName, 'endpoint.auth.keyName'), validateSasKey(eauth.key, 'endpoint.auth.key')]));
  } else if (eauth.kind === 'connectionString') {
    try {
      const parsed = parseConnectionString(eauth.connectionString);
      if (parsed.eventHubName && endpoint.eventHubName.trim() && parsed.eventHubName !== endpoint.eventHubName.trim()) {
        found.push(
          new ValidationError(
            'endpoint.eventHubName',
            `is ${clip(endpoint.eventHubName)} but the connection string's EntityPath is ${clip(parsed.eventHubName)}.`,
            'Make them match; the connection string wins when sending.',
          ),
        );
      }
      const ns = validateNamespace(parsed.namespace, cloudName, 'endpoint.auth.connectionString');
      if (!ns.ok) {
        found.push(ns.error);
      }
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      found.push(new ValidationError('endpoint.auth.connectionString', error.problem, error.fix));
    }
  }
  if (profile.readBack !== undefined) {
    found.push(...validateReadBack(profile.readBack, cloudName));
    if (profile.readBack.auth?.kind === 'entra' && endpoint.auth.kind !== 'entra') {
      found.push(ENTRA_READ_BACK_WITHOUT_TOKEN);
    }
    found.push(...readBackTargetMismatches(profile.readBack, profile.readBack.auth ?? endpoint.auth, cloudName));
  }
  found.push(...validateTrustedCa(profile));
  return found;
}

/** Throws the first problem, with the others listed in its message, so the CLI fails with all of them. */
export function assertValidProfile(profile: ConnectionProfile): void {
  const found = validateProfile(profile);
  const first = found[0];
  if (!first) {
    return;
  }
  if (found.length === 1) {
    throw first;
  }
  const others = found
    .slice(1)
    .map((e) => e.message)
    .join(' ');
  throw new ValidationError(first.field, first.problem, `${first.fix} Also: ${others}`);
}

/** The profile with addresses normalised (vault URL without path, bare namespace host, trimmed ids). */
export function normalizeProfile(profile: ConnectionProfile): ConnectionProfile {
  const keep = <T>(r: Validated<T>, fallback: T): T => (r.ok ? r.value : fallback);
  const kv = profile.keyVault;
  const auth = kv.auth.kind === 'servicePrincipal' ? { ...kv.auth, tenantId: kv.auth.tenantId.trim(), clientId: kv.auth.clientId.trim() } : kv.auth;
  const readBack = profile.readBack;
  return {
    ...profile,
    ...(profile.authorityHost !== undefined ? { authorityHost: keep(validateAuthorityHost(profile.authorityHost, profile.cloud), profile.authorityHost) } : {}),
    keyVault: {
      ...kv,
      auth,
      vaultUrl: kv.vaultUrl.trim() ? keep(validateVaultUrl(kv.vaultUrl, profile.cloud), kv.vaultUrl) : '',
      clientIdSecret: { ...kv.clientIdSecret, name: kv.clientIdSecret.name.trim() },
      clientSecretSecret: { ...kv.clientSecretSecret, name: kv.clientSecretSecret.name.trim() },
    },
    eventHubsToken: { ...profile.eventHubsToken, tenantId: profile.eventHubsToken.tenantId.trim() },
    endpoint: {
      ...profile.endpoint,
      namespace: keep(validateNamespace(profile.endpoint.namespace, profile.cloud), profile.endpoint.namespace),
      eventHubName: profile.endpoint.eventHubName.trim(),
    },
    ...(readBack !== undefined
      ? {
          readBack: {
            ...readBack,
            ...(readBack.namespace !== undefined ? { namespace: keep(validateNamespace(readBack.namespace, profile.cloud), readBack.namespace) } : {}),
            ...(readBack.eventHubName !== undefined ? { eventHubName: readBack.eventHubName.trim() } : {}),
          },
        }
      : {}),
  };
}

/**
 * Every host field of the profile checked by the one host parser: the authority override, the
 * vault (when set: a profile that sends with a key may leave Key Vault blank), the namespace, the
 * read-back namespace and the Endpoint of each connection string.
 */
export function hostProblems(profile: ConnectionProfile): ValidationError[] {
  const cloud = profile.cloud;
  if (!Object.hasOwn(CLOUDS, cloud)) {
    return [new ValidationError('cloud', `is "${clip(String(cloud))}".`, 'Use public, china or usgov.')];
  }
  const connectionStringHost = (auth: ConnectionProfile['endpoint']['auth'] | undefined, field: string): Validated<string>[] => {
    if (auth?.kind !== 'connectionString') {
      return [];
    }
    try {
      return [validateNamespace(parseConnectionString(auth.connectionString).namespace, cloud, field)];
    } catch (error) {
      if (!isValidationError(error)) {
        throw error;
      }
      return [fail(field, error.problem, error.fix)];
    }
  };
  return problems([
    ...(profile.authorityHost !== undefined ? [validateAuthorityHost(profile.authorityHost, cloud, 'authorityHost')] : []),
    ...(profile.keyVault.vaultUrl.trim() ? [validateVaultUrl(profile.keyVault.vaultUrl, cloud, 'keyVault.vaultUrl')] : []),
    validateNamespace(profile.endpoint.namespace, cloud, 'endpoint.namespace'),
    ...connectionStringHost(profile.endpoint.auth, 'endpoint.auth.connectionString'),
    ...(profile.readBack?.namespace !== undefined ? [validateNamespace(profile.readBack.namespace, cloud, 'readBack.namespace')] : []),
    ...connectionStringHost(profile.readBack?.auth, 'readBack.auth.connectionString'),
  ]);
}

/**
 * The profile a run uses: its hosts validated and replaced by their canonical values, the only
 * ones any request is built from afterwards. Throws the first host problem (nothing is sent).
 */
export function canonicalProfile(profile: ConnectionProfile): ConnectionProfile {
  const first = hostProblems(profile)[0];
  if (first) {
    throw first;
  }
  return normalizeProfile(profile);
}
