import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import { addProfile } from './addProfile';
import { clearAllData } from './clearAllData';
import type { CommandHandler } from './commandContext';
import { configureReadBack } from './configureReadBack';
import { copySecretReference } from './copySecretReference';
import { deleteProfile } from './deleteProfile';
import { duplicateProfile } from './duplicateProfile';
import { editProfile } from './editProfile';
import { exportForPipeline } from './exportForPipeline';
import { exportProfile } from './exportProfile';
import { getEventHubsToken } from './getEventHubsToken';
import { importConnectionString } from './importConnectionString';
import { importProfiles } from './importProfiles';
import { inspectToken } from './inspectToken';
import { makeStageFail } from './makeStageFail';
import { openSecretInPortal } from './openSecretInPortal';
import { openSendPanel } from './openSendPanel';
import { probeEndpoint } from './probeEndpoint';
import { readClientId } from './readClientId';
import { readClientSecret } from './readClientSecret';
import { refresh } from './refresh';
import { renameProfile } from './renameProfile';
import { revealSecretValue } from './revealSecretValue';
import { runCommand } from './runCommand';
import { runFlow } from './runFlow';
import { sendTestEvent } from './sendTestEvent';
import { showLog } from './showLog';
import { signIn } from './signIn';
import { startSandbox } from './startSandbox';
import { stopSandbox } from './stopSandbox';
import { testKeyVaultToken } from './testKeyVaultToken';
import { createProfileFromEndpoint } from '../discovery/createProfileFromEndpoint';
import { refreshKeysFromFabric } from '../discovery/refreshKeysFromFabric';
import { refreshDiscovery, signInToDiscover } from '../discovery/register';
import { comparePipeline } from '../pipeline/comparePipeline';
import { deployAsPipeline } from '../pipeline/deployAsPipeline';
import { runPipeline } from '../pipeline/runPipeline';

/**
 * Every command id and its handler, in one list. The type makes a missing or extra id a compile
 * error; a unit test checks this list against package.json `contributes.commands`.
 */
export const COMMAND_HANDLERS: { readonly [K in keyof typeof COMMANDS]: CommandHandler } = {
  addProfile,
  editProfile,
  configureReadBack,
  duplicateProfile,
  renameProfile,
  deleteProfile,
  importProfiles,
  importConnectionString,
  exportProfile,
  exportForPipeline,
  deployAsPipeline,
  runPipeline,
  comparePipeline,
  clearAllData,
  refresh,
  testKeyVaultToken,
  readClientId,
  readClientSecret,
  getEventHubsToken,
  inspectToken,
  probeEndpoint,
  sendTestEvent,
  runFlow,
  openSendPanel,
  startSandbox,
  stopSandbox,
  copySecretReference,
  revealSecretValue,
  openSecretInPortal,
  showLog,
  signIn,
  makeStageFail,
  refreshDiscovery,
  signInToDiscover,
  createProfileFromEndpoint,
  refreshKeysFromFabric,
};

/** Registers every command through the one wrapper; the caller pushes the disposables. */
export function registerCommands(services: ExtensionServices): vscode.Disposable[] {
  return (Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]).map((key) =>
    vscode.commands.registerCommand(COMMANDS[key], runCommand(services, COMMANDS[key], COMMAND_HANDLERS[key])),
  );
}
