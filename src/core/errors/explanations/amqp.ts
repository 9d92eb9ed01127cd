// The explanation table's Event Hubs / Eventstream entries for AMQP (stage 5, probe) and the read back.
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { DOCS, FABRIC_ENTRA_FIX, SAS_SEND_FIX } from './docs';


export const AMQP_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  UnauthorizedError: {
    summary: 'The endpoint rejected the credentials on AMQP (UnauthorizedError).',
    cause: 'The CBS put-token was refused: wrong SAS key or name, a token for another audience, or no Send right.',
    fix: "Recheck the SAS key name and key (or the connection string) from the custom endpoint's Keys page; with Entra, give the principal send rights (Fabric workspace Contributor, or \"Azure Event Hubs Data Sender\").",
    docsUrl: DOCS.ehExceptions,
    byEndpointAuth: {
      entra: { fix: `Check the Event Hubs token was requested for https://eventhubs.azure.net, then the send rights. ${FABRIC_ENTRA_FIX}`, docsUrl: DOCS.fabricEntra },
      sas: { fix: `Recopy the SAS key name and key from the endpoint's Keys page. ${SAS_SEND_FIX}` },
      connectionString: { fix: `Recopy the connection string from the endpoint's Keys page. ${SAS_SEND_FIX}` },
    },
  },
  MessagingEntityNotFoundError: {
    summary: 'The event hub was not found (MessagingEntityNotFoundError).',
    cause: 'The namespace exists but has no event hub with this name (AMQP calls it the entity name).',
    fix: "Copy the entity / event hub name (es_…) from the custom endpoint's AMQP or Event hub tab; a connection string's EntityPath wins over the profile.",
    docsUrl: DOCS.fabricCustomApp,
  },
  MessagingEntityDisabledError: {
    summary: 'The event hub is disabled.',
    cause: 'The entity exists but is disabled, or the eventstream (or its source) is paused.',
    fix: 'Enable the event hub, or resume the eventstream and its custom endpoint source.',
    docsUrl: DOCS.ehExceptions,
  },
  MessageTooLargeError: {
    summary: 'The event exceeds the AMQP link maximum size (MessageTooLargeError).',
    cause: "The encoded event (body, properties and annotations) is larger than the link's max-message-size, 1 MB on Standard.",
    fix: 'Send a smaller event or split it.',
    docsUrl: DOCS.ehQuotas,
  },
  ServerBusyError: {
    summary: 'The endpoint is busy or throttling (ServerBusyError / 429).',
    cause: 'The namespace is over its throughput units or the eventstream throughput level.',
    fix: 'Wait (see Retry-After) and retry; for sustained load raise the throughput units or the eventstream throughput setting.',
    docsUrl: DOCS.ehExceptions,
  },
  ServiceUnavailableError: {
    summary: 'The endpoint is temporarily unavailable (503 / ServiceUnavailableError).',
    cause: 'The service (or a network path to it) could not handle the request right now.',
    fix: 'Retry in a minute; if it persists, check Azure status and that the eventstream is running.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  QuotaExceededError: {
    summary: 'A quota was exceeded (QuotaExceededError).',
    cause: 'The namespace hit a limit such as connections, links or throughput.',
    fix: 'Close unused clients, reduce concurrency, or raise the namespace capacity.',
    docsUrl: DOCS.ehQuotas,
  },
  ConnectionForcedError: {
    summary: 'The endpoint closed the AMQP connection (ConnectionForcedError).',
    cause: 'The service or a proxy ended the connection (idle, upgrade, or a refused connection).',
    fix: 'Retry; behind a firewall that blocks port 5671 switch the AMQP transport to WebSockets (443).',
    docsUrl: DOCS.ehTroubleshoot,
  },
  OperationTimeoutError: {
    summary: 'The AMQP operation timed out (OperationTimeoutError).',
    cause: 'The service did not answer in time, often because port 5671 is blocked and the connection hangs.',
    fix: 'Check outbound TCP 5671 (or use AMQP over WebSockets on 443), then retry.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  ServiceCommunicationError: {
    summary: 'Could not communicate with the Event Hubs endpoint (ServiceCommunicationError).',
    cause: 'The namespace host could not be reached: a DNS typo, the wrong cloud suffix, or a blocked network.',
    fix: 'Check the namespace host (eventstream-….servicebus.windows.net) and that ports 5671/443 are open.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  ArgumentError: {
    summary: 'The endpoint rejected an argument (ArgumentError).',
    cause: 'Event Hubs refused a value of the request, e.g. a partition id that does not exist or a partition key that is too long.',
    fix: "Check the partition id against the hub's partitions (probe the endpoint) and keep partition keys to 128 characters.",
    docsUrl: DOCS.ehExceptions,
  },
  MessagingError: {
    summary: 'The AMQP client reported an error.',
    cause: 'The Event Hubs AMQP client failed with an error this extension has no specific advice for.',
    fix: 'Read the message and the log; try the REST protocol to compare.',
    docsUrl: DOCS.ehExceptions,
  },
  // --- Round trip: reading the sent event back from a consumer group (roundTrip.ts) --------------
  MissingListenClaim: {
    summary: "The identity may not read events from this consumer group ('Listen' claim missing).",
    cause: 'The read-back consumer authenticated, but its token or SAS policy carries no Listen right for this event hub.',
    fix: 'Fabric Eventstream: read from a destination custom endpoint with its own key or Entra, and give the principal Contributor on the workspace. Azure Event Hubs: assign "Azure Event Hubs Data Receiver" on the hub or namespace (takes up to 5 minutes), or use a SAS policy with Listen; the send-only policy is right for sending, not for reading back.',
    docsUrl: DOCS.ehEntra,
  },
  ConsumerGroupNotFound: {
    summary: 'The consumer group to read back from does not exist.',
    cause: 'The event hub has no consumer group with this name (names are compared case-insensitively).',
    fix: 'Use $Default or a consumer group listed on the event hub; for a Fabric destination custom endpoint, copy the consumer group from its details (Event hub tab).',
    docsUrl: DOCS.fabricCustomApp,
  },
  ReadBackTimeout: {
    summary: 'The sent event did not come back from the consumer group in time.',
    cause: 'The send was accepted, but no event with this correlation id reached the consumer: the consumer group reads another hub or destination, the eventstream routes or filters the event elsewhere (or is paused), or delivery is slower than the timeout.',
    fix: 'Check that the consumer endpoint is fed by the endpoint you send to (Fabric: the eventstream connects this source to the destination custom endpoint and is running), then retry with a longer --read-back-timeout.',
    docsUrl: DOCS.fabricCustomApp,
  },
};
