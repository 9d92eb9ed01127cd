/**
 * The editor settings a flow run reads, at each run: stage timeout, AMQP transport, Key Vault
 * api-version, and how long a send's AMQP connection stays open. Preferences only, never an
 * identifier or a secret (see `contributes.configuration`).
 */
import * as vscode from 'vscode';
import { STAGE_TIMEOUT_SECONDS } from '../core/model/limits';
import { SETTINGS } from './constants';

export interface RunnerSettings {
  readonly stageTimeoutMs: number;
  readonly amqpTransport: 'tcp' | 'websockets';
  readonly keyVaultApiVersion?: string;
}

/** How long a send's AMQP connection stays open for the next one (`eventstreamFlow.keepConnectionsMinutes`; 0: close after each send). */
export function keepConnectionsMs(): number {
  const minutes = vscode.workspace.getConfiguration().get<number>(SETTINGS.keepConnectionsMinutes, 2);
  return Math.min(60, Math.max(0, Number.isFinite(minutes) ? minutes : 2)) * 60_000;
}

/** The run settings as they are now. */
export function readRunnerSettings(): RunnerSettings {
  const config = vscode.workspace.getConfiguration();
  const seconds = config.get<number>(SETTINGS.stageTimeoutSeconds, 30);
  const transport = config.get<string>(SETTINGS.amqpTransport, 'tcp');
  // "sdk" reads through @azure/keyvault-secrets; an api-version sends the pipeline's own GET.
  const apiVersion = config.get<string>(SETTINGS.keyVaultApiVersion, '7.0');
  return {
    stageTimeoutMs: Math.min(STAGE_TIMEOUT_SECONDS.max, Math.max(STAGE_TIMEOUT_SECONDS.min, Number.isFinite(seconds) ? seconds : STAGE_TIMEOUT_SECONDS.default)) * 1000,
    amqpTransport: transport === 'websockets' ? 'websockets' : 'tcp',
    ...(apiVersion ? { keyVaultApiVersion: apiVersion } : {}),
  };
}
