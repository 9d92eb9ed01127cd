import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import { toShareableProfile } from '../model/shareable';
import { assertValidProfile, normalizeProfile } from '../model/validate';
import { curlScript } from './curl';
import { pipelineJson } from './pipeline';
import { restClientFile } from './restClient';
import { flowTargets, type ExportOptions } from './targets';

export type { ExportOptions } from './targets';
export { EXPORT_ENV } from './restClient';

// The exports' one entry: the tested flow written out as a pipeline definition, a REST Client .http file or a curl script.
export type ExportFormat = 'pipeline' | 'http' | 'curl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pipeline', 'http', 'curl'];

export interface FlowExport {
  readonly format: ExportFormat;
  readonly text: string;
  /** A file name for a save dialog or `--out`, from the profile name. */
  readonly fileName: string;
  /** VS Code language id of the text. */
  readonly languageId: 'json' | 'http' | 'shellscript';
}

const FORMAT_INFO: Readonly<Record<ExportFormat, { suffix: string; languageId: FlowExport['languageId']; render: (p: ConnectionProfile, o: ExportOptions) => string }>> = {
  pipeline: { suffix: '.pipeline.json', languageId: 'json', render: pipelineJson },
  http: { suffix: '.http', languageId: 'http', render: restClientFile },
  curl: { suffix: '.sh', languageId: 'shellscript', render: curlScript },
};

export function parseExportFormat(text: string): ExportFormat {
  const format = text.trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError('--format', `'${text}' is not an export format.`, 'Use pipeline (Data Factory / Fabric JSON), http (REST Client file) or curl (bash script).');
  }
  return format as ExportFormat;
}

/**
 * Exports the tested flow. The profile and the options are validated first (a refusal names the
 * field), and the renderers only ever see the canonical values validation returns, in the shareable
 * profile (secrets emptied); each renderer still escapes every value for its own syntax. The text is
 * checked for the profile's secret values before it is returned, as a second guard.
 */
export function exportFlow(profile: ConnectionProfile, format: ExportFormat, options: ExportOptions = {}): FlowExport {
  if (!Object.hasOwn(FORMAT_INFO, format)) {
    throw new ValidationError('--format', `'${String(format)}' is not an export format.`, 'Use pipeline, http or curl.');
  }
  const info = FORMAT_INFO[format];
  assertValidProfile(exportedPart(profile));
  assertValidOptions(options);
  const canonical = normalizeProfile(toShareableProfile(profile));
  const text = info.render(canonical, options);
  assertNoSecret(text, profile);
  return { format, text, fileName: `${flowTargets(canonical, options).name}${info.suffix}`, languageId: info.languageId };
}

/** Stands in for the reader's secret, which an export never writes and a profile file may leave out. */
const NOT_EXPORTED = 'not-exported';

/**
 * What validation must accept for an export: the profile as the exported flow uses it. The export
 * always sends with Entra ID (so the Event Hubs token tenant is checked even for a SAS profile); it
 * writes no secret (the reader's is stood in for, the send key is not used), and no read-back
 * settings or CA (so their problems do not block it).
 */
function exportedPart(profile: ConnectionProfile): ConnectionProfile {
  const { readBack: _readBack, trustedCaPem: _trustedCaPem, ...rest } = profile;
  const auth = profile.keyVault.auth;
  return {
    ...rest,
    keyVault: { ...profile.keyVault, auth: auth.kind === 'servicePrincipal' ? { ...auth, clientSecret: NOT_EXPORTED } : auth },
    endpoint: { ...profile.endpoint, auth: { kind: 'entra' } },
  };
}

/** The options' own values: the renderers check the body's syntax and escape the rest. */
function assertValidOptions(options: ExportOptions): void {
  if (options.keyVaultAuth !== undefined && options.keyVaultAuth !== 'msi' && options.keyVaultAuth !== 'servicePrincipal') {
    throw new ValidationError('keyVaultAuth', `is "${String(options.keyVaultAuth)}".`, 'Use msi (the managed identity, the default) or servicePrincipal.');
  }
  if (options.bodyTemplate !== undefined && (typeof options.bodyTemplate !== 'string' || options.bodyTemplate.includes('\0'))) {
    throw new ValidationError('body', 'contains a NUL character.', 'Remove it: no export format can carry it.');
  }
  for (const [name, value] of Object.entries(options.parameters ?? {})) {
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new ValidationError(`parameters.${name}`, typeof value !== 'string' ? 'is not a string.' : 'contains a NUL character.', 'Give the parameter a text value.');
    }
  }
}

/** The secret values a profile holds (client secret, SAS key, connection string and its key). */
export function secretValuesOf(profile: ConnectionProfile): string[] {
  const kv = profile.keyVault.auth;
  const ep = profile.endpoint.auth;
  const values = [kv.kind === 'servicePrincipal' ? kv.clientSecret : '', ep.kind === 'sas' ? ep.key : '', ep.kind === 'connectionString' ? ep.connectionString : ''];
  if (ep.kind === 'connectionString') {
    values.push(/SharedAccessKey=([^;]+)/i.exec(ep.connectionString)?.[1] ?? '');
  }
  return values.filter((v) => v.length >= 4);
}

function assertNoSecret(text: string, profile: ConnectionProfile): void {
  for (const secret of secretValuesOf(profile)) {
    if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)) || text.includes(encodeURIComponent(secret))) {
      throw new Error('Export stopped: the exported text would contain a secret of the profile. Nothing was written.');
    }
  }
}
