import { ValidationError } from '../errors/errors';
import type { ConnectionProfile } from '../model/profile';
import { toShareableProfile } from '../model/shareable';
import { curlScript } from './curl';
import { pipelineJson } from './pipeline';
import { restClientFile } from './restClient';
import { flowTargets, type ExportOptions } from './targets';

export type { ExportOptions } from './targets';
export { EXPORT_ENV } from './restClient';

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
 * Exports the tested flow. The renderers only ever see the shareable profile (secrets emptied), and
 * the text is checked for the profile's secret values before it is returned, as a second guard.
 */
export function exportFlow(profile: ConnectionProfile, format: ExportFormat, options: ExportOptions = {}): FlowExport {
  const info = FORMAT_INFO[format];
  const text = info.render(toShareableProfile(profile), options);
  assertNoSecret(text, profile);
  return { format, text, fileName: `${flowTargets(profile, options).name}${info.suffix}`, languageId: info.languageId };
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
