import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/model/profile';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { wizardChoicesFor } from '../discovery/wizardChoicesFor';
import { runProfileWizard, type WizardDefaults } from './profileWizard';
import { createQuickInputPrompter } from './quickInputPrompter';
import { createUserInputPrompter, type WizardPrompter } from './wizardPrompter';

/** Preferences only (settings never hold identifiers or secrets); each falls back to the manifest default. */
export function readWizardDefaults(): WizardDefaults {
  const config = vscode.workspace.getConfiguration();
  const cloud = config.get<string>(SETTINGS.defaultCloud);
  const protocol = config.get<string>(SETTINGS.defaultProtocol);
  const transport = config.get<string>(SETTINGS.amqpTransport);
  return {
    cloud: cloud === 'china' || cloud === 'usgov' ? cloud : 'public',
    protocol: protocol === 'amqp' ? 'amqp' : 'rest',
    amqpTransport: transport === 'websockets' ? 'websockets' : 'tcp',
  };
}

/**
 * Where the wizard's steps are shown. Normally VS Code's multi-step quick input (back button, step
 * counter, inline validation). When the extension runs under a test runner (extensionTestsPath,
 * i.e. `ExtensionMode.Test`), every step goes through `services.input` instead, so the in-host tests'
 * `TestUserInput` scripts it like any other prompt.
 */
export function wizardPrompterFor(services: ExtensionServices): WizardPrompter {
  return services.context.extensionMode === vscode.ExtensionMode.Test ? createUserInputPrompter(services.input) : createQuickInputPrompter();
}

/**
 * Runs the Add (no `existing`) or Edit wizard; resolves with the profile to store. `wrap` may wrap
 * the prompter (Add Profile keeps the answers of a dismissed wizard this way).
 */
export async function promptForProfile(services: ExtensionServices, existing?: ConnectionProfile, wrap?: (prompter: WizardPrompter) => WizardPrompter): Promise<ConnectionProfile> {
  const prompter = wizardPrompterFor(services);
  return runProfileWizard({
    prompter: wrap ? wrap(prompter) : prompter,
    defaults: readWizardDefaults(),
    others: await services.profiles.list(),
    ...(existing ? { existing } : {}),
    newId: randomUUID,
    // Pick lists on Add only: an edit opens with the stored values.
    ...(existing ? {} : await choicesOrNone(services)),
  });
}

/** Pick lists when an account can discover; never an obstacle to typing (a failure only logs). */
async function choicesOrNone(services: ExtensionServices): Promise<{ choices?: NonNullable<Awaited<ReturnType<typeof wizardChoicesFor>>> }> {
  try {
    const choices = await wizardChoicesFor(services);
    return choices ? { choices } : {};
  } catch (error) {
    services.logger.child('wizard').debug(`No pick lists: ${String(error)}`);
    return {};
  }
}

/** Cached tokens may belong to credentials that just changed or vanished (the runner's, if it has one). */
export function forgetCachedTokens(services: ExtensionServices): void {
  const flows = services.flows as Partial<{ clearTokens(): void }>;
  if (typeof flows.clearTokens === 'function') {
    flows.clearTokens();
  }
}
