import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import type { ExtensionServices } from '../services';
import { SecretNode } from '../tree/secretNode';
import type { SecretReference } from '../../core/model/profile';

/** What the reader needs to read one secret's value; the runner has it (`readSecretValue`). */
interface SecretReader {
  readSecretValue(profileId: string, reference: SecretReference, signal: AbortSignal): Promise<{ value: string; name: string; version: string }>;
}

function isSecretReader(value: unknown): value is SecretReader {
  return typeof (value as Partial<SecretReader> | undefined)?.readSecretValue === 'function';
}

const REVEAL = 'Reveal';

/**
 * Shows a secret's value once, after a modal confirmation, in an input box with the value selected
 * (Escape closes it). The value is registered with the redactor, so it cannot reach the log; it is
 * never stored, copied, logged or put in a notification.
 */
export async function revealSecretValue(services: ExtensionServices, node?: unknown): Promise<void> {
  if (!(node instanceof SecretNode)) {
    void vscode.window.showInformationMessage('Run Reveal Secret Value from a secret in the Eventstream Flow view.');
    return;
  }
  if (!isSecretReader(services.flows)) {
    throw new Error('Reading secret values is not available in this window.');
  }
  const name = node.info?.name ?? node.secretName;
  const answer = await services.input.showWarningMessage(
    `Reveal the value of secret "${name}"?`,
    {
      modal: true,
      detail: 'The value will be shown on screen until you close the box. It is not logged, stored or copied; make sure nobody is watching your screen.',
    },
    REVEAL,
  );
  if (answer !== REVEAL) {
    throw new CancelledError('Reveal declined');
  }
  const reader = services.flows;
  const secret = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, cancellable: true, title: `Reading ${name}…` },
    (_progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return reader
        .readSecretValue(node.profileId, { name, ...(node.pinnedVersion ? { version: node.pinnedVersion } : {}) }, controller.signal)
        .finally(() => {
          subscription.dispose();
        });
    },
  );
  services.logger.child('reveal').info(`Revealed the value of ${name} (version ${secret.version.slice(0, 8)}…) on screen`);
  await services.input.showInputBox({
    title: `Value of ${name}`,
    value: secret.value,
    valueSelection: [0, secret.value.length],
    prompt: 'Shown once: copy it if you must (Ctrl+C), then press Escape. Nothing is stored.',
    ignoreFocusOut: false,
  });
}
