/**
 * Where Deploy / Run Pipeline go for a profile: the local sandbox's Fabric workspace or Data Factory
 * for the sandbox profile (its vault reader stands in for the user, as in discovery), otherwise the
 * workspace or factory the user names once per profile (remembered in the workspace state, ids only),
 * reached with the signed-in Microsoft account.
 */
import { armService, fabricService } from '../../core/discovery/endpoints';
import { sandboxReaderContext } from '../../core/discovery/tokens';
import { CancelledError, ValidationError } from '../../core/errors/errors';
import type { ConnectionProfile } from '../../core/model/profile';
import { adfPipelineClient, fabricPipelineClient, type PipelineClient, type PipelineTargetKind } from '../../core/pipeline/index';
import type { Sandbox } from '../../sandbox/types';
import { SANDBOX_PROFILE_ID } from '../profiles/sandboxProfileId';
import type { ExtensionServices } from '../services';

export interface PipelineDestination {
  readonly kind: PipelineTargetKind;
  readonly client: PipelineClient;
  readonly sandbox?: Sandbox;
  /** What the progress and the views say: "Fabric, workspace …" / "Data Factory, factory …". */
  readonly label: string;
}

/** Labels the in-host tests answer with. */
export const TARGET_LABELS = { fabric: 'Fabric data pipeline', adf: 'Azure Data Factory pipeline' } as const;

export async function pickTarget(services: ExtensionServices, title: string): Promise<PipelineTargetKind> {
  const picked = await services.input.showQuickPick(
    [
      { label: TARGET_LABELS.fabric, target: 'fabric' as const, detail: 'A Data Pipeline item in a Fabric workspace (definition part pipeline-content.json), run by the job scheduler.' },
      { label: TARGET_LABELS.adf, target: 'adf' as const, detail: 'A pipeline in an Azure Data Factory (Resource Manager), run with createRun.' },
    ],
    { title, placeHolder: 'Where does the pipeline run?' },
  );
  if (!picked) {
    throw new CancelledError();
  }
  return picked.target;
}

const stateKey = (profileId: string, kind: PipelineTargetKind): string => `eventstreamFlow.pipelineTarget.${kind}.${profileId}`;

async function ask(services: ExtensionServices, prompt: string, value: string | undefined): Promise<string> {
  const answer = await services.input.showInputBox({ prompt, ...(value ? { value } : {}), ignoreFocusOut: true, validateInput: (text) => (text.trim() ? undefined : 'Required.') });
  if (answer === undefined) {
    throw new CancelledError();
  }
  return answer.trim();
}

export async function destinationFor(services: ExtensionServices, profile: ConnectionProfile, kind: PipelineTargetKind, signal: AbortSignal): Promise<PipelineDestination> {
  if (profile.id === SANDBOX_PROFILE_ID) {
    const { sandbox } = await services.sandbox.start();
    return sandboxDestination(services, sandbox, kind, signal);
  }
  const tokens = services.account.tokenProvider(profile.cloud, { createIfNone: true });
  const context = { tokens, signal };
  const state = services.context.workspaceState;
  if (kind === 'fabric') {
    const workspaceId = await ask(services, 'The Fabric workspace id for the pipeline (from the workspace URL …/groups/{id}/…)', state.get<string>(stateKey(profile.id, kind)));
    await state.update(stateKey(profile.id, kind), workspaceId);
    return { kind, client: fabricPipelineClient(fabricService(profile.cloud), workspaceId, context), label: `Fabric, workspace ${workspaceId}` };
  }
  const remembered = state.get<string>(stateKey(profile.id, kind));
  const answer = await ask(services, 'The Data Factory as subscription-id/resource-group/factory-name', remembered);
  const [subscriptionId, resourceGroup, factoryName, ...rest] = answer.split('/').map((part) => part.trim());
  if (!subscriptionId || !resourceGroup || !factoryName || rest.length > 0) {
    throw new ValidationError('factory', `'${answer}' is not subscription-id/resource-group/factory-name.`, 'Write the Data Factory as its subscription id, resource group and name, separated by /.');
  }
  await state.update(stateKey(profile.id, kind), answer);
  return { kind, client: adfPipelineClient(armService(profile.cloud), { subscriptionId, resourceGroup, factoryName }, context), label: `Data Factory ${factoryName}` };
}

async function sandboxDestination(services: ExtensionServices, sandbox: Sandbox, kind: PipelineTargetKind, signal: AbortSignal): Promise<PipelineDestination> {
  // All from the sandbox's entry point: the bundles load it as one file (dist/sandbox.js), sharing its state.
  const { sandboxInternals, pipelineHostOf, SANDBOX_FACTORY_NAME } = await import('../../sandbox/index');
  const internals = sandboxInternals(sandbox);
  const host = pipelineHostOf(internals.world);
  // As the CLI: retry waits 100x faster, no wait between polls of a local peer.
  host.timeScale = 0.01;
  host.retryAfterSeconds = 0;
  const { urls } = sandbox;
  const context = { ...sandboxReaderContext(sandbox, services.redactor), signal };
  return kind === 'fabric'
    ? { kind, sandbox, client: fabricPipelineClient(fabricService('public', urls.fabricApi), internals.fabric.demoWorkspaceId, context), label: 'Fabric (local sandbox)' }
    : {
        kind,
        sandbox,
        client: adfPipelineClient(armService('public', urls.resourceManager), { subscriptionId: internals.world.subscriptionId, resourceGroup: internals.world.resourceGroup, factoryName: SANDBOX_FACTORY_NAME }, context),
        label: 'Data Factory (local sandbox)',
      };
}
