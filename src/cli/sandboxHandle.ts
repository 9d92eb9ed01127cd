import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors/errors';
import type { ConnectionProfile } from '../core/model/profile';
import type { DemoWorld, Sandbox, SandboxUrls } from '../sandbox/types';

/**
 * What another CLI command may use of a sandbox that `eventstream-flow sandbox` keeps running in a
 * different terminal: its addresses, CA and demo world, written by that command to a 0600 file named
 * by `EVENTSTREAM_FLOW_SANDBOX` in its secrets.env. `discover` then asks that sandbox instead of
 * starting its own, so a profile it creates points at peers that are still there when it runs.
 */
export const SANDBOX_ENV = 'EVENTSTREAM_FLOW_SANDBOX';

/** The part of a running sandbox that a command in another process can use. */
export type SandboxPeers = Pick<Sandbox, 'urls' | 'caPem' | 'world' | 'profile'>;

interface HandleFile {
  readonly version: 1;
  readonly pid: number;
  readonly urls: SandboxUrls;
  readonly caPem: string;
  readonly world: DemoWorld;
  readonly profile: ConnectionProfile;
}

/** The file's content: throwaway credentials of the sandbox, so the caller writes it 0600. */
export function sandboxHandleJson(sandbox: Sandbox, profile: ConnectionProfile): string {
  const handle: HandleFile = { version: 1, pid: process.pid, urls: sandbox.urls, caPem: sandbox.caPem, world: sandbox.world, profile };
  return JSON.stringify(handle) + '\n';
}

/**
 * The sandbox named by EVENTSTREAM_FLOW_SANDBOX, or undefined when the variable is unset. A file
 * that is gone, unreadable or left by a stopped sandbox is an error with the fix, not a silent
 * fall-back: the user asked for that sandbox.
 */
export async function attachedSandbox(env: NodeJS.ProcessEnv): Promise<SandboxPeers | undefined> {
  const path = env[SANDBOX_ENV];
  if (!path) {
    return undefined;
  }
  const gone = (why: string): ValidationError =>
    new ValidationError(SANDBOX_ENV, `The sandbox it names (${path}) ${why}.`, `Start it again with \`eventstream-flow sandbox\` and source its secrets.env, or unset ${SANDBOX_ENV} to start a sandbox for this command only.`);
  let handle: HandleFile;
  try {
    handle = JSON.parse(await readFile(path, 'utf8')) as HandleFile;
  } catch {
    throw gone('is not running (its file is gone or unreadable)');
  }
  if (handle.version !== 1 || typeof handle.pid !== 'number' || !handle.urls || !handle.world || !handle.profile) {
    throw gone('was written by another version of eventstream-flow');
  }
  if (!processAlive(handle.pid)) {
    throw gone('is not running any more');
  }
  const profile = handle.profile;
  return {
    urls: handle.urls,
    caPem: handle.caPem,
    world: handle.world,
    profile: (overrides = {}) => ({ ...profile, ...(overrides.name ? { name: overrides.name } : {}), ...(overrides.id ? { id: overrides.id } : {}), endpoint: { ...profile.endpoint, protocol: overrides.protocol ?? profile.endpoint.protocol } }),
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: gone. EPERM: another user's process, so not the sandbox that wrote our 0600 file.
  }
}
