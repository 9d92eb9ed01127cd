import { readFile, writeFile } from 'node:fs/promises';
import { ValidationError } from '../../core/errors/errors';
import { exportFlow } from '../../core/export/index';
import type { ConnectionProfile } from '../../core/model/profile';
import { validateProfile } from '../../core/model/validate';
import { EXIT } from '../exitCodes';
import { readProfileJson } from '../profileSource';
import type { CliOptions } from '../options';
import type { CliIo } from './flow';

/** Fields that only hold secrets: an export never needs them, so a profile file may leave them empty. */
const SECRET_FIELDS = new Set(['keyVault.auth.clientSecret', 'endpoint.auth.key', 'endpoint.auth.connectionString']);

/**
 * `export --format F --profile FILE [--out FILE]`: writes the profile's flow as a pipeline, a .http
 * file or a curl script. No secret is read (not from the environment, not from a prompt): the
 * exports only reference them. Prints the text, or a one-line note when written to --out.
 */
export async function runExportCommand(options: CliOptions, io: CliIo): Promise<number> {
  const settings = options.export;
  if (!settings || options.profilePath === undefined) {
    throw new ValidationError('export', 'needs --format and --profile.', 'Write e.g. `eventstream-flow export --format pipeline --profile profile.json`.');
  }
  const profile = await readProfile(options.profilePath);
  const bodyTemplate = options.file !== undefined ? await readBody(options.file) : options.body;
  const result = exportFlow(profile, settings.format, {
    ...(bodyTemplate !== undefined ? { bodyTemplate } : {}),
    parameters: options.params,
    ...(settings.keyVaultAuth ? { keyVaultAuth: settings.keyVaultAuth } : {}),
  });
  if (settings.out === undefined) {
    io.stdout(result.text);
    return EXIT.ok;
  }
  try {
    // A script must be executable; the others need not be.
    await writeFile(settings.out, result.text, { mode: settings.format === 'curl' ? 0o755 : 0o644 });
  } catch (error) {
    throw new ValidationError('--out', `Cannot write ${settings.out} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check that the folder exists and is writable.');
  }
  io.stderr(`Exported profile "${profile.name}" as ${settings.format} to ${settings.out}. It holds no secret: supply them when it runs.\n`);
  return EXIT.ok;
}

/** The profile without its secrets: an export needs none, so none is asked for. */
async function readProfile(path: string): Promise<ConnectionProfile> {
  const profile = await readProfileJson(path);
  const problems = validateProfile(profile).filter((p) => !SECRET_FIELDS.has(p.field));
  if (problems.length > 0) {
    throw problems[0] as ValidationError;
  }
  return profile;
}

async function readBody(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError('--file', `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path.');
  }
}
