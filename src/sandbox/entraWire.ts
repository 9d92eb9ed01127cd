// Entra's words and forms on the wire: its error texts (wire facts §1.5), its timestamp form, and
// the client_secret_basic header (RFC 6749 §2.3.1).

/** Entra's timestamp form in error bodies: "2016-01-09 02:02:12Z". */
export function entraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function parseBasic(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const unescape = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { clientId: unescape(decoded.slice(0, colon)), clientSecret: unescape(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function tenantNotFound(tenant: string): string {
  return `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

export function clientNotFound(clientId: string, tenantName: string): string {
  return `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
}

export function invalidSecret(clientId: string): string {
  return `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`;
}

export function expiredSecret(clientId: string): string {
  return `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`;
}
