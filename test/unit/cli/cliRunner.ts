// Runs the CLI in-process, as `eventstream-flow …` would, and collects what it printed.
import { main } from '../../../src/cli/main';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `main(args)` without colour, with the given environment; stdout and stderr as strings. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), color: false, env });
  return { code, out, err };
}
