/**
 * The CLI's usage text (`eventstream-flow --help`): every command and option with its wording and
 * range, written once; each command's own help (help.ts) takes its option lines from here.
 */
import { SANDBOX_FLAGS_HELP } from './sandboxFlags';

export const HELP = `eventstream-flow — run and troubleshoot the secure Key Vault → Entra ID → Eventstream flow

Usage:
  eventstream-flow run   [options]            run all five stages and send one sample event
  eventstream-flow test <stage> [options]     run one stage (and the stages it needs)
  eventstream-flow send  [options]            send events through the whole flow
  eventstream-flow sandbox [options]          start the local sandbox and print a ready profile
  eventstream-flow inspect-token kv-token|eh-token [options]
                                              obtain a token (running the stages it needs) and check
                                              its claims against the next stage; never prints it
  eventstream-flow export --format pipeline|http|curl --profile FILE [--out FILE [--force]]
                                              write the profile's flow as a Data Factory / Fabric
                                              pipeline, a REST Client .http file or a curl script

Stages: kv-token, client-id, client-secret, eh-token, send, probe

Options:
  --profile FILE         profile JSON (see README); without it, a fresh local sandbox is used
  --sandbox              use a fresh local sandbox even if a profile is given elsewhere
  --json                 print one JSON object per stage, then a result object (stdout)
  --timeout SECONDS      per-stage timeout, 1 to 600 (default 30)
  --kv-api-version V     the api-version of the pipeline's own secret request (default 7.0, as
                         Data Factory documents), or sdk to read through @azure/keyvault-secrets
  --protocol rest|amqp   how to send (default: the profile's)
  --expiry-warning-days N
                         warn when a secret read expires within N days, 0 to 3650 (default
                         30; 0: only once expired)
  -h, --help             show this help

Send options (run, send):
  --body JSON            event body; Data Factory expressions like @{guid()}, @{utcNow()},
                         @{rand(1,100)}, @{pipeline().parameters.NAME} are substituted
  --file PATH            read the body from a file instead
  --param NAME=VALUE     a pipeline parameter for @{pipeline().parameters.NAME} (repeatable)
  --count N              send N events, 1 to 1,000,000, streamed in batches of up to 1 MiB
                         (default 1); progress on stderr, Ctrl-C prints what was acknowledged
  --rate N               load mode: send N events per second, 1 to 100,000, for --duration;
                         prints throughput and send latency p50/p95/p99; throttling slows it
  --duration SECONDS     load mode: how long to keep --rate, 1 to 3600 (default 10)
  --partition-key KEY    route by partition key
  --partition-id ID      send to one partition
  --property NAME=VALUE  custom event property (repeatable)
  --content-type TYPE    the events' content type (default application/json)
  --read-back            read the sent event back from a consumer group (matched by a
                         correlation-id property) and show the end-to-end latency; the consumer
                         endpoint is the profile's readBack, else the send endpoint
  --consumer-group CG    consumer group to read back from (default: the profile's, else $Default)
  --read-back-timeout S  seconds to wait for the event, 1 to 600 (default: the profile's, else 30)

Export options:
  --format F             pipeline (JSON of Web activities), http (REST Client) or curl (bash)
  --out FILE             write to FILE instead of stdout; an existing FILE is refused, and a
                         symbolic link at FILE is never followed
  --force                with --out: replace an existing regular file
  --kv-auth msi|service-principal
                         pipeline only: how its Key Vault activities sign in (default msi: the
                         factory's managed identity; service-principal: a SecureString parameter)
  --body, --file, --param as for send: the event body and its parameters' default values
  Exports hold references and placeholders, never a secret value.

Sandbox only:
  --fault STAGE:KIND     make a stage fail the way Azure does, e.g. eh-token:invalidClientSecret
                         (kinds: invalidClientSecret, expiredClientSecret, unknownClient,
                         unknownTenant, defaultScopeAsResource, wrongAudience, missingRole,
                         secretNotFound, secretDisabled, tokenFromOtherTenant, blockedByFirewall,
                         secretIdStored, untrustedCertificate, throttled, serviceUnavailable,
                         oversizedEvent, connectionRefused, connectionReset, timeout; and mistakes in
                         the profile: clientIdIsTenantId, sasWithoutSend, unresolvableHost)
${SANDBOX_FLAGS_HELP}
Secrets never go on the command line. They come from environment variables, or a hidden prompt:
  EVENTSTREAM_FLOW_CLIENT_SECRET      the Key Vault reader's client secret (service principal)
  EVENTSTREAM_FLOW_SAS_KEY            the endpoint's SAS key (SAS auth)
  EVENTSTREAM_FLOW_CONNECTION_STRING  the endpoint's connection string (connection-string auth)
  EVENTSTREAM_FLOW_READ_BACK_SAS_KEY / EVENTSTREAM_FLOW_READ_BACK_CONNECTION_STRING
                                      the read-back endpoint's own key (profile readBack.auth)

Logging: EVENTSTREAM_FLOW_LOG=debug (or info, warn, error) writes the engine's redacted log to stderr.

Exit codes: 0 ok, 2 bad input, 11 Key Vault token, 12 read client id, 13 read client secret,
            14 Event Hubs token, 15 send, 16 probe, 17 read back, 130 cancelled, 1 internal error;
            inspect-token: 3 when a claim does not fit the next stage.
`;
