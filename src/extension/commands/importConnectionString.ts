import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { connectionStringAdvisory, formatAdvisory } from '../../core/diagnostics/leastPrivilege';
import { CancelledError, isValidationError } from '../../core/errors/errors';
import type { ExtensionServices } from '../services';
import { profileFromConnectionString } from '../profiles/profileImport';
import { readWizardDefaults } from '../profiles/wizardHost';

/**
 * Import Connection String…: paste (hidden) an Eventstream custom endpoint's connection string; a
 * profile named after its event hub sends with it. Key Vault stays unset until Edit Profile.
 */
export async function importConnectionString(services: ExtensionServices, _node?: unknown): Promise<void> {
  const defaults = readWizardDefaults();
  const stored = await services.profiles.list();
  const build = (text: string) => profileFromConnectionString(text, { id: randomUUID(), stored, ...defaults });
  const text = await services.input.showInputBox({
    title: 'Import Connection String',
    prompt: 'Connection string of the Eventstream custom endpoint (Keys page). It is stored in SecretStorage only.',
    placeHolder: 'Endpoint=sb://eventstream-….servicebus.windows.net/;SharedAccessKeyName=key_…;SharedAccessKey=…;EntityPath=es_…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!value.trim()) {
        return undefined; // not an error until Enter
      }
      try {
        build(value);
        // Accepted, but a key broader than sending needs is worth a word before it is stored.
        const advisory = connectionStringAdvisory(value);
        return advisory ? { message: formatAdvisory(advisory), severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
      } catch (error) {
        if (isValidationError(error)) {
          return `The connection string ${error.problem} ${error.fix}`;
        }
        throw error;
      }
    },
  });
  if (text === undefined) {
    throw new CancelledError();
  }
  const profile = build(text); // throws the ValidationError for a bad string (scripted input skips validateInput)
  await services.profiles.save(profile);
  services.logger.child('profiles').info(`Created profile ${profile.id} from a connection string.`);
  const created = `Created the profile "${profile.name}": it sends with the connection string. Edit it to test the Key Vault → Entra ID flow your pipeline uses.`;
  const advisory = connectionStringAdvisory(text);
  if (advisory) {
    void vscode.window.showWarningMessage(`${created} ${formatAdvisory(advisory)}`);
  } else {
    void vscode.window.showInformationMessage(created);
  }
}
