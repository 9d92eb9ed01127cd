// The explanation table's Event Hubs / Eventstream entries for the REST send (stage 5).
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { DOCS, FABRIC_ENTRA_FIX, SAS_SEND_FIX } from './docs';


export const EVENT_HUBS_REST_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  InvalidAudience: {
    summary: 'The Event Hubs token has the wrong audience (InvalidAudience).',
    cause: 'An Entra token was not issued for https://eventhubs.azure.net, or a SAS token was signed for another namespace or hub (`sr`).',
    fix: 'For Entra, request resource=https://eventhubs.azure.net (v1) or scope https://eventhubs.azure.net/.default (v2). For SAS, sign sr=sb://<namespace>/<event hub> with the namespace and hub you send to.',
    docsUrl: DOCS.ehEntra,
  },
  InvalidSignature: {
    summary: 'The SAS signature is invalid (InvalidSignature).',
    cause: 'The SAS token was signed with the wrong key, for another key name (skn), or for a different `sr` than the endpoint expects.',
    fix: "Copy the primary key and key name again from the custom endpoint's Keys page (Fabric key names look like key_…), and make sure sr is sb://<namespace>/<event hub>.",
    docsUrl: DOCS.ehSas,
  },
  ExpiredToken: {
    summary: 'The token sent to Event Hubs has expired (ExpiredToken).',
    cause: "The Entra or SAS token's expiry is in the past, or this machine's clock is wrong.",
    fix: 'Request a fresh token (clear the token cache) and check the system clock; SAS tokens need a future se=.',
    docsUrl: DOCS.ehSas,
  },
  MissingSendClaim: {
    summary: "The identity may not send to this event hub ('Send' claim missing).",
    cause: 'The token is valid but carries no Send permission for this entity.',
    byEndpointAuth: {
      entra: {
        summary: "The pipeline service principal may not send to this endpoint ('Send' claim missing).",
        cause: 'The Entra ID token is valid, but the service principal has no Send permission on the event hub: for a Fabric custom endpoint it is not Contributor on the workspace, or service principals may not use Fabric APIs in this tenant.',
        fix: FABRIC_ENTRA_FIX,
        docsUrl: DOCS.fabricEntra,
      },
      sas: {
        summary: "The SAS policy has no Send right ('Send' claim missing).",
        cause: 'The SAS key is valid, but its policy does not include Send (e.g. a Listen-only policy).',
        fix: SAS_SEND_FIX,
        docsUrl: DOCS.ehSas,
      },
      connectionString: {
        summary: "The connection string's SAS policy has no Send right ('Send' claim missing).",
        cause: "The connection string's key is valid, but its policy (SharedAccessKeyName) does not include Send (e.g. a Listen-only policy).",
        fix: SAS_SEND_FIX,
        docsUrl: DOCS.ehSas,
      },
    },
    fix: 'Fabric Eventstream: add the pipeline service principal as Contributor (or higher) on the workspace (Manage access), and have a tenant admin enable "Service principals can call Fabric public APIs". Azure Event Hubs: assign "Azure Event Hubs Data Sender" on the hub or namespace (propagation takes up to 5 minutes). SAS: use a policy with Send.',
    docsUrl: DOCS.fabricEntra,
  },
  EventHubsUnauthorized: {
    summary: 'The endpoint rejected the credentials (401).',
    cause: 'The token or SAS was not accepted; the response gave no more detail.',
    fix: 'With Entra, check the token resource is https://eventhubs.azure.net and the principal has send rights; with SAS, recopy the key name and key.',
    docsUrl: DOCS.ehSend,
    byEndpointAuth: {
      entra: { fix: `Check the Event Hubs token was requested for https://eventhubs.azure.net, then the send rights. ${FABRIC_ENTRA_FIX}`, docsUrl: DOCS.fabricEntra },
      sas: { fix: `Recopy the SAS key name and key; check the policy has Send. ${SAS_SEND_FIX}`, docsUrl: DOCS.ehSas },
      connectionString: { fix: `Recopy the connection string; check its policy has Send. ${SAS_SEND_FIX}`, docsUrl: DOCS.ehSas },
    },
  },
  EventHubsForbidden: {
    summary: 'The endpoint refused the send (403).',
    cause: 'The gateway answers 403 for quota exceeded or a message too large, and for principals without send rights.',
    fix: 'Check the event is under 1 MB and the namespace is not over quota; then check the Send permission (Fabric workspace Contributor, or "Azure Event Hubs Data Sender").',
    docsUrl: DOCS.ehQuotas,
    byEndpointAuth: {
      entra: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the send rights. ${FABRIC_ENTRA_FIX}` },
      sas: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the policy's rights. ${SAS_SEND_FIX}` },
      connectionString: { fix: `Check the event is under 1 MB and the namespace is not over quota; then the policy's rights. ${SAS_SEND_FIX}` },
    },
  },
  EntityNotFound: {
    summary: 'The event hub does not exist on this namespace (404/410).',
    cause: 'The event hub name is wrong or the namespace is another one; Fabric custom-endpoint hubs are named es_… and live on eventstream-….servicebus.windows.net.',
    fix: "Copy the Event hub name (es_…) and namespace from the custom endpoint's details (Event hub or Entra ID tab).",
    docsUrl: DOCS.fabricCustomApp,
  },
  MessageTooLarge: {
    summary: 'The event is larger than the endpoint accepts (1 MB).',
    cause: 'Event Hubs Standard/Premium (and Eventstream) reject publications over 1 MB (Basic: 256 KB), headers and properties included.',
    fix: 'Send a smaller event or split the payload into several events.',
    docsUrl: DOCS.ehQuotas,
  },
  EventHubsBadRequest: {
    summary: 'The endpoint rejected the request as malformed (400).',
    cause: 'A header (BrokerProperties, a custom property) or the URL is not valid for Event Hubs.',
    fix: 'Check the partition key, custom property names and values, and the event hub name.',
    docsUrl: DOCS.ehSend,
  },
  EventHubsInternalError: {
    summary: 'The endpoint answered 500.',
    cause: 'Event Hubs REST returns 500 for a malformed SAS token (bad sr encoding or format) as well as for real service errors.',
    fix: 'If you use SAS, check the token format (SharedAccessSignature sr=…&sig=…&se=…&skn=…) and let this extension build it; otherwise retry later.',
    docsUrl: DOCS.ehSas,
  },
  EventHubsRestError: {
    summary: 'The Event Hubs endpoint returned an error.',
    cause: 'The REST endpoint answered with a status this extension has no specific advice for.',
    fix: 'Read the status and detail; try the AMQP protocol to compare.',
    docsUrl: DOCS.ehSend,
  },
};
