// Identities: tenant id, client id and the reader's client secret. No vscode import.
import { clip, fail, isPlaceholder, ok, type Validated } from './validated';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

// ---------------------------------------------------------------------------------------------
// Identities

export function validateTenantId(input: string, field = 'tenantId'): Validated<string> {
  const value = input.trim();
  const where = "Copy the Directory (tenant) ID from the app registration's Overview page";
  if (!value) {
    return fail(field, 'is empty.', `${where} (a GUID), or use the tenant domain such as contoso.onmicrosoft.com.`);
  }
  if (isPlaceholder(value)) {
    return fail(field, `is an unresolved placeholder (${clip(value)}); Entra would answer AADSTS900023.`, `${where} and paste the GUID itself.`);
  }
  if (/^(undefined|null|none|tenant|tenantid)$/i.test(value)) {
    return fail(field, `is "${value}", not a tenant; Entra would answer AADSTS900023.`, `${where}.`);
  }
  if (/^(common|consumers|organizations)$/i.test(value)) {
    return fail(
      field,
      `is "${value}", a multi-tenant alias; client-credential tokens cannot be requested there (AADSTS9001023).`,
      `${where}: the pipeline's token requests need the tenant itself.`,
    );
  }
  if (/^[a-z]+:\/\//i.test(value) || value.includes('/')) {
    const guid = GUID_ANYWHERE.exec(value)?.[0];
    return fail(
      field,
      'is a URL or path, not a tenant id.',
      guid ? `Use only the tenant GUID from it: ${guid}.` : `${where}; the authority host is chosen by the profile's cloud.`,
    );
  }
  if (GUID.test(value)) {
    return ok(value.toLowerCase());
  }
  if (/^[0-9a-f-]{30,40}$/i.test(value)) {
    return fail(field, 'looks like a GUID but is malformed (expected 8-4-4-4-12 hex digits).', `${where}; check for a missing or extra character.`);
  }
  if (DOMAIN.test(value)) {
    return ok(value.toLowerCase());
  }
  return fail(field, 'is neither a GUID nor a domain name.', `${where}, or use a verified domain such as contoso.onmicrosoft.com.`);
}

export function validateClientId(input: string, field = 'clientId'): Validated<string> {
  const value = input.trim();
  const where = "Copy the Application (client) ID from the app registration's Overview page";
  if (!value) {
    return fail(field, 'is empty.', `${where}.`);
  }
  if (GUID.test(value)) {
    return ok(value.toLowerCase());
  }
  // Entra secret values contain '~' and are ~40 characters: a classic paste into the wrong box.
  if (value.includes('~') || (value.length >= 34 && !value.includes('-'))) {
    return fail(field, 'looks like a client secret value, not a client id.', `${where}; the secret goes in the client secret field.`);
  }
  if (isPlaceholder(value)) {
    return fail(field, `is an unresolved placeholder (${clip(value)}).`, `${where}.`);
  }
  return fail(field, 'is not a GUID.', `${where} (8-4-4-4-12 hex digits).`);
}

/**
 * How a secret's first or last characters are whitespace ("ends with a line break", "starts with
 * a space and ends with a tab"), or undefined. Entra ID compares a client secret exactly, so a
 * value pasted from a file or set with `echo` fails as AADSTS7000215 although it looks right.
 */
export function edgeWhitespace(value: string): string | undefined {
  if (value !== '' && !value.trim()) {
    return 'is only whitespace';
  }
  const name = (ws: string): string => {
    const breaks = ws.match(/\r\n|[\r\n\u0085\u2028\u2029]/g)?.length ?? 0;
    if (breaks > 0) {
      return breaks > 1 ? `${breaks} line breaks` : 'a line break';
    }
    if (ws.includes('\t')) {
      return 'a tab';
    }
    return ws.length > 1 ? `${ws.length} spaces` : 'a space';
  };
  // trimStart/trimEnd, not /\s+$/: linear on a long run of spaces.
  const lead = value.slice(0, value.length - value.trimStart().length);
  const trail = value.slice(value.trimEnd().length);
  const parts = [...(lead ? [`starts with ${name(lead)}`] : []), ...(trail ? [`ends with ${name(trail)}`] : [])];
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** A reader client secret typed into the profile: present, and not the Secret ID by mistake. */
export function validateClientSecret(input: string | undefined, field = 'clientSecret'): Validated<string> {
  // Absent in a profile file that leaves secrets to the environment (export reads such files).
  if (input === undefined || !input.trim()) {
    return fail(field, 'is empty.', 'Paste the client secret value (Certificates & secrets → Value).');
  }
  if (GUID.test(input.trim())) {
    return fail(
      field,
      "is a GUID: that is the secret's Secret ID, not its value (Entra would answer AADSTS7000215).",
      'Paste the Value column shown when the secret was created; create a new secret if it is no longer visible.',
    );
  }
  // Kept as typed (the pipeline sends it as stored), but said: Entra would refuse it (AADSTS7000215).
  const edges = edgeWhitespace(input);
  return edges ? ok(input, `The client secret ${edges}, which Entra ID would refuse (AADSTS7000215): paste the value without it.`) : ok(input);
}
