import { constants as fsConstants } from 'node:fs';
import { lstat, open, readFile, type FileHandle } from 'node:fs/promises';
import { isValidationError, ValidationError } from '../../core/errors/errors';
import { exportFlow } from '../../core/export/index';
import type { ConnectionProfile } from '../../core/model/profile';
import { canonicalProfile, validateProfile } from '../../core/model/validate';
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
 * --out never follows a symbolic link, and replaces an existing file only with --force.
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
  // A script must be executable; the others need not be.
  await writeOutFile(settings.out, result.text, settings.format === 'curl' ? 0o755 : 0o644, settings.force === true);
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
  // An export is built from the canonical hosts only, never from the file's text.
  return canonicalProfile(profile);
}

async function readBody(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError('--file', `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path.');
  }
}

/** O_NOFOLLOW where the platform has it (not on Windows, where the lstat check stands alone). */
const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;
/** A FIFO planted at the path must not block the open. */
const NON_BLOCK = fsConstants.O_NONBLOCK ?? 0;

/**
 * Writes --out without ever following a symbolic link at the path (checked with lstat, and the
 * open itself refuses one with O_NOFOLLOW, so a link swapped in after the check is refused too),
 * and without replacing an existing file unless `force`; only a regular file is ever replaced.
 */
export async function writeOutFile(path: string, text: string, mode: number, force: boolean): Promise<void> {
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw cannotWrite(path, error);
  });
  if (existing) {
    refuseExisting(path, existing.isSymbolicLink() ? 'link' : existing.isFile() ? 'file' : 'other', force);
  }
  let handle: FileHandle;
  try {
    handle = force
      ? await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | NO_FOLLOW | NON_BLOCK, mode)
      : await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | NO_FOLLOW, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Something appeared at the path after the check: a link (ELOOP from O_NOFOLLOW) or a file (EEXIST).
    if (code === 'ELOOP' || code === 'EEXIST') {
      const now = await lstat(path).catch(() => undefined);
      refuseExisting(path, code === 'ELOOP' || now?.isSymbolicLink() ? 'link' : now?.isFile() ? 'file' : 'other', force);
    }
    throw cannotWrite(path, error as NodeJS.ErrnoException);
  }
  try {
    // What was opened is checked, not what the path named a moment before.
    if (!(await handle.stat()).isFile()) {
      refuseExisting(path, 'other', force);
    }
    await handle.truncate(0);
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    throw isValidationError(error) ? error : cannotWrite(path, error as NodeJS.ErrnoException);
  } finally {
    await handle.close();
  }
}

function refuseExisting(path: string, kind: 'link' | 'file' | 'other', force: boolean): void {
  if (kind === 'link') {
    throw new ValidationError('--out', `${path} is a symbolic link; export does not follow links (not even with --force).`, 'Give the path of a regular file, or remove the link first.');
  }
  if (kind === 'other') {
    throw new ValidationError('--out', `${path} exists and is not a regular file.`, 'Give the path of a new file (or of a regular file, with --force).');
  }
  if (!force) {
    throw new ValidationError('--out', `${path} already exists; export does not replace it.`, 'Add --force to replace it, or give another --out path.');
  }
}

function cannotWrite(path: string, error: NodeJS.ErrnoException): ValidationError {
  return new ValidationError('--out', `Cannot write ${path} (${error.code ?? 'error'}).`, 'Check that the folder exists and is writable.');
}
