import * as vscode from 'vscode';
import { raceAbort } from '../../core/azure/http';
import type { AccessToken, TokenProvider } from '../../core/flow/types';
import type { Logger } from '../../core/logging/logger';
import type { Redactor } from '../../core/logging/redact';
import { cloudOf, type CloudName } from '../../core/model/cloud';
import type { SignedInAccount } from '../services';
import { accessTokenExpiry, NotSignedInError, sessionScopesFor } from './sessionScopes';

/**
 * The editor's Microsoft account as a core `TokenProvider`, for profiles whose Key Vault auth is
 * `signedInUser`. Silent first: a tree expansion or a flow run never pops a sign-in; only the
 * Sign In command (a user action) asks with `createIfNone`.
 */
export function createSignedInAccount(deps: { logger: Logger; redactor: Redactor }): SignedInAccount {
  const log = deps.logger.child('account');
  return {
    tokenProvider(cloud: CloudName, options: { createIfNone?: boolean } = {}): TokenProvider {
      const providerId = cloudOf(cloud).vscodeAuthProvider;
      return {
        async getToken(scopes, { tenantId, signal }): Promise<AccessToken> {
          const sessionScopes = sessionScopesFor(scopes, tenantId);
          let session = await raceAbort(Promise.resolve(vscode.authentication.getSession(providerId, sessionScopes, { silent: true })), signal);
          if (!session && options.createIfNone) {
            log.info(`Asking to sign in with ${providerId} for ${sessionScopes.filter((s) => !s.startsWith('VSCODE_')).join(', ')}`);
            session = await raceAbort(Promise.resolve(vscode.authentication.getSession(providerId, sessionScopes, { createIfNone: true })), signal);
          }
          if (!session) {
            throw new NotSignedInError(providerId);
          }
          deps.redactor.add(session.accessToken);
          log.debug(`Using the session of ${session.account.label} (${providerId})`);
          return { token: session.accessToken, expiresOnTimestamp: accessTokenExpiry(session.accessToken, Date.now()) };
        },
      };
    },
  };
}
