import * as vscode from 'vscode';
import { explainError, formatExplainedError } from '../../core/errors/explain';
import { isCancelledError, isStageError, type ExplainedError } from '../../core/errors/errors';
import { isNotSignedIn } from '../auth/sessionScopes';
import { COMMANDS, type CommandId } from '../constants';
import type { ExtensionServices } from '../services';
import type { CommandHandler } from './commandContext';
import { notificationFor, OPEN_DOCS, RETRY, SHOW_DETAILS, SIGN_IN } from './notification';

/** VS Code's own "the user closed the sign-in" errors are cancellations too. */
function isUserCancellation(error: unknown): boolean {
  if (isCancelledError(error)) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /did not consent|user cancell?ed|Cancelled$/i.test(message) && !isStageError(error);
}

/**
 * The one wrapper every command runs through (after Azure's callWithTelemetryAndErrorHandling):
 * cancellation is silent; the full error and its cause chain go to the (redacted) log; the
 * notification carries one explained line with Show Log, Retry and Open Docs (plus Sign In when
 * the account is signed out). The notification is not awaited, so `executeCommand` settles as soon
 * as the command is done, which the in-host tests rely on.
 */
export function runCommand(services: ExtensionServices, id: CommandId, handler: CommandHandler): (...args: unknown[]) => Promise<void> {
  const log = services.logger.child(id.replace(/^eventstreamFlow\./, ''));
  const invoke = async (...args: unknown[]): Promise<void> => {
    const [node, ...rest] = args;
    const started = Date.now();
    log.debug('started');
    try {
      await handler(services, node, ...rest);
      log.debug(`finished in ${Date.now() - started} ms`);
    } catch (error) {
      if (isUserCancellation(error)) {
        log.debug('cancelled');
        return;
      }
      const explained: ExplainedError = isStageError(error) ? error.info : isNotSignedIn(error) ? explainError(error, { stage: 'keyVaultToken' }) : explainError(error);
      log.error(`failed after ${Date.now() - started} ms\n${formatExplainedError(explained)}`, error);
      const redact = (s: string): string => services.redactor.redact(s);
      const { message, actions, docsUrl } = notificationFor(explained, redact);
      void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
        switch (choice) {
          case SHOW_DETAILS:
            services.log.show(true);
            return;
          case RETRY:
            await invoke(...args);
            return;
          case OPEN_DOCS:
            if (docsUrl) {
              await vscode.env.openExternal(vscode.Uri.parse(docsUrl));
            }
            return;
          case SIGN_IN:
            await vscode.commands.executeCommand(COMMANDS.signIn, node);
            return;
          default:
            return;
        }
      });
    }
  };
  return invoke;
}
