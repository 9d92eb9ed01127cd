// Key Vault fields: the vault URL and the two secret references (name, version). No vscode import.
import type { ValidationError } from '../errors/errors';
import { addressOf, checkSuffix } from './address';
import type { CloudName } from './cloud';
import { CLOUDS } from './cloud';
import { isLoopbackHostname as isLoopbackHost } from './host';
import type { SecretReference } from './profile';
import { clip, fail, isPlaceholder, ok, problems, type Validated } from './validated';

export function validateSecretName(input: string, field = 'secretName'): Validated<string> {
  const value = input.trim();
  if (!value) {
    return fail(field, 'is empty.', 'Enter the name of the Key Vault secret, e.g. pipeline-client-id.');
  }
  const fromUrl = /\/secrets\/([^/?#]+)/.exec(value)?.[1];
  if (fromUrl) {
    return fail(field, 'is a secret URL, not a name.', `Use only the name: ${clip(fromUrl)} (and the version, if any, in the version field).`);
  }
  if (value.length > 127) {
    return fail(field, `is ${value.length} characters long; Key Vault allows at most 127.`, 'Use the exact name shown in the vault.');
  }
  if (!/^[0-9a-zA-Z-]+$/.test(value)) {
    const bad = [...new Set(value.replace(/[0-9a-zA-Z-]/g, ''))].join(' ');
    return fail(field, `contains characters Key Vault does not allow in names (${clip(bad)}).`, 'Use letters, digits and hyphens only, e.g. pipeline-client-secret.');
  }
  return ok(value);
}

export function validateSecretVersion(input: string | undefined, field = 'secretVersion'): Validated<string | undefined> {
  const value = (input ?? '').trim();
  if (!value) {
    return ok(undefined);
  }
  if (!/^[0-9a-f]{32}$/i.test(value)) {
    return fail(field, 'is not a Key Vault version id (32 hexadecimal characters).', 'Copy the version from the secret identifier (…/secrets/<name>/<version>) or leave it empty for the latest version.');
  }
  return ok(value.toLowerCase());
}

export function validateSecretReference(ref: SecretReference, field: string): ValidationError[] {
  return problems([validateSecretName(ref.name, `${field}.name`), validateSecretVersion(ref.version, `${field}.version`)]);
}

/**
 * `https://{vault}{cloud suffix}` without a trailing slash. A secret path (`/secrets/x/ver`) is
 * stripped with a note; http is only allowed for loopback hosts (the local sandbox).
 */
export function validateVaultUrl(input: string, cloud: CloudName = 'public', field = 'vaultUrl'): Validated<string> {
  const c = CLOUDS[cloud];
  const example = `https://<vault name>${c.keyVaultSuffix}`;
  const text = input.trim();
  if (!text) {
    return fail(field, 'is empty.', `Enter the vault URL, e.g. ${example} (vault → Overview → Vault URI).`);
  }
  if (isPlaceholder(text)) {
    return fail(field, `is an unresolved placeholder (${clip(text)}).`, `Enter the vault URL, e.g. ${example}.`);
  }
  let note: string | undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (/^[a-z0-9-]{3,24}$/i.test(text)) {
      return fail(field, `is only a name (${text}).`, `Use the full vault URL: https://${text.toLowerCase()}${c.keyVaultSuffix}`);
    }
    note = 'Added https:// to the vault URL.';
  }
  const address = addressOf<string>(text, field, example);
  if (!address.ok) {
    return address.result;
  }
  const scheme = address.scheme ?? 'https';
  const { host } = address;
  const loopback = isLoopbackHost(host.hostname);
  if (scheme !== 'https' && !(loopback && scheme === 'http')) {
    return fail(field, `uses ${scheme}; Key Vault is only reachable over https.`, `Use ${example}.`);
  }
  if (!loopback) {
    const cloudCheck = checkSuffix(host.hostname, c, 'keyVaultSuffix', 'vault');
    if (cloudCheck) {
      return fail(field, cloudCheck.problem, cloudCheck.fix);
    }
    if (host.port !== undefined) {
      return fail(field, `has a port (${host.port}); Azure vaults use the default https port.`, `Use https://${host.hostname}`);
    }
  }
  const path = address.path.replace(/\/+$/, '');
  if (path) {
    const secret = /^\/secrets\/([^/]+)(?:\/([^/]+))?/.exec(path);
    note = secret
      ? `Removed ${clip(path)} from the vault URL: the secret name (${clip(secret[1] ?? '')}${secret[2] ? `, version ${clip(secret[2])}` : ''}) belongs in the secret fields.`
      : `Removed the path ${clip(path)} from the vault URL; only the vault's base URL is used.`;
  }
  return ok(`${scheme}://${host.authority}`, note);
}
