import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExplainedError } from '../../../src/core/errors/errors';

/** Recorded error bodies (verbatim shapes from the wire facts §1.3–1.5, §2.3, §4.4). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'errors', name), 'utf8');
}

/** Key Vault's AKV10022 refusal, explained, with the token inspector's likely cause: aud has a trailing slash. */
export const AUDIENCE_REFUSAL: ExplainedError = {
  source: 'keyVault',
  code: 'AKV10022',
  status: 401,
  message: 'AKV10022: Invalid audience.',
  stage: 'readClientId',
  explanation: { code: 'AKV10022', summary: 'Wrong audience.', cause: 'c', fix: 'f' },
  likelyCauses: [{ tokenStage: 'keyVaultToken', claim: 'aud', reason: 'aud has a trailing slash.', fix: 'Drop it.' }],
};

/** An AMQP error built the way @azure/core-amqp builds MessagingError. */
export function messagingError(code: string, message: string, retryable = true, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'MessagingError', code, retryable, ...extra });
}

/** A Node system error as `net`/`dns`/`tls` raise it. */
export function systemError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/** @azure/identity's AuthenticationError: status plus the parsed OAuth error body. */
export function authenticationError(statusCode: number, body: { error: string; error_description: string; error_codes?: number[] }): Error {
  return Object.assign(new Error(`${body.error}(status code ${statusCode}).\nMore details:\n${body.error_description}`), {
    name: 'AuthenticationError',
    statusCode,
    errorResponse: {
      error: body.error,
      errorDescription: body.error_description,
      errorCodes: body.error_codes,
      correlationId: '9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0',
    },
  });
}

/** A RestError from @azure/core-rest-pipeline: non-enumerable response with bodyAsText and HttpHeaders. */
export function restError(statusCode: number, bodyAsText: string, headers: Record<string, string> = {}, code?: string): Error {
  const error = Object.assign(new Error(`Status ${statusCode}`), { name: 'RestError', statusCode, code });
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  Object.defineProperty(error, 'response', {
    enumerable: false,
    value: { status: statusCode, bodyAsText, headers: { get: (name: string): string | undefined => lower[name.toLowerCase()] } },
  });
  return error;
}
