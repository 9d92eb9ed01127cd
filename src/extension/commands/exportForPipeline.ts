import { chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors/errors';
import { exportFlow, type ExportFormat, type FlowExport } from '../../core/export/index';
import type { ExtensionServices } from '../services';
import { resolveProfile } from '../profiles/commandSupport';

// Export for Pipeline…: the format and Key Vault auth picked, the export opened or saved.
interface FormatItem extends vscode.QuickPickItem {
  readonly format: ExportFormat;
  readonly keyVaultAuth?: 'msi' | 'servicePrincipal';
}

/** Labels the in-host test answers with. */
export const EXPORT_FORMAT_LABELS = {
  pipeline: 'Data Factory / Fabric pipeline (JSON)',
  pipelineServicePrincipal: 'Data Factory / Fabric pipeline, Key Vault via service principal (JSON)',
  http: 'REST Client requests (.http)',
  curl: 'curl script (bash)',
} as const;

export const EXPORT_DESTINATION_LABELS = { open: 'Open in an Editor', save: 'Save to a File…' } as const;

/**
 * Export for Pipeline…: the profile's tested flow as a pipeline JSON, a REST Client file or a curl
 * script (`src/core/export`), opened as an untitled document or saved. Never a secret: the exports
 * reference the vault, the managed identity and environment variables instead.
 */
export async function exportForPipeline(services: ExtensionServices, node?: unknown): Promise<void> {
  const profile = await resolveProfile(services, node, 'Choose a profile to export for a pipeline');
  const items: FormatItem[] = [
    {
      label: EXPORT_FORMAT_LABELS.pipeline,
      format: 'pipeline',
      keyVaultAuth: 'msi',
      detail: "Four Web activities with secure input and output; the factory's managed identity reads the vault.",
    },
    ...(profile.keyVault.auth.kind === 'servicePrincipal'
      ? [
          {
            label: EXPORT_FORMAT_LABELS.pipelineServicePrincipal,
            format: 'pipeline' as const,
            keyVaultAuth: 'servicePrincipal' as const,
            detail: "Adds a Key Vault token activity for this profile's reader; its secret is a SecureString parameter.",
          },
        ]
      : []),
    { label: EXPORT_FORMAT_LABELS.http, format: 'http', detail: 'For the REST Client extension or httpyac; secrets from environment variables.' },
    { label: EXPORT_FORMAT_LABELS.curl, format: 'curl', detail: 'A bash script; secrets from environment variables, never on a command line.' },
  ];
  const picked = await services.input.showQuickPick(items, { title: `Export "${profile.name}" for a Pipeline`, placeHolder: 'Choose a format' });
  if (!picked) {
    throw new CancelledError();
  }
  const result = exportFlow(profile, picked.format, picked.keyVaultAuth ? { keyVaultAuth: picked.keyVaultAuth } : {});

  const destination = await services.input.showQuickPick(
    [
      { label: EXPORT_DESTINATION_LABELS.open, detail: 'An untitled document you can review before saving.' },
      { label: EXPORT_DESTINATION_LABELS.save, detail: result.fileName },
    ],
    { title: `Export "${profile.name}" as ${picked.label}`, placeHolder: 'Where to?' },
  );
  if (!destination) {
    throw new CancelledError();
  }
  const where = destination.label === EXPORT_DESTINATION_LABELS.save ? await save(services, result) : await open(result);
  services.logger.child('export').info(`Exported profile ${profile.id} as ${result.format} (${where}); it holds no secret.`);
  void vscode.window.showInformationMessage(
    `Exported "${profile.name}" as ${picked.label}${destination.label === EXPORT_DESTINATION_LABELS.save ? ` to ${where}` : ''}. It holds no secret: ${hint(result.format)}`,
  );
}

async function open(result: FlowExport): Promise<string> {
  // Without an extension for .http files VS Code knows no `http` language: plain text then.
  const languages = await vscode.languages.getLanguages();
  const language = languages.includes(result.languageId) ? result.languageId : 'plaintext';
  const document = await vscode.workspace.openTextDocument({ language, content: result.text });
  await vscode.window.showTextDocument(document, { preview: false });
  return 'untitled document';
}

async function save(services: ExtensionServices, result: FlowExport): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const filters: Record<ExportFormat, Record<string, string[]>> = {
    pipeline: { 'Pipeline JSON': ['json'] },
    http: { 'REST Client file': ['http', 'rest'] },
    curl: { 'Shell script': ['sh'] },
  };
  const uri = await services.input.showSaveDialog({
    title: 'Export for Pipeline',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder, result.fileName),
    filters: filters[result.format],
  });
  if (!uri) {
    throw new CancelledError();
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
  if (result.format === 'curl' && uri.scheme === 'file') {
    await chmod(uri.fsPath, 0o755); // a script is meant to be run
  }
  return uri.path.split('/').pop() ?? result.fileName;
}

function hint(format: ExportFormat): string {
  switch (format) {
    case 'pipeline':
      return 'import it into Data Factory or Fabric and grant the managed identity Key Vault Secrets User on the vault.';
    case 'http':
      return 'set EVENTSTREAM_FLOW_CLIENT_SECRET before sending the requests in order.';
    case 'curl':
      return 'set EVENTSTREAM_FLOW_CLIENT_SECRET, then run it with bash (needs curl and jq).';
  }
}
