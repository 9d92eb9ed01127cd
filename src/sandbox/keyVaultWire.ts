// Key Vault's words on the wire: the client address as it reports it, and its firewall, audience
// and RBAC refusal texts (wire facts §2.3).
import type { IncomingMessage } from 'node:http';
import type { AccessTokenClaims } from './internal';

/** The client's address as the vault reports it: IPv4-mapped IPv6 shown as plain IPv4. */
export function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/i, '');
}

export function forbiddenByFirewall(address: string, claims: AccessTokenClaims, vault: string): string {
  return [
    'Client address is not authorized and caller is not a trusted service.',
    `Client address: ${address}`,
    `Caller: appid=${claims.appid};oid=${claims.oid};iss=${claims.iss}`,
    `Vault: ${vault}`,
  ].join('\r\n');
}

export function audienceMessage(expected: string, found: string): string {
  return `AKV10022: Invalid audience. Expected ${expected}, found: ${found}.`;
}

export function forbiddenByRbac(claims: AccessTokenClaims, action: string, resource: string, vault: string): string {
  return [
    'Caller is not authorized to perform action on resource.',
    'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
    `Caller: appid=${claims.appid};oid=${claims.oid};iss=${claims.iss}`,
    `Action: '${action}'`,
    `Resource: '${resource}'`,
    'Assignment: (not found)',
    'DenyAssignmentId: null',
    "DecisionReason: 'DeniedWithNoValidRBAC' ",
    `Vault: ${vault}`,
    '',
  ].join('\r\n');
}
