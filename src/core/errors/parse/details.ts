// The specifics an explanation quotes, read out of the service's own message text.

/**
 * The specifics an explanation quotes, read from the service's own text (wire facts §1.4, §1.5,
 * §2.3, §4.4): what the user must act on is in there, e.g. the IP a vault firewall saw.
 */
export function detailsFor(code: string, message: string): Record<string, string> {
  const found: Record<string, string> = {};
  const take = (name: string, pattern: RegExp): string | undefined => {
    const value = pattern.exec(message)?.[1]?.trim();
    if (value) {
      found[name] = value;
    }
    return value;
  };
  switch (code) {
    case 'AADSTS500011': {
      // "The resource principal named https://eventhubs.azure.net/.default was not found in the tenant named …"
      const resource = take('resource', /resource principal named (\S+) was not found/i);
      if (resource) {
        found.resourceWithoutDefault = resource.replace(/\/\.default$/i, '');
      }
      break;
    }
    case 'AKV10022':
      // "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://vault.azure.net/."
      take('expectedAudience', /Expected (\S+?),/);
      take('foundAudience', /found:\s*(\S+?)\.?(?:\s|$)/);
      break;
    case 'AKV10032': {
      // "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/<vault tid>/, … found https://sts.windows.net/<tid>/."
      const expected = take('expectedIssuer', /Expected one of (\S+?),/);
      const foundIssuer = take('tokenIssuer', /found (\S+?)\.?(?:\s|$)/);
      const tenant = (issuer: string | undefined): string | undefined => (issuer ? /\/([0-9a-f-]{36})\/?/i.exec(issuer)?.[1] : undefined);
      const vaultTenant = tenant(expected);
      const tokenTenant = tenant(foundIssuer);
      if (vaultTenant) {
        found.vaultTenant = vaultTenant;
      }
      if (tokenTenant) {
        found.tokenTenant = tokenTenant;
      }
      break;
    }
    case 'ForbiddenByRbac': {
      // "…Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/…/vaults/kv/secrets/x'…"
      take('action', /Action:\s*'([^']+)'/);
      const scope = take('scope', /Resource:\s*'([^']+)'/);
      const vaultScope = scope ? /^(.*\/providers\/microsoft\.keyvault\/vaults\/[^/]+)/i.exec(scope)?.[1] : undefined;
      if (vaultScope) {
        found.vaultScope = vaultScope;
      }
      take('vault', /Vault:\s*([^;\s]+)/);
      break;
    }
    case 'ForbiddenByFirewall':
      // "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\n…"
      take('clientAddress', /Client address:\s*(\S+)/i);
      take('vault', /Vault:\s*([^;\s]+)/);
      break;
    case 'MissingSendClaim':
      // "Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: 'sb://ns/hub'."
      take('entity', /Resource:\s*'([^']+)'/);
      break;
    default:
      break;
  }
  return found;
}
