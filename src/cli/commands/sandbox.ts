import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../../core/logging/redact';
import type { ConnectionProfile } from '../../core/model/profile';
import { toShareableProfile } from '../../core/model/shareable';
import type { CliIo } from './flow';
import type { CliOptions } from '../options';
import { SECRET_ENV } from '../profileSource';
import { makeTempDir, removeTempDir } from '../tempDirs';
import { SANDBOX_ENV, sandboxHandleJson } from '../sandboxHandle';
import { startCliSandbox } from './sandboxSession';

/**
 * `sandbox`: starts the peers and keeps them up until Ctrl+C. It writes a profile without
 * secrets, and the sandbox's throwaway secrets to a separate 0600 env file; neither is printed.
 * Their folder is removed when the command ends, however it ends (Ctrl+C, an error, exit).
 */
export async function runSandboxCommand(options: CliOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const redactor = new Redactor();
  const sandbox = await startCliSandbox(options, redactor);
  let dir: string | undefined;
  try {
    dir = makeTempDir('eventstream-flow-sandbox-');
    const profile: ConnectionProfile = sandbox.profile({ name: 'Local sandbox', protocol: options.protocol ?? 'rest' });
    const profilePath = join(dir, 'profile.json');
    const envPath = join(dir, 'secrets.env');
    const caPath = join(dir, 'ca.pem');
    const handlePath = join(dir, 'sandbox.json');
    await writeFile(profilePath, JSON.stringify(toShareableProfile(profile), null, 2) + '\n', { mode: 0o600 });
    const { auth } = profile.keyVault;
    const lines = [
      '# Throwaway credentials of the local sandbox; they die with it.',
      ...(auth.kind === 'servicePrincipal' ? [`export ${SECRET_ENV.clientSecret}='${auth.clientSecret}'`] : []),
      `export NODE_EXTRA_CA_CERTS='${caPath}'`,
      `export ESF_SANDBOX_CA_DIR='${process.env.ESF_SANDBOX_CA_DIR ?? ''}'`,
      // `discover` asks this sandbox (not one of its own), and profiles it makes from the sandbox's
      // Fabric endpoints find their keys here.
      `export ${SANDBOX_ENV}='${handlePath}'`,
      `export ${SECRET_ENV.sasKey}='${sandbox.world.sas.key}'`,
      `export ${SECRET_ENV.readBackSasKey}='${sandbox.world.sas.key}'`,
    ];
    await writeFile(envPath, lines.join('\n') + '\n', { mode: 0o600 });
    await writeFile(caPath, sandbox.caPem);
    await writeFile(handlePath, sandboxHandleJson(sandbox, profile), { mode: 0o600 });

    const summary = {
      type: 'sandbox',
      authorityHost: sandbox.urls.authorityHost,
      vaultUrl: sandbox.urls.vaultUrl,
      namespace: sandbox.urls.namespace,
      emulatorNamespace: sandbox.urls.emulatorNamespace,
      proxy: sandbox.urls.proxy,
      fabricApi: sandbox.urls.fabricApi,
      resourceManager: sandbox.urls.resourceManager,
      eventHubName: sandbox.world.eventHubName,
      tenantId: sandbox.world.tenantId,
      profile: profilePath,
      secretsEnv: envPath,
      handle: handlePath,
      ca: caPath,
      ...(options.sandboxNetwork?.latencyMs !== undefined ? { latencyMs: options.sandboxNetwork.latencyMs } : {}),
      ...(options.sandboxNetwork?.partitionLimit ? { partitionLimit: options.sandboxNetwork.partitionLimit } : {}),
    };
    if (options.json) {
      io.stdout(redactor.redactJson(summary) + '\n');
    } else {
      io.stdout(
        redactor.redact(
          [
            'Local sandbox is running (Entra ID, Key Vault, Event Hubs REST + AMQP, Fabric, Resource Manager). Ctrl+C stops it.',
            `  Entra ID authority  ${summary.authorityHost}   tenant ${summary.tenantId}`,
            `  Key Vault           ${summary.vaultUrl}`,
            `  Event Hubs          ${summary.namespace}/${summary.eventHubName}   (emulator TCP: ${summary.emulatorNamespace})`,
            `  Fabric REST API     ${summary.fabricApi}/v1`,
            `  Resource Manager    ${summary.resourceManager}`,
            `  HTTP proxy          ${summary.proxy}   (as HTTPS_PROXY: routes login.microsoftonline.com, *.vault.azure.net, *.servicebus.windows.net, api.fabric.microsoft.com, management.azure.com and the other clouds' hosts here)`,
            ...networkLines(options),
            `  Profile (no secrets) ${profilePath}`,
            '',
            'In another terminal:',
            `  source ${envPath}`,
            `  eventstream-flow run --profile ${profilePath}`,
            `  eventstream-flow discover fabric        (this sandbox's workspaces, eventstreams and custom endpoints)`,
            '',
          ].join('\n'),
        ),
      );
    }
    await new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
      }
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    // The secrets first: a sandbox slow to stop must not keep them on disk.
    if (dir !== undefined) {
      removeTempDir(dir);
    }
    await sandbox.stop();
  }
}

/** The simulated network, when asked for: latency per round trip and the ingress limit per partition. */
function networkLines(options: CliOptions): string[] {
  const { latencyMs, partitionLimit } = options.sandboxNetwork ?? {};
  const limit = [
    ...(partitionLimit?.eventsPerSecond !== undefined ? [`${partitionLimit.eventsPerSecond} events/s`] : []),
    ...(partitionLimit?.bytesPerSecond !== undefined ? [`${partitionLimit.bytesPerSecond} bytes/s`] : []),
  ];
  return [
    ...(latencyMs !== undefined ? [`  Latency             ${latencyMs} ms per round trip (every peer)`] : []),
    ...(limit.length > 0 ? [`  Partition limit     ${limit.join(' and ')} per partition (over it: 429 Retry-After / ServerBusyError)`] : []),
  ];
}
