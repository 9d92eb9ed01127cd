import type { ConnectionProfile } from '../model/profile';
import type { SendRequest, StageContext, StageId, StageOutputs } from './types';

/** What the caller asks of a run beyond the profile. */
export interface FlowRequest {
  /** Required when the plan includes `send`. */
  readonly send?: SendRequest;
}

export interface StageRun<T> {
  readonly output: T;
  /** One safe line for the timeline and the log: never a secret value or token. */
  readonly summary: string;
  readonly cached?: boolean;
}

/** One stage of the flow: runnable alone, given its dependencies' outputs. */
export interface StageImplementation<S extends StageId = StageId> {
  readonly id: S;
  run(ctx: StageContext, inputs: Partial<StageOutputs>, request: FlowRequest): Promise<StageRun<StageOutputs[S]>>;
  /**
   * Called when a run that includes this stage starts: begin what the stage will need while the
   * stages before it wait on the network (load its SDK). Never throws; never sends anything.
   */
  prepare?(profile: ConnectionProfile, request: FlowRequest): void;
  /**
   * The https origin this stage would open a new connection to if it ran now (undefined when it
   * would reuse what it has, or does not speak https itself): the engine opens that connection
   * while the stages before this one wait on the network (issue #8). Pure: sends nothing.
   */
  connectsTo?(ctx: StageContext, request: FlowRequest): string | undefined;
}

/** A dependency's output; its absence is a bug in the plan, not a user error. */
export function need<K extends keyof StageOutputs>(inputs: Partial<StageOutputs>, key: K): StageOutputs[K] {
  const value = inputs[key];
  if (value === undefined) {
    throw new Error(`Internal error: stage input '${key}' is missing.`);
  }
  return value;
}
