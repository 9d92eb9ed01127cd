/**
 * The local sandbox's network knobs on the command line: `--latency MS` and the Event Hubs
 * ingress limit per partition (`--partition-limit`, `--partition-limit-bytes`). They shape the
 * sandbox this process starts (the `sandbox` command, `--sandbox`, or any command without
 * `--profile`), and mean nothing against a real profile, so they are refused there.
 */
import { ValidationError } from '../core/errors/errors';
import { parseWholeNumber, type WholeNumberRange } from '../core/model/limits';

/** What the sandbox gets (the names of its SandboxOptions). */
export interface SandboxNetworkOptions {
  readonly latencyMs?: number;
  readonly partitionLimit?: { readonly eventsPerSecond?: number; readonly bytesPerSecond?: number };
}

/** A minute of latency per round trip is already a hang; the sandbox refuses more too. */
export const SANDBOX_LATENCY_MS = { min: 0, max: 60_000, unit: 'milliseconds', default: 0 } as const satisfies WholeNumberRange;
/** One Standard throughput unit is 1,000 events/s; a million per partition is beyond any tier. */
export const PARTITION_EVENTS_PER_SECOND = { min: 1, max: 1_000_000, unit: 'events per second' } as const satisfies WholeNumberRange;
/** One Standard throughput unit is 1 MB/s; 1 GiB/s per partition is beyond any tier. */
export const PARTITION_BYTES_PER_SECOND = { min: 1, max: 1_073_741_824, unit: 'bytes per second' } as const satisfies WholeNumberRange;

export const SANDBOX_FLAGS_HELP = `  --latency MS           simulated network latency, one round trip per operation, 0 to 60,000
                         (default 0): each Entra ID and Key Vault answer, each Event Hubs REST
                         request, and AMQP connection open, transfer, put-token and management call
  --partition-limit N    Event Hubs ingress limit per partition, 1 to 1,000,000 events per second
                         (default: no limit); over it, REST answers 429 with Retry-After and AMQP
                         ServerBusyError (one Standard throughput unit: 1,000 events/s or 1 MB/s)
  --partition-limit-bytes N
                         the same in bytes of event bodies per second, 1 to 1,073,741,824
`;

export function sandboxNetworkOptions(
  usesSandbox: boolean,
  latency: string | undefined,
  eventsPerSecond: string | undefined,
  bytesPerSecond: string | undefined,
): { sandboxNetwork?: SandboxNetworkOptions } {
  const given = latency !== undefined ? '--latency' : eventsPerSecond !== undefined ? '--partition-limit' : bytesPerSecond !== undefined ? '--partition-limit-bytes' : undefined;
  if (given === undefined) {
    return {};
  }
  if (!usesSandbox) {
    throw new ValidationError(given, 'only applies to the local sandbox, not to a profile\'s endpoints.', 'Use it with the sandbox command, --sandbox, or without --profile.');
  }
  const events = eventsPerSecond !== undefined ? parseWholeNumber(eventsPerSecond, '--partition-limit', PARTITION_EVENTS_PER_SECOND) : undefined;
  const bytes = bytesPerSecond !== undefined ? parseWholeNumber(bytesPerSecond, '--partition-limit-bytes', PARTITION_BYTES_PER_SECOND) : undefined;
  return {
    sandboxNetwork: {
      ...(latency !== undefined ? { latencyMs: parseWholeNumber(latency, '--latency', SANDBOX_LATENCY_MS) } : {}),
      ...(events !== undefined || bytes !== undefined
        ? { partitionLimit: { ...(events !== undefined ? { eventsPerSecond: events } : {}), ...(bytes !== undefined ? { bytesPerSecond: bytes } : {}) } }
        : {}),
    },
  };
}
