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
/** The profiles that have an origin: SecretStorage cannot list its keys, so they are indexed. */
const INDEX = 'eventstreamFlow.fabricOrigins';

type Secrets = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>;

async function indexOf(secrets: Secrets): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse((await secrets.get(INDEX)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export async function saveOrigin(secrets: Secrets, profileId: string, origin: FabricOrigin): Promise<void> {
  await secrets.store(key(profileId), JSON.stringify(origin));
  const ids = await indexOf(secrets);
  if (!ids.includes(profileId)) {
    await secrets.store(INDEX, JSON.stringify([...ids, profileId]));
  }
}

/** Forgets the origins of profiles that are gone (deleted, or Clear All Data). */
export async function pruneOrigins(secrets: Secrets, liveProfileIds: readonly string[]): Promise<void> {
  const ids = await indexOf(secrets);
  const gone = ids.filter((id) => !liveProfileIds.includes(id));
  if (gone.length === 0) {
    return;
  }
  for (const id of gone) {
    await secrets.delete(key(id));
  }
  const kept = ids.filter((id) => liveProfileIds.includes(id));
  await (kept.length > 0 ? secrets.store(INDEX, JSON.stringify(kept)) : secrets.delete(INDEX));
}

export async function originOf(secrets: Secrets, profileId: string): Promise<FabricOrigin | undefined> {
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
