/**
 * Where the Fabric and Data Factory peers keep their pipeline runs: one host per sandbox world,
 * attached by startSandbox once the peers listen (the runner needs their addresses and the CA).
 */
import type { SandboxUrls } from '../types';
import type { World } from '../world';
import type { PipelineDefinition } from './definition';
import { runnerEnvironment } from './environment';
import { PipelineRun } from './runner';

export interface HostedRun {
  readonly run: PipelineRun;
  /** The Fabric item id or the Data Factory pipeline's resource id (lower case). */
  readonly pipelineKey: string;
  readonly service: 'fabric' | 'adf';
  /** Fabric: the job type the run was started with (`Pipeline`, or `Execute` on the data pipeline route). */
  readonly jobType?: string;
}

export class PipelineHost {
  /** Scales retry intervals and activity timeouts of every run (1 = as the definition says). */
  timeScale = 1;
  /** Retry-After the Fabric peer gives on its long-running operations and job polls (seconds). */
  retryAfterSeconds = 1;
  private parts?: { urls: SandboxUrls; caPem: string; tenantId: string };
  private readonly runs = new Map<string, HostedRun>();

  constructor(private readonly world: World) {}

  attach(parts: { urls: SandboxUrls; caPem: string; tenantId: string }): void {
    this.parts = parts;
  }

  /** Starts a run (throws RunRequestError for missing parameters). */
  start(options: { service: 'fabric' | 'adf'; pipelineKey: string; pipelineName: string; factoryName: string; definition: PipelineDefinition; parameters: Readonly<Record<string, unknown>>; jobType?: string }): HostedRun {
    if (!this.parts) {
      throw new Error('The pipeline runner is not attached to a started sandbox.');
    }
    const env = runnerEnvironment({ world: this.world, ...this.parts }, { factoryName: options.factoryName, timeScale: this.timeScale });
    const run = new PipelineRun(options.pipelineName, options.definition, options.parameters, env);
    const hosted: HostedRun = { run, pipelineKey: options.pipelineKey.toLowerCase(), service: options.service, ...(options.jobType ? { jobType: options.jobType } : {}) };
    this.runs.set(run.runId, hosted);
    // A run's own failures are in its records; nothing may reject unobserved.
    run.done.catch(() => undefined);
    return hosted;
  }

  run(runId: string): HostedRun | undefined {
    return this.runs.get(runId.toLowerCase());
  }

  runsOf(pipelineKey: string): HostedRun[] {
    return [...this.runs.values()].filter((hosted) => hosted.pipelineKey === pipelineKey.toLowerCase());
  }
}

const hosts = new WeakMap<World, PipelineHost>();

export function pipelineHostOf(world: World): PipelineHost {
  let host = hosts.get(world);
  if (!host) {
    host = new PipelineHost(world);
    hosts.set(world, host);
  }
  return host;
}

/** Called once by startSandbox after the peers listen. */
export function attachPipelineRunner(world: World, parts: { urls: SandboxUrls; caPem: string; tenantId: string }): void {
  pipelineHostOf(world).attach(parts);
}
