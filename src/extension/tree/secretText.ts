// Tooltip text shared by secret and secret-version nodes. Pure (no vscode).
import type { SecretInfo } from '../../core/azure/keyVault';

/** The tooltip's date lines of a secret or a version: created, updated, valid from, expiry. */
export function dateLines(info: SecretInfo, expired: boolean): string[] {
  return [
    ...(info.createdOn ? [`- Created ${info.createdOn.toISOString()}`] : []),
    ...(info.updatedOn ? [`- Updated ${info.updatedOn.toISOString()}`] : []),
    ...(info.notBefore ? [`- Valid from ${info.notBefore.toISOString()}`] : []),
    info.expiresOn ? `- ${expired ? 'Expired' : 'Expires'} ${info.expiresOn.toISOString()}` : '- No expiry date',
  ];
}

/** Escapes Markdown in a secret's name, version or URL for its tooltip. */
export function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
