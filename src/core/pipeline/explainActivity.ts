/**
 * A failed activity explained by the one explanation table, as the local stage that does the same
 * call would be: the activity is mapped to its stage, and the HTTP status and body the Web activity
 * got (in its 2108 message, "Invoking Web Activity failed with HttpStatusCode - '403 : Forbidden',
 * message - '<body>'") are read as that stage's service answer; a 2308 ("No response from the
 * endpoint") as the network error it names.
 */
import { explainError } from '../errors/explain';
import { HttpResponseError, type ExplainedError } from '../errors/errors';
import { ACTIVITY } from '../export/pipeline';
import type { StageId } from '../flow/stageId';
import type { ActivityRun } from './types';

const STAGE_BY_ACTIVITY: Readonly<Record<string, StageId>> = {
  [ACTIVITY.keyVaultToken]: 'keyVaultToken',
  [ACTIVITY.clientId]: 'readClientId',
  [ACTIVITY.clientSecret]: 'readClientSecret',
  [ACTIVITY.eventHubsToken]: 'eventHubsToken',
  [ACTIVITY.send]: 'send',
};

/** The local stage a Web activity of the export does, by its name. */
export function stageOfActivity(activityName: string): StageId | undefined {
  return STAGE_BY_ACTIVITY[activityName];
}

const SERVICE_BY_STAGE: Readonly<Record<StageId, 'entra' | 'keyVault' | 'eventHubsRest'>> = {
  keyVaultToken: 'entra',
  readClientId: 'keyVault',
  readClientSecret: 'keyVault',
  eventHubsToken: 'entra',
  send: 'eventHubsRest',
  probe: 'eventHubsRest',
};

const HTTP_FAILURE = /HttpStatusCode - '(\d{3})[^']*', message - '([\s\S]*)'\s*$/;
const NO_RESPONSE = /^No response from the endpoint\.[\s\S]*?Details: ([A-Za-z_0-9]+): ([\s\S]*)$/;
const MANAGED_IDENTITY = /access token with (?:the managed identity|the service principal)/;

/** The error the activity reports, as the local flow would have met it (for the explanation table). */
export function activityFailureAsError(run: ActivityRun, stage: StageId | undefined): unknown {
  const message = run.error?.message ?? '';
  const http = HTTP_FAILURE.exec(message);
  if (http) {
    // A managed identity's (or Web activity service principal's) token request is a Key Vault token stage at Entra ID.
    const service = MANAGED_IDENTITY.test(message) ? 'entra' : stage ? SERVICE_BY_STAGE[stage] : 'entra';
    return new HttpResponseError(service, Number(http[1]), {}, http[2] ?? '');
  }
  const network = NO_RESPONSE.exec(message);
  if (network) {
    return Object.assign(new Error(network[2] ?? message), { code: network[1] });
  }
  return Object.assign(new Error(message || run.status), { code: run.error?.errorCode || 'ActivityFailed' });
}

export function explainActivity(run: ActivityRun, secrets: Iterable<string> = []): ExplainedError {
  const direct = stageOfActivity(run.activityName);
  const stage = direct ?? undefined;
  const message = run.error?.message ?? '';
  // The managed identity's token is the Key Vault token the local flow's stage 1 gets.
  const explainedStage: StageId | undefined = MANAGED_IDENTITY.test(message) && (stage === 'readClientId' || stage === 'readClientSecret') ? 'keyVaultToken' : stage;
  return explainError(activityFailureAsError(run, stage), { ...(explainedStage ? { stage: explainedStage } : {}), secrets, endpointAuth: 'entra' });
}
