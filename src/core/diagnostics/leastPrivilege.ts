import { parseConnectionString } from '../azure/connectionString';
import type { EndpointAuth } from '../model/profile';

/**
 * Least privilege for the endpoint's SAS credentials. Sending needs one right, Send, on one event
 * hub; the namespace root key (RootManageSharedAccessKey) carries Manage, Send and Listen on every
 * hub in the namespace. Pure: looks at key *names* and the connection string's shape, never prints
 * a key.
 */

export const ROOT_KEY_NAME = 'RootManageSharedAccessKey';

export type PrivilegeAdvisoryCode = 'rootKey' | 'namespaceLevelKey';

export interface PrivilegeAdvisory {
  readonly code: PrivilegeAdvisoryCode;
  /** What is broader than needed. */
  readonly message: string;
  /** The smaller credential that is enough, and where to create it. */
  readonly fix: string;
}

/** The one remedy for every advisory (wording shared by the CLI, tooltips and the wizard). */
export const SEND_ONLY_POLICY_FIX =
  "A send-only policy on the event hub is enough: create one with only Send (Azure: Event Hub → Shared access policies; Fabric custom endpoints already give an entity-level key_… key).";

export function isRootKeyName(keyName: string | undefined): boolean {
  return keyName?.trim().toLowerCase() === ROOT_KEY_NAME.toLowerCase();
}

/** Advisory for a SAS policy name entered on its own (profile SAS auth, the wizard). */
export function keyNameAdvisory(keyName: string | undefined): PrivilegeAdvisory | undefined {
  if (!isRootKeyName(keyName)) {
    return undefined;
  }
  return {
    code: 'rootKey',
    message: `${ROOT_KEY_NAME} is the namespace's root key: it can manage, send to and listen on every event hub in the namespace.`,
    fix: SEND_ONLY_POLICY_FIX,
  };
}

/**
 * Advisory for a connection string: the root key (by SharedAccessKeyName, or the `skn` of a
 * ready-made signature), else a namespace-level string (no EntityPath). Unparsable text gets none:
 * validation reports that separately.
 */
export function connectionStringAdvisory(text: string): PrivilegeAdvisory | undefined {
  let parsed;
  try {
    parsed = parseConnectionString(text);
  } catch {
    return undefined;
  }
  const signedWith = parsed.sharedAccessSignature ? sasKeyName(parsed.sharedAccessSignature) : undefined;
  const root = keyNameAdvisory(parsed.keyName ?? signedWith);
  if (root) {
    return root;
  }
  if (!parsed.eventHubName && !parsed.sharedAccessSignature) {
    return {
      code: 'namespaceLevelKey',
      message: `This connection string has no EntityPath: its policy${parsed.keyName ? ` ${parsed.keyName}` : ''} is the namespace's, valid for every event hub there.`,
      fix: SEND_ONLY_POLICY_FIX,
    };
  }
  return undefined;
}

/** The advisory for a profile's endpoint credentials (Entra auth never has one). */
export function endpointAuthAdvisory(auth: EndpointAuth): PrivilegeAdvisory | undefined {
  switch (auth.kind) {
    case 'sas':
      return keyNameAdvisory(auth.keyName);
    case 'connectionString':
      return connectionStringAdvisory(auth.connectionString);
    case 'entra':
      return undefined;
  }
}

/** "message fix" in one line, for a CLI warning or a notification. */
export function formatAdvisory(advisory: PrivilegeAdvisory): string {
  return `${advisory.message} ${advisory.fix}`;
}

/** `skn=` of a `SharedAccessSignature sr=…&sig=…&se=…&skn=…` token (the key name, not the key). */
function sasKeyName(token: string): string | undefined {
  const query = token.replace(/^SharedAccessSignature\s+/i, '');
  for (const pair of query.split('&')) {
    const [name, value] = pair.split('=');
    if (name?.trim().toLowerCase() === 'skn' && value) {
      try {
        return decodeURIComponent(value.trim());
      } catch {
        return value.trim();
      }
    }
  }
  return undefined;
}
