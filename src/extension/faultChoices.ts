// What "Make This Stage Fail…" offers: the sandbox's fault kinds for a stage, each with what Azure
// answers. Pure (no vscode, types only from the sandbox), so the list is unit-tested.
import type { StageId } from '../core/flow/types';
import type { FaultKind } from '../sandbox/types';

/** What the peer answers for each kind (the codes the sandbox sends; src/sandbox/types.ts documents each). */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  invalidClientSecret: 'Entra ID: 401 invalid_client, AADSTS7000215 (wrong client secret)',
  expiredClientSecret: 'Entra ID: 401 invalid_client, AADSTS7000222 (the client secret expired)',
  unknownClient: 'Entra ID: 400 unauthorized_client, AADSTS700016 (no such app in the tenant)',
  unknownTenant: 'Entra ID: 400 invalid_request, AADSTS90002 (no such tenant)',
  defaultScopeAsResource: 'Entra ID: 400 invalid_resource, AADSTS500011 (a v1 resource ending in /.default)',
  wrongAudience: 'Key Vault 401 AKV10022 / Event Hubs 401 InvalidAudience (token for another audience)',
  missingRole: 'Key Vault 403 ForbiddenByRbac / Event Hubs 401 (no Send claim): a role is missing',
  secretNotFound: 'Key Vault: 404 SecretNotFound',
  secretDisabled: 'Key Vault: 403 SecretDisabled',
  tokenFromOtherTenant: "Key Vault: 401 AKV10032 (the token's issuer is another tenant)",
  blockedByFirewall: 'Key Vault: 403 ForbiddenByFirewall, with the client address the vault saw',
  secretIdStored: "Key Vault answers the secret's ID instead of its value; Entra ID refuses it at stage 4",
  untrustedCertificate: 'a certificate from another CA (a TLS-inspecting proxy)',
  throttled: '429 with Retry-After (AMQP: ServerBusyError)',
  serviceUnavailable: '503 (AMQP: ServiceUnavailable)',
  oversizedEvent: 'Event Hubs: 413 (AMQP: message-size-exceeded), whatever the size',
  connectionRefused: 'nothing listens: connection refused',
  connectionReset: 'the connection is reset on its first bytes',
  timeout: 'the peer accepts and never answers (the stage times out)',
  amqpPortBlocked: 'AMQP over TLS on 5671 is reset (WebSockets on 443 and REST still work)',
};

export interface FaultChoice {
  readonly label: FaultKind;
  readonly description: string;
}

/** The kinds that can happen at a stage (the sandbox's FAULTS_BY_STAGE), with what each looks like. */
export function faultChoices(stage: StageId, byStage: Readonly<Record<StageId, readonly FaultKind[]>>): FaultChoice[] {
  return byStage[stage].map((kind) => ({ label: kind, description: FAULT_DESCRIPTIONS[kind] }));
}
