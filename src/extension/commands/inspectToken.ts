import * as vscode from 'vscode';
import { formatInspectionMarkdown, type InspectedStage } from '../../core/diagnostics/tokenInspector';
import { STAGE_TITLES } from '../../core/flow/types';
import type { ExtensionServices } from '../services';
import { resolveProfileId } from './commandContext';
import { runStageCommand } from './stageCommand';

/** Read-only virtual documents: VS Code offers no edit or save for a content provider's scheme. */
export const TOKEN_REPORT_SCHEME = 'eventstream-flow-token';

const TOKEN_STAGES: readonly InspectedStage[] = ['keyVaultToken', 'eventHubsToken'];

/** The reports opened in this session, by URI; memory only, and already redacted. */
const reports = new Map<string, string>();
let registered = false;
let opened = 0;

/** The built-in Markdown preview (markdown-language-features): renders the report's tables. */
const MARKDOWN_PREVIEW = 'markdown.showPreview';
export const INSPECT_TOKEN_TITLE = 'Inspect Token';

/**
 * "Inspect Token": runs the token stage (stage 1 or 4, and what it needs), then shows what the
 * engine's inspector found — claims and checks against the next stage — as a rendered report: VS
 * Code's own Markdown preview of a read-only virtual document (its CSP allows no script; issue #11:
 * raw Markdown tables wrapped and were hard to read). The token is never shown: the inspection holds named claims only, and is redacted
 * once more here (the pipeline's client id in `appid` stays hidden).
 */
export async function inspectToken(services: ExtensionServices, node?: unknown, ...args: unknown[]): Promise<void> {
  const profileId = await resolveProfileId(services, node, 'Profile whose token to inspect');
  const stage = profileId ? await tokenStageOf(services, node, args[0]) : undefined;
  if (!profileId || !stage) {
    return;
  }
  const result = await runStageCommand(services, profileId, stage);
  if (!result) {
    return;
  }
  const inspection = result.outcomes.find((o) => o.stage === stage)?.inspection;
  if (!inspection) {
    throw new Error(`${STAGE_TITLES[stage]} succeeded but produced no token to inspect.`);
  }
  const name = (await services.profiles.list()).find((p) => p.id === profileId)?.name ?? 'Profile';
  const markdown = services.redactor.redact(formatInspectionMarkdown(inspection, `${name}: ${STAGE_TITLES[stage]}`));

  ensureProvider(services);
  opened += 1;
  // A fresh query each time: VS Code caches a virtual document's text per URI.
  const uri = vscode.Uri.from({ scheme: TOKEN_REPORT_SCHEME, path: `/${STAGE_TITLES[stage]}.md`, query: String(opened) });
  reports.set(uri.toString(), markdown);
  const document = await vscode.workspace.openTextDocument(uri);
  try {
    await vscode.commands.executeCommand(MARKDOWN_PREVIEW, document.uri);
  } catch (error) {
    // The Markdown extension can be disabled: the source is still readable.
    services.logger.child('inspectToken').warn(`Markdown preview unavailable (${String(error)}); opening the report as text.`);
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

/** The stage from the tree node, a command argument, or the user's pick. */
async function tokenStageOf(services: ExtensionServices, node: unknown, arg: unknown): Promise<InspectedStage | undefined> {
  const fromNode = typeof node === 'object' && node !== null ? (node as { stage?: unknown }).stage : undefined;
  for (const candidate of [fromNode, arg]) {
    if (TOKEN_STAGES.includes(candidate as InspectedStage)) {
      return candidate as InspectedStage;
    }
  }
  const picked = await services.input.showQuickPick(
    TOKEN_STAGES.map((s) => ({ label: STAGE_TITLES[s], stage: s, description: s === 'keyVaultToken' ? 'stage 1, used by the Key Vault reads' : 'stage 4, used by the send' })),
    { title: INSPECT_TOKEN_TITLE, placeHolder: 'Which token to inspect', ignoreFocusOut: true },
  );
  return picked?.stage;
}

function ensureProvider(services: ExtensionServices): void {
  if (registered) {
    return;
  }
  registered = true;
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? 'This report is no longer available: run "Inspect Token" again.',
  };
  services.context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(TOKEN_REPORT_SCHEME, provider), {
    dispose: () => {
      registered = false;
      reports.clear();
    },
  });
}
