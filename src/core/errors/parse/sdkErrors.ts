// SDK error shapes, recognised by name and fields (never instanceof, so no SDK is loaded):
// AMQP MessagingError and @azure/identity / MSAL errors.
import { readEntraBody } from './bodies';
import { eventHubsDetailCode, findAadsts, isNetworkCode, networkMessage } from './codes';
import { type Bag, type Draft, num, str } from './shapes';

export function readMessagingError(e: Bag, message: string): Draft {
  const code = str(e.code) ?? 'MessagingError';
  // core-amqp keeps the errno for system errors (its mapped name is computed but not assigned).
  if (isNetworkCode(code)) {
    return { source: 'network', code, innerCode: 'MessagingError', message: networkMessage(e, code, message) };
  }
  if (/getaddrinfo\s+(ENOTFOUND|EAI_AGAIN)/.test(message)) {
    return { source: 'network', code: /EAI_AGAIN/.test(message) ? 'EAI_AGAIN' : 'ENOTFOUND', innerCode: code, message };
  }
  // Read-back: a consumer group that does not exist is reported as a missing messaging entity.
  if (/messaging entity '[^']*\/ConsumerGroups\/[^']*' could not be found/i.test(message)) {
    return { source: 'amqp', code: 'ConsumerGroupNotFound', innerCode: code, message };
  }
  // The service's description names the real problem ("InvalidSignature: …", "'Send' claim(s)…").
  if (code === 'UnauthorizedError' || code === 'MessagingError') {
    const detail = eventHubsDetailCode(message);
    if (detail && detail !== 'EntityNotFound' && detail !== 'MessageTooLarge') {
      return { source: 'amqp', code: detail, innerCode: code, message };
    }
  }
  if (code === 'ServiceCommunicationError' && /messaging entity .* could not be found/i.test(message)) {
    return { source: 'amqp', code: 'MessagingEntityNotFoundError', innerCode: code, message };
  }
  return { source: 'amqp', code, message };
}

export function readIdentityError(e: Bag, name: string, message: string): Draft {
  const response = (e.errorResponse ?? undefined) as Bag | undefined;
  const status = num(e.statusCode) ?? num(e.status);
  if (response && typeof response === 'object') {
    const body = readEntraBody(response, status);
    return { ...body, source: 'identity', message: str(response.errorDescription) ?? body.message ?? message };
  }
  const cause = (e.cause && typeof e.cause === 'object' ? e.cause : undefined) as Bag | undefined;
  const texts = [message, str(cause?.message), str(cause?.errorMessage)].filter((t): t is string => Boolean(t));
  const errorNo = str(e.errorNo) ?? str(cause?.errorNo);
  const aadsts = (errorNo && /^\d+$/.test(errorNo) ? errorNo : undefined) ?? texts.map(findAadsts).find(Boolean);
  const msalCode = str(e.errorCode) ?? str(cause?.errorCode);
  if (aadsts) {
    return { source: 'identity', code: `AADSTS${aadsts}`, innerCode: msalCode ?? name, status: status ?? num(cause?.status), message };
  }
  // A network failure underneath the credential is a network problem.
  if (cause) {
    const causeCode = str(cause.code);
    if (causeCode && isNetworkCode(causeCode)) {
      return { source: 'network', code: causeCode, innerCode: name, message: `${message}: ${networkMessage(cause, causeCode, str(cause.message) ?? '')}` };
    }
  }
  return { source: 'identity', code: identityCode(name, message), innerCode: msalCode, status, message };
}

/** Named CredentialUnavailableError cases this flow meets (Azure CLI, multi-tenant refusal). */
export function identityCode(name: string, message: string): string {
  if (/Azure CLI could not be found|'az' is not recognized|az: (?:command )?not found/i.test(message)) {
    return 'AzureCliNotFound';
  }
  if (/az login/i.test(message)) {
    return 'AzureCliLoginRequired';
  }
  if (/not configured to acquire tokens for tenant/i.test(message)) {
    return 'TenantNotAllowed';
  }
  return name === 'CredentialUnavailableError' ? 'CredentialUnavailableError' : 'IdentityError';
}
