import { ValidationError } from '../../core/errors/errors';
import type { Redactor } from '../../core/logging/redact';
import type { ConnectionProfile } from '../../core/model/profile';
import type { FaultKind, Sandbox } from '../../sandbox/types';
import type { CliOptions } from '../options';

/**
 * Starts the in-process sandbox (lazily loaded), registers its secrets and applies --fault options
 * that the peers answer; --fault options that are mistakes in the profile are applied by `sandboxProfileFor`.
 */
export async function startCliSandbox(options: CliOptions, redactor: Redactor): Promise<Sandbox> {
  const [{ KEEP_RECEIVED_WHEN_LEFT_RUNNING, startSandbox }, { faultForStage, FAULT_KINDS, PROFILE_FAULT_KINDS, isProfileFaultKind }] = await Promise.all([
    import('../../sandbox/index'),
    import('../../sandbox/stageFaults'),
  ]);
  for (const fault of options.faults) {
    if (!FAULT_KINDS.includes(fault.kind as FaultKind) && !isProfileFaultKind(fault.kind)) {
      throw new ValidationError('--fault', `'${fault.kind}' is not a fault kind.`, `Use one of: ${[...FAULT_KINDS, ...PROFILE_FAULT_KINDS].join(', ')}.`);
    }
  }
  // --latency and --partition-limit: the sandbox's SandboxOptions of the same names. It may run for
  // an hour of load: keep the newest events only.
  const sandbox = await startSandbox({ ...options.sandboxNetwork, keepReceived: KEEP_RECEIVED_WHEN_LEFT_RUNNING });
  const { world } = sandbox;
  for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key, world.listenOnlySas.key]) {
    redactor.add(secret);
  }
  for (const fault of options.faults) {
    if (!isProfileFaultKind(fault.kind)) {
      sandbox.faults.inject(faultForStage(fault.stage, fault.kind as FaultKind, world));
    }
  }
  return sandbox;
}

/** The sandbox's profile for this run, with the profile mistakes --fault asked for. */
export async function sandboxProfileFor(sandbox: Sandbox, options: CliOptions, name?: string): Promise<ConnectionProfile> {
  const { applyProfileFault, isProfileFaultKind } = await import('../../sandbox/stageFaults');
  let profile = sandbox.profile({ ...(name ? { name } : {}), protocol: options.protocol ?? 'rest' });
  for (const fault of options.faults) {
    if (isProfileFaultKind(fault.kind)) {
      profile = applyProfileFault(fault.kind, profile, sandbox.world);
    }
  }
  return profile;
}
