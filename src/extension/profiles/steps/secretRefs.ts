// Secret references as typed: "name" or "name/version" (a full secret URL is read too).
import { validateSecretName, validateSecretVersion } from '../../../core/model/validate';
import type { SecretReference } from '../../../core/model/profile';
import type { StepCheck } from '../wizardPrompter';
import { error } from './prompts';

export function parseSecretRef(text: string): SecretReference {
  let value = text.trim();
  const fromUrl = /\/secrets\/([^/?#]+)(?:\/([^/?#]+))?/.exec(value);
  if (fromUrl) {
    value = fromUrl[2] ? `${fromUrl[1]}/${fromUrl[2]}` : (fromUrl[1] as string);
  }
  const slash = value.indexOf('/');
  const name = slash < 0 ? value : value.slice(0, slash);
  const version = slash < 0 ? '' : value.slice(slash + 1).trim();
  const checked = validateSecretVersion(version);
  return version ? { name: name.trim(), version: checked.ok && checked.value ? checked.value : version } : { name: name.trim() };
}

export function formatSecretRef(ref: SecretReference): string {
  return ref.version ? `${ref.name}/${ref.version}` : ref.name;
}

export function checkSecretRef(text: string, label: string): StepCheck {
  const ref = parseSecretRef(text);
  const name = validateSecretName(ref.name);
  if (!name.ok) {
    return error(label, name.error);
  }
  const version = validateSecretVersion(ref.version);
  if (!version.ok) {
    return error(`${label}'s version`, version.error);
  }
  return /\/secrets\//.test(text) ? { severity: 'info', message: `Read from the secret URL: ${formatSecretRef(ref)}.` } : undefined;
}
