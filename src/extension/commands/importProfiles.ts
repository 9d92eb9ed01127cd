import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { CancelledError, ValidationError } from '../../core/errors/errors';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import { describeBroadKeys, describeMissing, describeReservedIds, MAX_IMPORT_BYTES, parseProfilesFile, planImport, splitMissing } from '../profiles/profileImport';

// Import Profiles….
const EDIT = 'Edit Profile';

/**
 * Import Profiles…: a JSON file of one profile or an array (Export Profile's, or the CLI `sandbox`
 * command's profile.json). Every profile is checked before any is stored, and a failed store rolls
 * the others back: nothing is half-imported. Profiles without their secrets are imported, and the
 * notification says which secrets to fill in via Edit. A Uri argument skips the file dialog.
 */
export async function importProfiles(services: ExtensionServices, node?: unknown): Promise<void> {
  const uri = node instanceof vscode.Uri ? node : await pickFile(services);
  const stat = await vscode.workspace.fs.stat(uri);
  const fileName = uri.path.split('/').pop() ?? uri.toString();
  if (stat.size > MAX_IMPORT_BYTES) {
    throw new ValidationError('file', `${fileName} is larger than 1 MB.`, 'Choose a profile file written by Export Profile or `eventstream-flow sandbox`.');
  }
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const plan = planImport(parseProfilesFile(text, fileName), await services.profiles.list(), randomUUID);

  const stored: string[] = [];
  try {
    for (const profile of plan.profiles) {
      await services.profiles.save(profile);
      stored.push(profile.id);
    }
  } catch (error) {
    for (const id of stored) {
      await services.profiles.delete(id).catch(() => undefined); // best effort: the original error matters
    }
    throw error;
  }
  services.logger.child('profiles').info(`Imported ${stored.length} profile(s) from ${fileName}.`);

  const names = plan.profiles.map((p) => `"${p.name}"`).join(', ');
  const parts = [`Imported ${plan.profiles.length === 1 ? 'profile' : `${plan.profiles.length} profiles`} ${names}.`];
  const reservedIds = describeReservedIds(plan);
  if (reservedIds) {
    parts.push(reservedIds);
  }
  const missing = splitMissing(plan.missing);
  if (missing.edit.length > 0) {
    parts.push(`Fill in the ${describeMissing(missing.edit)} with Edit Profile.`);
  }
  if (missing.readBack.length > 0) {
    // The read-back settings are kept; only their key was left out of the file.
    parts.push(`Set the ${describeMissing(missing.readBack)} with Configure Read Back….`);
  }
  if (plan.fileHadSecrets) {
    parts.push(`${fileName} contains secrets; they are now in SecretStorage, so consider deleting the file.`);
  }
  const broadKeys = describeBroadKeys(plan.profiles);
  if (broadKeys) {
    parts.push(broadKeys);
  }
  const first = plan.profiles.find((p) => missing.edit.some((m) => m.name === p.name));
  const actions = first ? [EDIT] : [];
  // Not awaited: the command is done; the button only offers the next step.
  void (broadKeys ? vscode.window.showWarningMessage(parts.join(' '), ...actions) : vscode.window.showInformationMessage(parts.join(' '), ...actions)).then((choice) => {
    if (choice === EDIT && first) {
      void vscode.commands.executeCommand(COMMANDS.editProfile, first.id);
    }
  });
}

async function pickFile(services: ExtensionServices): Promise<vscode.Uri> {
  const picked = await services.input.showOpenDialog({
    title: 'Import Profiles',
    openLabel: 'Import',
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    filters: { 'Profile JSON': ['json'], 'All files': ['*'] },
  });
  const uri = picked?.[0];
  if (!uri) {
    throw new CancelledError();
  }
  return uri;
}
