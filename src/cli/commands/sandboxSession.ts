import { ValidationError } from '../../core/errors/errors';
import type { Redactor } from '../../core/logging/redact';
import type { FaultKind, Sandbox } from '../../sandbox/types';
import type { CliOptions } from '../options';

/** Starts the in-process sandbox (lazily loaded), registers its secrets and applies --fault options. */
export async function startCliSandbox(options: CliOptions, redactor: Redactor): Promise<Sandbox> {
  const [{ startSandbox }, { faultForStage, FAULT_KINDS }] = await Promise.all([import('../../sandbox/index'), import('../../sandbox/stageFaults')]);
  for (const fault of options.faults) {
    if (!FAULT_KINDS.includes(fault.kind as FaultKind)) {
      throw new ValidationError('--fault', `'${fault.kind}' is not a fault kind.`, `Use one of: ${FAULT_KINDS.join(', ')}.`);
    }
  }
  const sandbox = await startSandbox();
  const { world } = sandbox;
  for (const secret of [world.reader.clientSecret, world.pipeline.clientSecret, world.pipeline.clientId, world.sas.key]) {
    redactor.add(secret);
  }
  for (const fault of options.faults) {
    sandbox.faults.inject(faultForStage(fault.stage, fault.kind as FaultKind, world));
  }
  return sandbox;
}
