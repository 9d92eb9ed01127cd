/** Every identifier the extension contributes, declared once (package.json must agree: a test checks). */
export const EXTENSION_ID = 'eventstream-flow.eventstream-flow';

export const COMMANDS = {
  addProfile: 'eventstreamFlow.addProfile',
  editProfile: 'eventstreamFlow.editProfile',
  configureReadBack: 'eventstreamFlow.configureReadBack',
  duplicateProfile: 'eventstreamFlow.duplicateProfile',
  renameProfile: 'eventstreamFlow.renameProfile',
  deleteProfile: 'eventstreamFlow.deleteProfile',
  importProfiles: 'eventstreamFlow.importProfiles',
  importConnectionString: 'eventstreamFlow.importConnectionString',
  exportProfile: 'eventstreamFlow.exportProfile',
  exportForPipeline: 'eventstreamFlow.exportForPipeline',
  deployAsPipeline: 'eventstreamFlow.deployAsPipeline',
  runPipeline: 'eventstreamFlow.runPipeline',
  comparePipeline: 'eventstreamFlow.comparePipeline',
  clearAllData: 'eventstreamFlow.clearAllData',
  refresh: 'eventstreamFlow.refresh',
  testKeyVaultToken: 'eventstreamFlow.testKeyVaultToken',
  readClientId: 'eventstreamFlow.readClientId',
  readClientSecret: 'eventstreamFlow.readClientSecret',
  getEventHubsToken: 'eventstreamFlow.getEventHubsToken',
  inspectToken: 'eventstreamFlow.inspectToken',
  probeEndpoint: 'eventstreamFlow.probeEndpoint',
  sendTestEvent: 'eventstreamFlow.sendTestEvent',
  runFlow: 'eventstreamFlow.runFlow',
  openSendPanel: 'eventstreamFlow.openSendPanel',
  startSandbox: 'eventstreamFlow.startSandbox',
  stopSandbox: 'eventstreamFlow.stopSandbox',
  copySecretReference: 'eventstreamFlow.copySecretReference',
  revealSecretValue: 'eventstreamFlow.revealSecretValue',
  openSecretInPortal: 'eventstreamFlow.openSecretInPortal',
  showLog: 'eventstreamFlow.showLog',
  signIn: 'eventstreamFlow.signIn',
  makeStageFail: 'eventstreamFlow.makeStageFail',
  refreshDiscovery: 'eventstreamFlow.refreshDiscovery',
  signInToDiscover: 'eventstreamFlow.signInToDiscover',
  createProfileFromEndpoint: 'eventstreamFlow.createProfileFromEndpoint',
  refreshKeysFromFabric: 'eventstreamFlow.refreshKeysFromFabric',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEWS = {
  container: 'eventstreamFlow',
  profiles: 'eventstreamFlow.profiles',
} as const;

/** Context keys and the type of their values. */
export interface ContextKeys {
  'eventstreamFlow.hasProfiles': boolean;
  'eventstreamFlow.sandboxRunning': boolean;
  'eventstreamFlow.flowRunning': boolean;
}

export const SETTINGS = {
  section: 'eventstreamFlow',
  defaultCloud: 'eventstreamFlow.defaultCloud',
  keepConnectionsMinutes: 'eventstreamFlow.keepConnectionsMinutes',
  stageTimeoutSeconds: 'eventstreamFlow.stageTimeoutSeconds',
  keyVaultApiVersion: 'eventstreamFlow.keyVaultApiVersion',
  defaultProtocol: 'eventstreamFlow.defaultProtocol',
  amqpTransport: 'eventstreamFlow.amqpTransport',
  historySize: 'eventstreamFlow.historySize',
  secretsExpiryWarningDays: 'eventstreamFlow.secrets.expiryWarningDays',
} as const;

/** SecretStorage keys: every profile field lives here, never in settings or global state. */
export const SECRET_KEYS = {
  profileIndex: 'eventstreamFlow.profiles',
  profile: (id: string) => `eventstreamFlow.profile:${id}` as const,
} as const;

/** Walkthrough id as VS Code addresses it: publisher.name#id. */
export const WALKTHROUGH = 'eventstream-flow.eventstream-flow#gettingStarted';
