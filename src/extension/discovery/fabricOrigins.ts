/**
 * Where a profile made from a Fabric custom endpoint came from (account, workspace, eventstream,
 * source and read-back destination ids), so Refresh Keys from Fabric can find the endpoint again.
 * Kept in SecretStorage beside the profile, like every profile field: ids only, never a key.
 */
import type * as vscode from 'vscode';

export interface FabricOrigin {
  readonly accountId: string;
  readonly workspaceId: string;
  readonly eventstreamId: string;
  readonly sourceId: string;
  readonly destinationId?: string;
}

const key = (profileId: string): string => `eventstreamFlow.fabricOrigin:${profileId}`;

export async function saveOrigin(secrets: vscode.SecretStorage, profileId: string, origin: FabricOrigin): Promise<void> {
  await secrets.store(key(profileId), JSON.stringify(origin));
}

export async function originOf(secrets: vscode.SecretStorage, profileId: string): Promise<FabricOrigin | undefined> {
  const text = await secrets.get(key(profileId));
  if (!text) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<FabricOrigin>;
    return typeof parsed.accountId === 'string' && typeof parsed.workspaceId === 'string' && typeof parsed.eventstreamId === 'string' && typeof parsed.sourceId === 'string'
      ? (parsed as FabricOrigin)
      : undefined;
  } catch {
    return undefined;
  }
}
